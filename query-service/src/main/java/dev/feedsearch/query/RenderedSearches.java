package dev.feedsearch.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code /v1/search} bodies as rendered, by request: the viewer the request was authorised as, its
 * {@code Accept-Language} and its query string. A body is served only while the answer it renders still stands
 * ({@link SearchService#stillStands}: the result cache serves the very pages it was built from, the viewer's context
 * is the one cached), so it obeys every rule the result cache obeys and drops with it. A hit costs a lookup and
 * those identity checks: no parsing, no scoring, no JSON, no hop to the search pool, which were most of a cached
 * search's cost.
 */
final class RenderedSearches {
    private record Entry(byte[] body, SearchService.Basis basis) {}

    private final Cache<String, Entry> cache;

    RenderedSearches(long maxBytes, MeterRegistry metrics) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> 2 * k.length() + e.body().length + 256)
                .expireAfterWrite(Duration.ofMinutes(10)) // a body whose pages are long gone frees its space
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(metrics, cache, "rendered_searches");
    }

    static String key(String viewer, String acceptLanguage, String queryString) {
        return (viewer == null ? "" : viewer)
                + '\u0000'
                + (acceptLanguage == null ? "" : acceptLanguage)
                + '\u0000'
                + (queryString == null ? "" : queryString);
    }

    /**
     * The body rendered for {@code key}, as UTF-8 (encoded once, not per request), if the answer it renders still
     * stands; else null (and it is dropped).
     */
    byte[] get(String key, SearchService search) throws IOException {
        Entry e = cache.getIfPresent(key);
        if (e == null) return null;
        if (search.stillStands(e.basis())) return e.body();
        cache.invalidate(key);
        return null;
    }

    void put(String key, String body, SearchService.Basis basis) {
        cache.put(key, new Entry(body.getBytes(StandardCharsets.UTF_8), basis));
    }
}
