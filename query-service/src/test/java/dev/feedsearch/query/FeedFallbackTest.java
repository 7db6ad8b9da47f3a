package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When ranking overruns its time budget the feed falls back to reverse-chronological order and says so.
 * A slow machine cannot be caused on demand, so a FAKE ticker stands in for it: every reading of the
 * budget clock advances one second. Everything else (index, server, HTTP) is real.
 */
class FeedFallbackTest {
    @Test
    void overrunningTheBudgetFallsBackToNewestFirstAndSaysSo() throws Exception {
        SampleServer s = SampleServer.get();
        AtomicLong fakeNanos = new AtomicLong();
        try (FeedsearchServer slow = FeedsearchServer.builder()
                .index(s.index)
                .languages(Set.of("en"))
                .port(0)
                .ticker(() -> fakeNanos.addAndGet(1_000_000_000L))
                .build()
                .start()) {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + slow.port() + "/v1/feed?viewer=u1&limit=10"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = PostJson.MAPPER.readTree(r.body());
            assertThat(page.get("ranking").asText()).isEqualTo("reverse_chronological");
            assertThat(page.get("fallback_reason").asText()).contains("time budget");
            assertThat(page.get("hits").size()).isPositive();
            String previous = null;
            for (JsonNode h : page.get("hits")) {
                assertThat(h.get("score").isNull()).isTrue();
                if (previous != null) assertThat(h.get("created_at").asText()).isLessThanOrEqualTo(previous);
                previous = h.get("created_at").asText();
            }
        }
    }
}
