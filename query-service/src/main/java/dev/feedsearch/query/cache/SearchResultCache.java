package dev.feedsearch.query.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine result pages for hot queries. An entry is served only while all of these hold, so it can be
 * stale in one way only (a brand-new match appears up to {@code refresh} late):
 * <ul>
 *   <li>it is younger than {@code refresh} (the refresh interval: moderation deletes vanish within it);</li>
 *   <li>no post on the page changed since it was built (an edit, delete or visibility change of any hit
 *       drops it at once: a post turned private is never served from it);</li>
 *   <li>the viewer changed no follow/mute/block edge since (those change what they may see);</li>
 *   <li>the viewer wrote nothing since (an author sees their own new post, edit or delete at once).</li>
 * </ul>
 * Keys include the viewer, so a personalised page is never shared with another viewer. Concurrent misses
 * for one key share one engine call.
 */
public final class SearchResultCache {
    /**
     * A cached page, the generation it was built at, its hits' ids, and the last generation at which it was found
     * still valid: a generation moves with every recorded change, so while it has not moved a hit costs no checks.
     */
    record Entry(long generation, long builtNanos, SearchPage page, List<String> ids, AtomicLong validAt) {
        Entry(long generation, long builtNanos, SearchPage page) {
            this(
                    generation,
                    builtNanos,
                    page,
                    page.hits().stream().map(h -> h.post().post().id()).toList(),
                    new AtomicLong(generation));
        }
    }

    private final PostReader index;
    private final ChangeTracker changes;
    private final long refreshNanos;
    private final AsyncCache<SearchQuery, Entry> cache;
    private final Timer loads;

    public SearchResultCache(
            PostReader index, ChangeTracker changes, Duration refresh, long maxBytes, MeterRegistry metrics) {
        this.index = index;
        this.changes = changes;
        this.refreshNanos = refresh.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((SearchQuery q, Entry e) -> Weights.posts(
                                e.page().hits().stream().map(SearchHit::post).toList())
                        + 256)
                .expireAfterWrite(refresh.multipliedBy(2))
                .recordStats()
                .buildAsync();
        CaffeineCacheMetrics.monitor(metrics, cache, "search_results");
        // Caffeine's stats only time loads of a LoadingCache: time the engine calls here
        this.loads = Timer.builder("cache.load").tag("cache", "search_results").register(metrics);
    }

    public SearchPage search(SearchQuery q) throws IOException {
        return CallerLoads.get(cache, q, e -> valid(q, e), loads, () -> load(q)).page();
    }

    /**
     * The page this cache would serve for {@code q} now, without loading or counting a read: null when it holds none
     * that is still valid. What lets a copy rendered from a page tell that the page it came from still stands.
     */
    public SearchPage current(SearchQuery q) {
        CompletableFuture<Entry> f = cache.asMap().get(q);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) return null;
        Entry e = f.join();
        return valid(q, e) ? e.page() : null;
    }

    private boolean valid(SearchQuery q, Entry e) {
        if (System.nanoTime() - e.builtNanos() > refreshNanos) return false;
        // read first: a change racing the checks below moves the generation past it, so the next read checks again
        long now = changes.generation();
        if (e.validAt().get() == now) return true;
        if (changes.changedSince(e.generation(), e.ids())) return false;
        if (q.viewer() != null
                && (changes.viewerGeneration(q.viewer()) > e.generation()
                        || changes.authorGeneration(q.viewer()) > e.generation())) return false;
        e.validAt().set(now);
        return true;
    }

    private Entry load(SearchQuery q) {
        long generation =
                changes.generation(); // before the read: a racing write makes the entry look stale, never fresh
        long built = System.nanoTime();
        try {
            return new Entry(generation, built, index.search(q));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
