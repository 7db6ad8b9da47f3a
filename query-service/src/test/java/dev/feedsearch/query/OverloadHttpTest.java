package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.PostIndex;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Overload over real HTTP: the bound on concurrent searches, the search time budget, /health beside a saturated
 * search tier, and per-client rate limits.
 */
class OverloadHttpTest {
    static SampleServer sample;
    final HttpClient http = HttpClient.newHttpClient();
    FeedsearchServer server;

    @BeforeAll
    static void start() throws Exception {
        sample = SampleServer.get();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /**
     * A fake for a fault we cannot cause on demand: a search that takes as long as the test says. It is the sample
     * index with every {@code search} held at a gate the test opens.
     */
    static PostIndex heldAtGate(PostIndex real, CountDownLatch entered, CountDownLatch gate) {
        return (PostIndex) Proxy.newProxyInstance(
                PostIndex.class.getClassLoader(), new Class<?>[] {PostIndex.class}, (proxy, m, args) -> {
                    if (m.getName().equals("search")) {
                        entered.countDown();
                        gate.await(60, TimeUnit.SECONDS);
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
        if (authorization != null) b.header("Authorization", authorization);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pastTheBoundSearchesAre503WithRetryAfterAndHealthStillAnswers() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        server = FeedsearchServer.builder()
                .index(heldAtGate(sample.index, entered, gate))
                .languages(Set.of("en", "und"))
                .port(0)
                .cacheRefresh(Duration.ZERO)
                .limits(new Admission.Limits(1, Duration.ZERO, Duration.ofMillis(300)))
                .build()
                .start();
        try {
            CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return get("/v1/search?q=rights&sort=recent", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            // the one slot is taken: refused at once, with when to come back
            HttpResponse<String> refused = get("/v1/search?q=freedom&sort=recent", null);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("\"code\":\"overloaded\"");
            // liveness and readiness do not queue behind searches
            assertThat(get("/health", null).statusCode()).isEqualTo(200);
            assertThat(get("/ready", null).statusCode()).isEqualTo(200);
            // the held search runs past its budget of 300 ms: 503 timeout, and it still holds its slot
            HttpResponse<String> timedOut = held.get(60, TimeUnit.SECONDS);
            assertThat(timedOut.statusCode()).as(timedOut.body()).isEqualTo(503);
            assertThat(timedOut.body()).contains("\"code\":\"timeout\"");
            assertThat(get("/v1/search?q=freedom&sort=recent", null).statusCode())
                    .isEqualTo(503);
        } finally {
            gate.countDown();
        }
        // once the work is done its slot is free again
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            status = get("/v1/search?q=freedom&sort=recent", null).statusCode();
            if (status != 200) Thread.sleep(50);
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void perClientRateLimitsAre429AndCountEachClientApart() throws Exception {
        // a refill so slow that no pause of a busy machine refills a token within the test
        server = FeedsearchServer.builder()
                .index(sample.index)
                .languages(Set.of("en", "und"))
                .port(0)
                .rate(new RateLimiter.Rate(0.001, 2))
                .build()
                .start();
        assertThat(get("/v1/search?q=rights", null).statusCode()).isEqualTo(200);
        assertThat(get("/v1/search?q=rights", null).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = get("/v1/search?q=rights", null);
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(limited.body()).contains("\"code\":\"rate_limited\"");
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
                .isPositive();
        // another credential is another client; operations endpoints are not limited
        assertThat(get("/v1/search?q=rights", "Bearer another-client-key").statusCode())
                .isEqualTo(200);
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
    }
}
