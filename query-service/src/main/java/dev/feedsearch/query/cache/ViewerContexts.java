package dev.feedsearch.query.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.lang.LanguageDetector;
import dev.feedsearch.query.rank.ViewerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place a viewer's {@link ViewerContext} is assembled, for search and feed alike, and kept per viewer. An entry
 * remembers the generation taken before its reads and is served only while nothing it holds changed since:
 * <ul>
 *   <li>the viewer's own follow, mute and block edges, or a block of them ({@code viewerGeneration(viewer)});</li>
 *   <li>the viewer's own posts, which say their languages ({@code authorGeneration(viewer)});</li>
 *   <li>a followee's edges ({@code viewerGeneration(followee)}): a followee following back or unfollowing moves the
 *       mutuals, and no generation of the viewer's own says so;</li>
 *   <li>and for at most {@code refresh}, the search pages' bound, in case a write was recorded before it could be
 *       read (an OpenSearch engine not refreshing on write).</li>
 * </ul>
 * So a follow, mute or block shows on the viewer's next request, as before, without reading the graph per request.
 */
public final class ViewerContexts {
    private record Entry(long generation, ViewerContext context) {}

    private final PostReader index;
    private final ChangeTracker changes;
    private final TimelineCache timelines;
    private final AsyncCache<String, Entry> cache;
    private final Timer loads;

    /** @param timelines where the viewer's own recent posts are read from (the feed's cache, so one read serves both) */
    public ViewerContexts(
            PostReader index,
            ChangeTracker changes,
            TimelineCache timelines,
            Duration refresh,
            long maxBytes,
            MeterRegistry metrics) {
        this.index = index;
        this.changes = changes;
        this.timelines = timelines;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String viewer, Entry e) -> (int) Math.min(
                        Integer.MAX_VALUE,
                        Weights.ids(e.context().followees())
                                + Weights.ids(e.context().mutuals())
                                + Weights.ids(e.context().hidden())
                                + Weights.ids(e.context().languages())))
                .expireAfterWrite(refresh)
                .recordStats()
                .buildAsync();
        CaffeineCacheMetrics.monitor(metrics, cache, "viewer_contexts");
        // Caffeine's stats only time loads of a LoadingCache: time them here (each one is a read of the viewer's graph)
        this.loads = Timer.builder("cache.load").tag("cache", "viewer_contexts").register(metrics);
    }

    /** The viewer's current context; {@link ViewerContext#ANONYMOUS} for no viewer. */
    public ViewerContext get(String viewer) throws IOException {
        if (viewer == null) return ViewerContext.ANONYMOUS;
        return CallerLoads.get(cache, viewer, e -> valid(viewer, e), loads, () -> load(viewer))
                .context();
    }

    private boolean valid(String viewer, Entry e) {
        long g = e.generation();
        if (changes.viewerGeneration(viewer) > g || changes.authorGeneration(viewer) > g) return false;
        for (String followee : e.context().followees()) {
            if (changes.viewerGeneration(followee) > g) return false;
        }
        return true;
    }

    private Entry load(String viewer) {
        long generation =
                changes.generation(); // before the reads: a racing write makes the entry look stale, never fresh
        try {
            Set<String> followees = index.followees(viewer);
            Set<String> mutuals = new HashSet<>(index.followers(viewer));
            mutuals.retainAll(followees);
            Set<String> hidden = index.hiddenAuthors(viewer);
            // the languages the viewer writes in: those of their own recent posts (what the feed always took)
            Set<String> languages = new HashSet<>();
            for (IndexedPost p : timelines.get(List.of(viewer)).getOrDefault(viewer, List.of()))
                languages.add(p.lang());
            languages.remove(LanguageDetector.UNDETERMINED);
            return new Entry(generation, new ViewerContext(viewer, followees, mutuals, hidden, languages));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
