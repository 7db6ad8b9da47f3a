package dev.feedsearch.query;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.Highlighter;
import dev.feedsearch.core.index.HitTotal;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.cache.HighlightCache;
import dev.feedsearch.query.cache.SearchResultCache;
import dev.feedsearch.query.cache.ViewerContexts;
import dev.feedsearch.query.rank.RelevanceWindow;
import dev.feedsearch.query.rank.ViewerContext;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The search flow behind {@code /v1/search}, beside {@code FeedService}: a parsed request's language groups decided,
 * its page read through the result cache (for relevance, scored with the viewer's context), highlights attached as
 * hits are rendered, and the engine's count if asked. The route only parses the request and renders the result.
 */
final class SearchService {
    /**
     * What an answer was built from: the cached engine pages it read and the viewer's context. While the result
     * cache still serves those very pages and the context is the one still cached, the answer is the same, so a
     * rendered copy of it may be served ({@link #stillStands}).
     */
    record Basis(List<SearchQuery> queries, List<SearchPage> pages, ViewerContext viewer) {}

    /** An answered search, ready to render. {@code highlights} is null when turned off, {@code total} when not asked. */
    sealed interface Result {
        String nextCursor();

        Basis basis();

        Function<IndexedPost, List<Highlighter.Span>> highlights();

        HitTotal total();
    }

    /** A {@code sort=recent} page, in the engine's order. */
    record Recent(
            SearchPage page,
            String nextCursor,
            Function<IndexedPost, List<Highlighter.Span>> highlights,
            HitTotal total,
            Basis basis)
            implements Result {}

    /** A {@code sort=relevance} page, in the combined order; {@code textQuery}: the search had text (explain shows tiers). */
    record Ranked(
            List<RelevanceWindow.Ranked> hits,
            boolean textQuery,
            String nextCursor,
            Function<IndexedPost, List<Highlighter.Span>> highlights,
            HitTotal total,
            Basis basis)
            implements Result {}

    private final SearchParams params;
    private final PostReader index;
    private final SearchResultCache searchCache;
    private final HighlightCache highlightCache;
    private final ViewerContexts contexts;
    private final RelevanceWindow relevance;
    private final CursorCodec cursors;
    private final Clock clock;
    private volatile GroupAnalyzers highlightAnalyzers;

    SearchService(
            SearchParams params,
            PostReader index,
            SearchResultCache searchCache,
            HighlightCache highlightCache,
            ViewerContexts contexts,
            RelevanceWindow relevance,
            CursorCodec cursors,
            Clock clock) {
        this.params = params;
        this.index = index;
        this.searchCache = searchCache;
        this.highlightCache = highlightCache;
        this.contexts = contexts;
        this.relevance = relevance;
        this.cursors = cursors;
        this.clock = clock;
    }

    /** Runs where the engine work runs (within admission): deciding a first page's groups looks at the index. */
    Result search(SearchParams.Parsed asked, boolean highlight, boolean count) throws IOException {
        SearchParams.Parsed parsed = params.resolve(asked);
        SearchQuery q = parsed.query();
        // one per search: it analyses the query lazily, only for hits not highlighted before
        Function<IndexedPost, List<Highlighter.Span>> highlights =
                highlight ? highlightCache.forQuery(q, new Highlighter(highlightAnalyzers(), q)) : null;
        List<SearchQuery> read = new ArrayList<>(2);
        List<SearchPage> pages = new ArrayList<>(2);
        RelevanceWindow.Engine engine = sq -> {
            SearchPage p = searchCache.search(sq);
            read.add(sq);
            pages.add(p);
            return p;
        };
        if (q.sort() == SortOrder.RECENT) {
            SearchPage page = engine.search(q);
            return new Recent(
                    page,
                    page.next().map(k -> cursors.encode(k, q)).orElse(null),
                    highlights,
                    total(q, count),
                    new Basis(read, pages, null));
        }
        // relevance: the engine's best hits scored together, one order over the whole window (RelevanceWindow). The
        // language feature takes the languages the viewer writes in, as the feed does, and the client's own language,
        // which tells apart neighbours sharing a group and its words (its cursor carries it to later pages)
        String client = parsed.clientLanguage();
        ViewerContext context = contexts.get(q.viewer());
        RelevanceWindow.Page page =
                relevance.page(q, context.withLanguage(client), parsed.relevanceAfter(), clock.instant(), engine);
        String next = page.next() == null
                ? null
                : cursors.encode(new CursorCodec.Relevance(q.queryGroups(), client, page.next()), q);
        return new Ranked(
                page.hits(), q.text() != null, next, highlights, total(q, count), new Basis(read, pages, context));
    }

    /**
     * True while an answer built on {@code b} would come out the same: the result cache still serves each page it read
     * (no hit changed, nothing the viewer depends on changed, not refreshed since), and the viewer's context is the
     * one cached. Recency is scored as of the first read, as every cached page already is until its refresh.
     */
    boolean stillStands(Basis b) throws IOException {
        for (int i = 0; i < b.queries().size(); i++) {
            if (searchCache.current(b.queries().get(i)) != b.pages().get(i)) return false;
        }
        return b.viewer() == null || contexts.get(b.viewer().viewer()) == b.viewer();
    }

    /** The engine's own count under the same visibility rule as the hits: nothing the viewer may not see. */
    private HitTotal total(SearchQuery q, boolean count) throws IOException {
        return count ? index.count(q) : null;
    }

    /**
     * The analyzers highlights re-analyse hits with: built from the same mapping definitions the engines index
     * with, on the first search that needs them (dictionaries load then, not at startup).
     */
    private GroupAnalyzers highlightAnalyzers() {
        GroupAnalyzers a = highlightAnalyzers;
        if (a == null) {
            synchronized (this) {
                if (highlightAnalyzers == null) highlightAnalyzers = GroupAnalyzers.build(Mappings.load());
                a = highlightAnalyzers;
            }
        }
        return a;
    }
}
