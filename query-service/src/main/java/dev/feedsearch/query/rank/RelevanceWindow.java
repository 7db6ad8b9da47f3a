package dev.feedsearch.query.rank;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.MatchBoosts;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The second stage of {@code sort=relevance}: the engine's best {@code window} hits for a query are scored
 * together by {@link FeatureScorer} and ordered as one list, so the combined order is global over the window,
 * not per engine page. Past the window, pages follow the engine's order (re-ranked within each page).
 *
 * <p>The order keeps the engine's tiers ({@link MatchBoosts#tier}: prose in the query's language, other prose,
 * tag only); the combined score orders hits within a tier. Cursors are exact: inside the window a page starts
 * after a (tier, score, id) key, past it after the engine's own keyset key, and every page of one search scores
 * recency as of the first page's time, so a hit's key does not drift between pages. What can still move a hit
 * across a page boundary is a change to the index itself, as with any keyset on scores: a new post, an edit or a
 * like, and for the engine's BM25 any write to the group (its statistics move every score a little).
 */
public final class RelevanceWindow {

    /** A hit with its tier and features, and the combined score that orders it. */
    public record Ranked(SearchHit hit, int tier, Features features, double score) {
        String id() {
            return hit.post().post().id();
        }
    }

    /**
     * Where a page starts. In the window: after the hit with this tier, score and id. Past it: after the engine's
     * {@code engineKey}. {@code asOfMillis}: the time recency is scored at, the first page's.
     */
    public record Position(long asOfMillis, boolean inWindow, int tier, double score, String id, SortKey engineKey) {
        public static Position inWindow(long asOfMillis, Ranked r) {
            return new Position(asOfMillis, true, r.tier(), r.score(), r.id(), null);
        }

        public static Position pastWindow(long asOfMillis, SortKey engineKey) {
            return new Position(asOfMillis, false, 0, 0, null, engineKey);
        }
    }

    public record Page(List<Ranked> hits, Position next) {}

    /** One engine page (through the caches). */
    @FunctionalInterface
    public interface Engine {
        SearchPage search(SearchQuery q) throws IOException;
    }

    private static final Comparator<Ranked> ORDER = Comparator.comparingInt((Ranked r) -> -r.tier())
            .thenComparingDouble(r -> -r.score())
            .thenComparing(Ranked::id);

    private record MatchKey(String query, String id, long version) {}

    private final FeatureScorer scorer;
    // how a post holds a query depends on the two texts alone: computed once per (query, post version), not per
    // request (it was most of a cached page's cost: 100 texts normalised and split into words each time)
    private final Cache<MatchKey, TextMatch> matches =
            Caffeine.newBuilder().maximumSize(100_000).build();

    public RelevanceWindow(FeatureScorer scorer) {
        this.scorer = scorer;
    }

    /**
     * @param q     the search, its {@code after} unset (positions come from {@code after} here)
     * @param after where the page starts, or null for the first page
     * @param now   the time of this request (used when {@code after} is null)
     */
    public Page page(SearchQuery q, ViewerContext viewer, Position after, Instant now, Engine engine)
            throws IOException {
        // a search with no text (only #tags) has no text score to order by: the engine lists newest first, so the
        // window holds the newest matches, not the smallest ids, and the keys past it are (time, id)
        if (q.text() == null) q = q.toBuilder().sort(SortOrder.RECENT).build();
        long asOf = after == null ? now.toEpochMilli() : after.asOfMillis();
        Instant at = Instant.ofEpochMilli(asOf);
        int window = scorer.config().rescoreWindow();
        List<Ranked> out = new ArrayList<>(q.limit());
        SortKey engineAfter;
        if (after == null || after.inWindow()) {
            if (window > 0) {
                SearchPage top =
                        engine.search(q.toBuilder().after(null).limit(window).build());
                List<Ranked> ranked = rank(top.hits(), q, viewer, at);
                int from = 0;
                if (after != null) {
                    while (from < ranked.size() && !isAfter(ranked.get(from), after)) from++;
                }
                int to = Math.min(ranked.size(), from + q.limit());
                out.addAll(ranked.subList(from, to));
                if (to < ranked.size()) return new Page(out, Position.inWindow(asOf, out.getLast()));
                if (top.next().isEmpty()) return new Page(out, null);
                engineAfter = top.next().get(); // the window's last hit in engine order: the rest follows it
                if (out.size() == q.limit()) return new Page(out, Position.pastWindow(asOf, engineAfter));
            } else {
                engineAfter = null;
            }
        } else {
            engineAfter = after.engineKey();
        }
        // past the window: the engine's next hits, re-ranked within what this page shows
        SearchPage rest = engine.search(
                q.toBuilder().after(engineAfter).limit(q.limit() - out.size()).build());
        out.addAll(rank(rest.hits(), q, viewer, at));
        return new Page(out, rest.next().map(k -> Position.pastWindow(asOf, k)).orElse(null));
    }

    private List<Ranked> rank(List<SearchHit> hits, SearchQuery q, ViewerContext viewer, Instant at) {
        List<Ranked> ranked = new ArrayList<>(hits.size());
        for (SearchHit h : hits) {
            boolean inGroup = q.queryGroups().contains(h.post().group());
            float text = MatchBoosts.textScore(h.score(), inGroup);
            TextMatch match = q.text() == null
                    ? TextMatch.NONE
                    : matches.get(
                            new MatchKey(
                                    q.text(),
                                    h.post().post().id(),
                                    h.post().post().version()),
                            k -> TextMatch.of(k.query(), h.post().post().text()));
            Features f = scorer.features(h.post(), text, match, viewer, at);
            ranked.add(new Ranked(h, MatchBoosts.tier(h.score(), inGroup), f, f.score(scorer.config())));
        }
        ranked.sort(ORDER);
        return ranked;
    }

    private static boolean isAfter(Ranked r, Position p) {
        if (r.tier() != p.tier()) return r.tier() < p.tier();
        if (r.score() != p.score()) return r.score() < p.score();
        return r.id().compareTo(p.id()) > 0;
    }
}
