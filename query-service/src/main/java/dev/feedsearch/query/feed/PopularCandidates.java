package dev.feedsearch.query.feed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The feed's popular public posts, per language set and window, shared by every viewer for {@code ttl}: they
 * depend on nothing personal, and reading them (a sorted scan of the window, then each hit's stored post) was most
 * of a feed's cost at 1M posts when done per viewer. Sharing is safe for privacy: each feed page is re-read from
 * the index for its viewer before it is returned, so a post made private or deleted meanwhile is dropped there;
 * mutes and blocks are applied per viewer after this.
 */
final class PopularCandidates {
    private record Key(Set<String> languages, long sinceSecond, int limit) {}

    private final PostIndex index;
    private final Cache<Key, List<IndexedPost>> cache;

    PopularCandidates(PostIndex index, Duration ttl, MeterRegistry metrics) {
        this.index = index;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(1_000).recordStats().build();
        CaffeineCacheMetrics.monitor(metrics, cache, "popular_candidates");
    }

    /** Public posts in {@code languages} created since {@code since} (to the second), most engaging first. */
    List<IndexedPost> get(Set<String> languages, Instant since, int limit) throws IOException {
        Key key = new Key(Set.copyOf(languages), since.getEpochSecond(), limit);
        try {
            return cache.get(key, k -> {
                try {
                    return List.copyOf(index.popularPublic(k.languages(), Instant.ofEpochSecond(k.sinceSecond()), k.limit()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
