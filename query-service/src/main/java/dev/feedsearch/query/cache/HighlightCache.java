package dev.feedsearch.query.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.analysis.Highlighter;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.SearchQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.List;
import java.util.function.Function;

/**
 * A hit's highlight spans for a query, kept by what decides them: the query's words and phrases, the post's id and
 * version (its text) and its group (its analysis). Re-analysing every hit's text on every request made a cached
 * search page cost most of an uncached one (the performance gate's cached req/s fell from ~0.45 to ~0.25 of a bare
 * endpoint's). Spans hold offsets only, no text, so sharing them across viewers reveals nothing: a viewer only
 * ever gets the spans of hits the engine returned to them.
 */
public final class HighlightCache {
    private record Key(Object words, String postId, long version, String group) {}

    private final Cache<Key, List<Highlighter.Span>> cache;

    public HighlightCache(long maxEntries, MeterRegistry metrics) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).recordStats().build();
        CaffeineCacheMetrics.monitor(metrics, cache, "highlights");
    }

    /** The spans of each hit for {@code q}, computed by {@code highlighter} when not kept. */
    public Function<IndexedPost, List<Highlighter.Span>> forQuery(SearchQuery q, Highlighter highlighter) {
        // what the highlighter reads of the query: its required words and phrases, or its plain text
        Object words = q.syntax() != null ? q.syntax().required() : q.text();
        return p -> cache.get(
                new Key(words, p.post().id(), p.post().version(), p.group()),
                k -> List.copyOf(highlighter.spans(p.group(), p.post().text())));
    }
}
