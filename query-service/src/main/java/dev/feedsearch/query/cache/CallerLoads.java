package dev.feedsearch.query.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** How the per-key caches here serve a key: a valid entry, else one load on the caller's thread that concurrent misses share. */
final class CallerLoads {
    private CallerLoads() {}

    /**
     * The entry for {@code key} if {@code valid} says it still holds, else {@code load}'s (which reports an
     * {@link IOException} wrapped in an {@link UncheckedIOException}; it is rethrown unwrapped here).
     */
    static <K, V> V get(AsyncCache<K, V> cache, K key, Predicate<V> valid, Timer loads, Supplier<V> load)
            throws IOException {
        CompletableFuture<V> cached = cache.asMap().get(key); // a peek: getIfPresent would count a miss
        if (cached != null && cached.isDone() && (cached.isCompletedExceptionally() || !valid.test(cached.join())))
            cache.asMap().remove(key, cached);
        // the miss is loaded on the caller's thread (a hop to a pool thread cost ~0.1-0.5 ms per miss here);
        // a concurrent miss for the same key finds this future in the map and waits on it
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> f = cache.get(key, (k, executor) -> mine);
        if (f == mine) {
            try {
                mine.complete(loads.record(load));
            } catch (Throwable e) { // never leave waiters on a future that cannot complete
                mine.completeExceptionally(e); // Caffeine drops a failed future, so the next call retries
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            throw e;
        }
    }
}
