package dev.feedsearch.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code /v1/search} bodies as rendered, by request: its {@code Authorization} header, its {@code Accept-Language}
 * and its raw query string. Each keeps the {@code viewer} parameter it was asked with and the viewer it was
 * authorised as, for the caller to check the credentials again. A body is served only while the answer it renders
 * still stands ({@link SearchService#stillStands}: the result cache serves the very pages it was built from, the
 * viewer's context is the one cached), so it obeys every rule the result cache obeys and drops with it. A hit costs a
 * lookup, the credential check and those identity checks: no parsing, no scoring, no JSON, no hop to the search
 * pool, which were most of a cached search's cost.
 */
final class RenderedSearches {
    /** A rendered body (UTF-8, encoded once), what it was built from, and who asked for it as whom. */
    record Rendered(byte[] body, SearchService.Basis basis, String requested, String viewer) {}

    private final Cache<String, Rendered> cache;

    RenderedSearches(long maxBytes, MeterRegistry metrics) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, Rendered e) -> 2 * k.length() + e.body().length + 256)
                .expireAfterWrite(Duration.ofMinutes(10)) // a body whose pages are long gone frees its space
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(metrics, cache, "rendered_searches");
    }

    static String key(String authorization, String acceptLanguage, String queryString) {
        return (authorization == null ? "" : authorization)
                + '\u0000'
                + (acceptLanguage == null ? "" : acceptLanguage)
                + '\u0000'
                + (queryString == null ? "" : queryString);
    }

    /** What was rendered for {@code key}, whether or not it still stands; null when nothing is kept. */
    Rendered get(String key) {
        return cache.getIfPresent(key);
    }

    /** Forgets what was rendered for {@code key}: its answer no longer stands. */
    void drop(String key) {
        cache.invalidate(key);
    }

    void put(String key, String body, SearchService.Basis basis, String requested, String viewer) {
        cache.put(key, new Rendered(body.getBytes(StandardCharsets.UTF_8), basis, requested, viewer));
    }
}
