package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.ParsedQueryCap;
import dev.feedsearch.core.analysis.QueryTextCap;
import dev.feedsearch.core.index.MatchBoosts;
import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

/**
 * The Lucene queries of the embedded engine's reads: filters, the viewer's visibility, the text match over every
 * group's serving fields, and the keyset positions of a page.
 */
final class EmbeddedQueries {

    static final Sort RECENT =
            new Sort(new SortField(CREATED, SortField.Type.LONG, true), new SortField(ID, SortField.Type.STRING));
    static final Sort RELEVANCE = new Sort(SortField.FIELD_SCORE, new SortField(ID, SortField.Type.STRING));

    private final GroupVersions versions;

    EmbeddedQueries(GroupVersions versions) {
        this.versions = versions;
    }

    /** Tombstones and undone follow edges applied before {@code before}: what a purge deletes. */
    static Query deletedBefore(Instant before) {
        return new BooleanQuery.Builder()
                .add(
                        new BooleanQuery.Builder()
                                .add(new TermQuery(new Term(KIND, TOMBSTONE)), Occur.SHOULD)
                                .add(new TermQuery(new Term(KIND, UNFOLLOW)), Occur.SHOULD)
                                .build(),
                        Occur.FILTER)
                .add(
                        NumericDocValuesField.newSlowRangeQuery(DELETED_AT, Long.MIN_VALUE, before.toEpochMilli() - 1),
                        Occur.FILTER)
                .build();
    }

    Query buildQuery(IndexSearcher s, SearchQuery q) throws IOException {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        // no kind=post filter: every branch of the visibility rule needs a field only posts carry (vis, author),
        // and each dense filter is a measurable share of a relevance search on a big index. (Excluding the few
        // non-public posts with MUST_NOT, instead of requiring public ones, measured about 5x slower at 1M.)
        Query visible = visibilityFilter(s, q.viewer());
        b.add(visible, Occur.FILTER);
        if (q.replyTo() != null) b.add(repliesTo(s, q.replyTo(), visible), Occur.FILTER);
        if (q.lang() != null) b.add(new TermQuery(new Term(LANG, q.lang())), Occur.FILTER);
        if (q.author() != null) b.add(new TermQuery(new Term(AUTHOR, q.author())), Occur.FILTER);
        for (String tag : q.tags()) b.add(new TermQuery(new Term(TAG, tag)), Occur.FILTER);
        for (String m : q.mentions()) b.add(new TermQuery(new Term(MENTION, m)), Occur.FILTER);
        if (q.reply() != null) b.add(new TermQuery(new Term(REPLY, "1")), q.reply() ? Occur.FILTER : Occur.MUST_NOT);
        if (q.since() != null || q.until() != null) {
            long lo = q.since() == null ? Long.MIN_VALUE : q.since().toEpochMilli();
            long hi = q.until() == null ? Long.MAX_VALUE : q.until().toEpochMilli();
            b.add(LongPoint.newRangeQuery(CREATED, lo, hi), Occur.FILTER);
        }
        ParsedQuery syntax = q.syntax() == null ? null : ParsedQueryCap.cap(q.syntax(), versions.servingFields());
        if (syntax != null) {
            Query excluded = SyntaxQueries.excluded(syntax, versions.servingFields());
            if (excluded != null) b.add(excluded, Occur.MUST_NOT);
        }
        if (syntax != null ? !syntax.required().isEmpty() : q.text() != null) {
            Query text = matchQuery(q, syntax);
            if (text == null) return new BooleanQuery.Builder().build(); // only stop words: nothing matches
            b.add(text, Occur.MUST);
        }
        return b.build();
    }

    /**
     * The text match with {@link MatchBoosts}: a prose match (plus the query-language bonus) or, for a one-word
     * query, a tag-only match. Null when neither can match anything.
     */
    private Query matchQuery(SearchQuery q, ParsedQuery syntax) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        Query prose = syntax == null ? textQuery(q.text()) : SyntaxQueries.required(syntax, versions.servingFields());
        if (prose != null && !q.queryGroups().isEmpty()) {
            Query inLanguage = new ConstantScoreQuery(new TermInSetQuery(
                    GROUP, q.queryGroups().stream().map(BytesRef::new).toList()));
            prose = new BooleanQuery.Builder()
                    .add(prose, Occur.MUST)
                    .add(new BoostQuery(inLanguage, MatchBoosts.QUERY_LANGUAGE), Occur.SHOULD)
                    .build();
        }
        if (prose != null) any.add(prose, Occur.SHOULD);
        String tag = MatchBoosts.tagAlternative(
                syntax == null ? q.text() : syntax.structuredClauses().isEmpty() ? syntax.requiredWords() : null);
        if (tag != null)
            any.add(
                    new BoostQuery(new ConstantScoreQuery(new TermQuery(new Term(TAG, tag))), MatchBoosts.TAG_ONLY),
                    Occur.SHOULD);
        BooleanQuery built = any.build();
        return built.clauses().isEmpty() ? null : built;
    }

    /**
     * The query text analysed by every group's analyzers, one clause per text field, OR-ed: a post only
     * carries its own group's fields, so each post is matched by its own language's analysis.
     * Within a field all tokens must match (graph-aware, so synonyms/compounds at one position are fine).
     * Public so benchmarks can run the very same Lucene query on a bare {@code IndexSearcher}.
     */
    Query textQuery(String text) {
        text = QueryTextCap.cap(text, versions.servingFields());
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        int clauses = 0;
        for (GroupAnalyzers.TextField f : versions.servingFields()) { // each group's serving version
            Query fq = new QueryBuilder(f.analyzer()).createBooleanQuery(f.luceneField(), text, Occur.MUST);
            if (fq != null) {
                any.add(fq, Occur.SHOULD);
                clauses++;
            }
        }
        return clauses == 0 ? null : any.build();
    }

    /** public to everyone; private to the author; followers-only to the author and its followers. */
    static Query visibilityFilter(IndexSearcher s, String viewer) throws IOException {
        Query pub = new TermQuery(new Term(VIS, Visibility.PUBLIC.wire()));
        if (viewer == null) return pub;
        BooleanQuery.Builder b = new BooleanQuery.Builder()
                .add(pub, Occur.SHOULD)
                .add(new TermQuery(new Term(AUTHOR, viewer)), Occur.SHOULD);
        Set<String> followees = followees(s, viewer);
        if (!followees.isEmpty()) {
            List<BytesRef> authors = followees.stream().map(BytesRef::new).toList();
            b.add(
                    new BooleanQuery.Builder()
                            .add(new TermQuery(new Term(VIS, Visibility.FOLLOWERS.wire())), Occur.FILTER)
                            .add(new TermInSetQuery(AUTHOR, authors), Occur.FILTER)
                            .build(),
                    Occur.SHOULD);
        }
        Set<String> hidden = hiddenAuthors(s, viewer);
        if (hidden.isEmpty()) return b.build();
        return new BooleanQuery.Builder()
                .add(b.build(), Occur.FILTER)
                .add(
                        new TermInSetQuery(
                                AUTHOR, hidden.stream().map(BytesRef::new).toList()),
                        Occur.MUST_NOT)
                .build();
    }

    static Set<String> followees(IndexSearcher s, String viewer) throws IOException {
        return KeyScan.related(s, ACTIVE_FOLLOW, viewer);
    }

    static Set<String> hiddenAuthors(IndexSearcher s, String viewer) throws IOException {
        Set<String> hidden = new HashSet<>(KeyScan.related(s, ACTIVE_MUTE, viewer));
        hidden.addAll(KeyScan.related(s, ACTIVE_BLOCK, viewer));
        hidden.addAll(KeyScan.related(s, BLOCKED_BY, viewer));
        return hidden;
    }

    /**
     * Replies to any of {@code author}'s newest {@link SearchQuery#MAX_REPLY_PARENTS} posts that the viewer may see
     * ({@code visible}): a reply does not record whom it answers, only which post, so the posts are looked up first.
     * A parent the viewer may not see is not looked under, so its replies never tell that it exists.
     */
    private static Query repliesTo(IndexSearcher s, String author, Query visible) throws IOException {
        Query parents = new BooleanQuery.Builder()
                .add(visible, Occur.FILTER)
                .add(new TermQuery(new Term(AUTHOR, author)), Occur.FILTER)
                .build();
        List<BytesRef> ids = new ArrayList<>();
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        for (ScoreDoc sd : s.search(parents, SearchQuery.MAX_REPLY_PARENTS, RECENT, false).scoreDocs) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            SortedDocValues docIds = leaf.reader().getSortedDocValues(ID);
            if (docIds != null && docIds.advanceExact(sd.doc - leaf.docBase))
                ids.add(BytesRef.deepCopyOf(docIds.lookupOrd(docIds.ordValue())));
        }
        return new TermInSetQuery(REPLY_TO, ids); // none: matches nothing
    }

    static FieldDoc fieldDocOf(SortOrder order, SortKey k, int maxDoc) {
        Object primary = order == SortOrder.RECENT ? (Object) k.value() : (Object) k.score();
        // Lucene skips a hit whose sort values all equal the cursor's when its doc id <= after.doc: with the
        // largest doc id that is exactly the cursor's own post (ids are unique), so it is not repeated
        return new FieldDoc(maxDoc - 1, order == SortOrder.RELEVANCE ? k.score() : Float.NaN, new Object[] {
            primary, new BytesRef(k.id())
        });
    }

    /** {@link dev.feedsearch.core.index.PostReader#proseMatchBounds}, on one reader. */
    Map<String, Long> proseMatchBounds(IndexSearcher s, String text) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        String matched = QueryTextCap.cap(text, versions.servingFields());
        for (GroupAnalyzers.TextField f : versions.servingFields()) {
            if (!f.isMain()) continue;
            Query fq = new QueryBuilder(f.analyzer()).createBooleanQuery(f.luceneField(), matched, Occur.MUST);
            if (fq == null) continue;
            // one clause per query position (a lone position is the query itself); stacked tokens share one
            List<Query> positions = fq instanceof BooleanQuery bq
                    ? bq.clauses().stream().map(c -> c.query()).toList()
                    : List.of(fq);
            long bound = Long.MAX_VALUE;
            for (Query position : positions) {
                Set<Term> terms = new HashSet<>();
                position.visit(QueryVisitor.termCollector(terms));
                long df = 0;
                for (Term t : terms) df = Math.max(df, s.getIndexReader().docFreq(t));
                bound = Math.min(bound, df);
            }
            if (bound > 0 && bound != Long.MAX_VALUE) out.put(f.group(), bound);
        }
        return out;
    }
}
