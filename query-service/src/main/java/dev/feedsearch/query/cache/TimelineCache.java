package dev.feedsearch.query.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.model.Post;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Each author's most recent posts, all visibilities, shared by every viewer's feed: the expensive,
 * shareable part of a feed. An entry remembers the index generation it was loaded at and is reloaded as
 * soon as the index reports a newer write to that author, so an author's new post, edit or delete shows
 * on the next request. Entries hold private posts too: {@code FeedService} filters every post with the
 * visibility rule per viewer before anything leaves. Concurrent misses for one author share one load.
 *
 * <p>Entries keep what ranking reads, not the text: the feed re-reads each page's posts from the index before it
 * returns them, so a timeline's text was never shown, and it was most of an entry's weight. Without it the same bytes
 * hold several times as many authors (issue 15: 100k authors churned a text-holding 32 MiB at 1M posts).
 */
public final class TimelineCache {
    /** An author's recent posts as of {@code generation}. */
    record Timeline(long generation, List<IndexedPost> posts) {}

    private final PostReader index;
    private final ChangeTracker changes;
    private final int perAuthor;
    private final AsyncCache<String, Timeline> cache;
    private final Timer loads;

    public TimelineCache(PostReader index, ChangeTracker changes, int perAuthor, long maxBytes, MeterRegistry metrics) {
        this.index = index;
        this.changes = changes;
        this.perAuthor = perAuthor;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String author, Timeline t) -> Weights.posts(t.posts()) + author.length() * 2 + 64)
                .recordStats()
                .buildAsync();
        CaffeineCacheMetrics.monitor(metrics, cache, "timelines");
        // Caffeine's stats only time loads of a LoadingCache: time the bulk loads here
        this.loads = Timer.builder("cache.load").tag("cache", "timelines").register(metrics);
    }

    /** The current recent posts of each author (an author without posts maps to an empty list). */
    public Map<String, List<IndexedPost>> get(Collection<String> authors) {
        for (String a : authors) {
            CompletableFuture<Timeline> f = cache.asMap().get(a); // a peek: getIfPresent would count a miss
            if (f != null
                    && f.isDone()
                    && !f.isCompletedExceptionally()
                    && changes.authorGeneration(a) > f.join().generation()) {
                cache.asMap().remove(a, f); // stale: the author wrote since this was loaded
            }
        }
        // the missing authors are loaded on the caller's thread, not the common pool (one thread on 2 cores,
        // so concurrent feeds' loads would queue behind each other); concurrent misses wait on these futures
        CompletableFuture<Map<String, Timeline>> mine = new CompletableFuture<>();
        List<String> asked = new ArrayList<>();
        CompletableFuture<Map<String, Timeline>> all = cache.getAll(authors, (missing, executor) -> {
            asked.addAll(missing);
            return mine;
        });
        if (!asked.isEmpty()) {
            try {
                mine.complete(loads.record(() -> load(Set.copyOf(asked))));
            } catch (Throwable t) { // never leave waiters on a future that cannot complete
                mine.completeExceptionally(t);
            }
        }
        try {
            Map<String, Timeline> timelines = all.join();
            Map<String, List<IndexedPost>> out = new HashMap<>(timelines.size() * 2);
            timelines.forEach((a, t) -> out.put(a, t.posts()));
            return out;
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) throw io;
            throw e;
        }
    }

    private static List<IndexedPost> withoutText(List<IndexedPost> posts) {
        List<IndexedPost> out = new ArrayList<>(posts.size());
        for (IndexedPost ip : posts) {
            Post p = ip.post();
            out.add(new IndexedPost(
                    new Post(
                            p.id(),
                            p.authorId(),
                            "",
                            p.lang(),
                            p.createdAt(),
                            p.visibility(),
                            p.tags(),
                            p.mentions(),
                            p.replyTo(),
                            p.likes(),
                            p.reposts(),
                            p.replies(),
                            p.version(),
                            p.deleted()),
                    ip.lang(),
                    ip.group()));
        }
        return List.copyOf(out);
    }

    private Map<String, Timeline> load(Set<? extends String> authors) {
        long generation =
                changes.generation(); // taken before reading: a write racing the load makes it look stale, never fresh
        try {
            Map<String, List<IndexedPost>> posts = index.recentPostsUnfiltered(List.copyOf(authors), perAuthor);
            Map<String, Timeline> out = new HashMap<>(authors.size() * 2);
            for (String a : authors)
                out.put(a, new Timeline(generation, withoutText(posts.getOrDefault(a, List.of()))));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
