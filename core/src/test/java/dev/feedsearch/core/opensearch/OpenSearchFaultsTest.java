package dev.feedsearch.core.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Overload, for real: the node's in-flight-requests circuit breaker is lowered until a bulk request trips it,
 * and OpenSearch answers 429 exactly as it does under memory pressure. The engine must back off and retry,
 * and when the attempts run out fail the batch (so the caller does not checkpoint past it) without losing it.
 */
class OpenSearchFaultsTest {
    static String url;

    @BeforeAll
    static void node() throws IOException {
        url = OpenSearchTestNode.url();
        OpenSearchFixtures.wipe(url);
    }

    @AfterEach
    void restoreBreaker() throws IOException {
        breaker(null);
    }

    /** Sets (or with null resets) the in-flight requests breaker; small requests like this one still pass. */
    static void breaker(String limit) throws IOException {
        OpenSearchFixtures.send(
                url,
                "PUT",
                "/_cluster/settings",
                "{\"transient\":{\"network.breaker.inflight_requests.limit\":"
                        + (limit == null ? "null" : "\"" + limit + "\"") + "}}");
    }

    static List<PostChange> posts(String prefix, int n) {
        List<PostChange> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Post p = new Post(
                    prefix + i,
                    "u" + (i % 7),
                    prefix + "series overload test number " + i + " about rivers and mountains",
                    null,
                    Instant.parse("2026-10-01T00:00:00Z").plusSeconds(i),
                    Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    0,
                    0,
                    0,
                    1,
                    false);
            out.add(PostChange.upsert(p, "en", "en"));
        }
        return out;
    }

    static long count(OpenSearchPostIndex index, String text) throws IOException {
        return index.search(SearchQuery.builder()
                        .text(text)
                        .sort(SortOrder.RECENT)
                        .limit(500)
                        .build())
                .hits()
                .size();
    }

    @Test
    void a429IsRetriedWithBackoffUntilTheClusterRecovers() throws Exception {
        OpenSearchConfig cfg = OpenSearchConfig.builder(url)
                .replicas(0)
                .refresh(OpenSearchConfig.Refresh.TRUE)
                .maxAttempts(12)
                .backoff(Duration.ofMillis(200))
                .build();
        try (OpenSearchPostIndex index =
                OpenSearchPostIndex.open(cfg, Mappings.load(), OpenSearchPostIndex.RejectedWrites.FAIL)) {
            breaker("2kb");
            Thread recover = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                    breaker(null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            recover.start();
            var result = index.apply(posts("r", 200));
            recover.join();
            assertThat(result.upserted()).isEqualTo(200);
            assertThat(index.bulkRetries()).as("the first attempts met a 429").isPositive();
            assertThat(count(index, "rseries")).isEqualTo(200);
        }
    }

    @Test
    void whenAttemptsRunOutTheBatchFailsAndAReplayLosesNothing() throws Exception {
        OpenSearchConfig cfg = OpenSearchConfig.builder(url)
                .replicas(0)
                .refresh(OpenSearchConfig.Refresh.TRUE)
                .maxAttempts(2)
                .backoff(Duration.ofMillis(10))
                .build();
        try (OpenSearchPostIndex index =
                OpenSearchPostIndex.open(cfg, Mappings.load(), OpenSearchPostIndex.RejectedWrites.FAIL)) {
            List<PostChange> batch = posts("x", 150);
            breaker("2kb");
            assertThatThrownBy(() -> index.apply(batch))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("429");
            breaker(null);
            // the caller did not checkpoint, so the source replays the same batch: every post lands exactly once
            index.apply(batch);
            assertThat(count(index, "xseries")).isEqualTo(150);
            long[] versions = {0};
            index.forEachPostVersion((id, v, deleted) -> {
                if (id.startsWith("x")) versions[0]++;
            });
            assertThat(versions[0]).isEqualTo(150);
        }
    }
}
