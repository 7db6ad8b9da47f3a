package dev.feedsearch.query.feed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The feed's popular public posts, kept per language and shared by every viewer for {@code ttl}: they depend on
 * nothing personal, and reading them (a sorted scan of the window, then each hit's stored post) was most of a feed's
 * cost at 1M posts when done per viewer. Kept per language, not per viewer's language set: viewers' sets differ
 * almost viewer by viewer (a set key was shared by 65-78% of feeds in the scale run), while a network has a few
 * dozen languages. A viewer's candidates are the merge of their languages' lists, in the engine's order.
 *
 * <p>A list read up to {@code ttl} ago covers a window that started up to {@code ttl} earlier: posts that have left
 * the window since are dropped here, and posts written since appear when the list is next read. Sharing is safe for
 * privacy: each feed page is re-read from the index for its viewer before it is returned, so a post made private or
 * deleted meanwhile is dropped there; mutes and blocks are applied per viewer after this.
 */
final class PopularCandidates {
    /** The engine's popularPublic order: most engaging first, ties by id. */
    static final Comparator<IndexedPost> ORDER = Comparator.comparingLong(
                    (IndexedPost p) -> p.post().engagement())
            .reversed()
            .thenComparing(p -> p.post().id());

    /** One language's list as read at the start of one ttl-long slice of time. */
    private record Key(String language, int limit, long slice) {}

    private final PostReader index;
    private final Duration window;
    private final long sliceMillis;
    private final Cache<Key, List<IndexedPost>> cache;

    /** @param window how far back popular posts are taken from (the feed's popular window) */
    PopularCandidates(PostReader index, Duration window, Duration ttl, MeterRegistry metrics) {
        this.index = index;
        this.window = window;
        this.sliceMillis = Math.max(1, ttl.toMillis());
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(1_000)
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(metrics, cache, "popular_candidates");
    }

    /** Public posts in any of {@code languages} created in the window before {@code now}, most engaging first. */
    List<IndexedPost> get(Set<String> languages, Instant now, int limit) throws IOException {
        Instant since = now.minus(window);
        List<IndexedPost> merged = new ArrayList<>();
        for (String language : languages) {
            for (IndexedPost p : forLanguage(language, now, limit)) {
                // read up to ttl ago: the window has moved on since
                if (!p.post().createdAt().isBefore(since)) merged.add(p);
            }
        }
        merged.sort(ORDER);
        return merged.size() > limit ? merged.subList(0, limit) : merged;
    }

    private List<IndexedPost> forLanguage(String language, Instant now, int limit) throws IOException {
        try {
            // keyed by the slice of time, not only expired after ttl: a feed rebuilt as of an older session's time
            // (its cursor's) neither takes nor leaves a list read for another time
            long slice = Math.floorDiv(now.toEpochMilli(), sliceMillis);
            return cache.get(new Key(language, limit, slice), k -> {
                try {
                    // from the slice's start: covers the window of every feed built during the slice
                    Instant since =
                            Instant.ofEpochMilli(k.slice() * sliceMillis).minus(window);
                    return List.copyOf(index.popularPublic(Set.of(k.language()), since, k.limit()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
