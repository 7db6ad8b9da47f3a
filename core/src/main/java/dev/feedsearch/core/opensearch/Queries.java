package dev.feedsearch.core.opensearch;

import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ACTIVE;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.AUTHOR;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.CREATED;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.DELETED;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.DELETED_AT;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ENGAGEMENT;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.FOLLOWEE;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.FOLLOWER;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.GROUP;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ID;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.LANG;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.MENTIONS;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.RELATION;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.REPLY_TO;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.TAG;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.VIS;
import static org.opensearch.client.opensearch._types.SortOrder.Asc;
import static org.opensearch.client.opensearch._types.SortOrder.Desc;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.ParsedQueryCap;
import dev.feedsearch.core.analysis.QueryTextCap;
import dev.feedsearch.core.index.MatchBoosts;
import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * Translates the engine-neutral {@link SearchQuery} into OpenSearch query DSL with the embedded engine's
 * semantics. User text only ever goes into {@code match} queries, analysed by each group index's own
 * analyzer for its {@code text} field: never into a query string, so it has no syntax to inject. Long query
 * text is cut where the embedded engine cuts it, with the same analyzers, so both engines match the same words.
 */
final class Queries implements AutoCloseable {
    private final List<String> textFields; // "text" and every sub-field some group defines
    private final Mappings mappings;
    private volatile GroupAnalyzers capAnalyzers; // built on the first long query: only the cap needs them here

    Queries(Mappings mappings) {
        this.textFields = OpenSearchDocuments.textFields(mappings);
        this.mappings = mappings;
    }

    /** {@code asked} with its plain text cut to what matching reads (a query with operators is cut in {@link #search}). */
    SearchQuery capped(SearchQuery asked) {
        return asked.text() == null || asked.syntax() != null
                ? asked
                : asked.toBuilder().text(matchedText(asked.text())).build();
    }

    /** The part of a query's text matching reads ({@link QueryTextCap}), cut where the embedded engine cuts it. */
    String matchedText(String text) {
        if (QueryTextCap.fits(text)) return text;
        return QueryTextCap.cap(text, capAnalyzers().textFields());
    }

    /** The same for a query written with operators ({@link ParsedQueryCap}). */
    private ParsedQuery matchedSyntax(ParsedQuery syntax) {
        return ParsedQueryCap.fits(syntax)
                ? syntax
                : ParsedQueryCap.cap(syntax, capAnalyzers().textFields());
    }

    private GroupAnalyzers capAnalyzers() {
        GroupAnalyzers a = capAnalyzers;
        if (a == null) {
            synchronized (this) {
                if (capAnalyzers == null) capAnalyzers = GroupAnalyzers.build(mappings);
                a = capAnalyzers;
            }
        }
        return a;
    }

    @Override
    public void close() {
        if (capAnalyzers != null) capAnalyzers.close();
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    static Query term(String field, boolean value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    static Query terms(String field, Collection<String> values) {
        List<FieldValue> vs = values.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(vs))));
    }

    static Query ids(Collection<String> ids) {
        return Query.of(q -> q.ids(i -> i.values(List.copyOf(ids))));
    }

    static Query since(long fromMillis, long toMillis) {
        return Query.of(q -> q.range(r -> {
            r.field(CREATED).format("epoch_millis");
            if (fromMillis != Long.MIN_VALUE) r.gte(JsonData.of(fromMillis));
            if (toMillis != Long.MAX_VALUE) r.lte(JsonData.of(toMillis));
            return r;
        }));
    }

    /** public to everyone; private to the author; followers-only to the author and its followers; minus hidden authors. */
    static Query visibility(String viewer, Set<String> followees, Set<String> hidden) {
        if (viewer == null) return term(VIS, Visibility.PUBLIC.wire());
        BoolQuery.Builder b = new BoolQuery.Builder()
                .should(term(VIS, Visibility.PUBLIC.wire()))
                .should(term(AUTHOR, viewer))
                .minimumShouldMatch("1");
        if (!followees.isEmpty()) {
            b.should(Query.of(q ->
                    q.bool(f -> f.filter(term(VIS, Visibility.FOLLOWERS.wire()), terms(AUTHOR, followees)))));
        }
        if (!hidden.isEmpty()) b.mustNot(terms(AUTHOR, hidden));
        return Query.of(q -> q.bool(b.build()));
    }

    /**
     * Every filter of the query plus its text (plain text already {@link #capped}), with the visibility clause given.
     */
    Query search(SearchQuery sq, Query visibility) {
        ParsedQuery syntax = sq.syntax() == null ? null : matchedSyntax(sq.syntax());
        BoolQuery.Builder b = new BoolQuery.Builder().filter(visibility);
        if (sq.lang() != null) b.filter(term(LANG, sq.lang()));
        if (sq.author() != null) b.filter(term(AUTHOR, sq.author()));
        for (String tag : sq.tags()) b.filter(term(TAG, tag));
        for (String m : sq.mentions()) b.filter(term(MENTIONS, m));
        if (sq.reply() != null) {
            Query isReply = Query.of(q -> q.exists(e -> e.field(REPLY_TO)));
            if (sq.reply()) b.filter(isReply);
            else b.mustNot(isReply);
        }
        if (sq.since() != null || sq.until() != null) {
            b.filter(since(
                    sq.since() == null ? Long.MIN_VALUE : sq.since().toEpochMilli(),
                    sq.until() == null ? Long.MAX_VALUE : sq.until().toEpochMilli()));
        }
        if (syntax != null) {
            if (!syntax.excluded().isEmpty()) {
                List<Query> any = new ArrayList<>();
                for (ParsedQuery.Unit u : syntax.excluded()) for (String f : textFields) any.add(unit(u, f));
                b.mustNot(any);
            }
            if (!syntax.required().isEmpty()) b.must(match(sq, syntax));
        } else if (sq.text() != null) {
            b.must(match(sq, null));
        }
        return Query.of(q -> q.bool(b.build()));
    }

    /** The embedded engine's match with {@link MatchBoosts}: a prose match (plus the query-language bonus) or a tag-only match. */
    Query match(SearchQuery sq, ParsedQuery syntax) {
        Query prose = syntax == null ? text(sq.text()) : required(syntax);
        if (!sq.queryGroups().isEmpty()) {
            Query inLanguage = Query.of(q -> q.constantScore(
                    c -> c.filter(terms(GROUP, sq.queryGroups())).boost(MatchBoosts.QUERY_LANGUAGE)));
            Query plain = prose;
            prose = Query.of(q -> q.bool(b -> b.must(plain).should(inLanguage)));
        }
        List<Query> any = new ArrayList<>(2);
        any.add(prose);
        String tag = MatchBoosts.tagAlternative(
                syntax == null ? sq.text() : syntax.structuredClauses().isEmpty() ? syntax.requiredWords() : null);
        if (tag != null)
            any.add(Query.of(q -> q.constantScore(c -> c.filter(term(TAG, tag)).boost(MatchBoosts.TAG_ONLY))));
        return Query.of(q -> q.bool(b -> b.should(any).minimumShouldMatch("1")));
    }

    /**
     * All query tokens must match within one field, any field may match: each group index analyses the text
     * with its own analyzers, as the embedded engine analyses it with every group's and matches a post by its own.
     */
    Query text(String text) {
        List<Query> any = new ArrayList<>(textFields.size());
        for (String f : textFields)
            any.add(Query.of(
                    q -> q.match(m -> m.field(f).query(FieldValue.of(text)).operator(Operator.And))));
        return Query.of(q -> q.bool(b -> b.should(any).minimumShouldMatch("1")));
    }

    /** Every required clause of {@code syntax} within one field, any field (the embedded engine's {@code SyntaxQueries}). */
    Query required(ParsedQuery syntax) {
        List<Query> anyField = new ArrayList<>(textFields.size());
        String words = syntax.requiredWords();
        for (String f : textFields) {
            List<Query> all = new ArrayList<>();
            if (words != null) all.add(unit(new ParsedQuery.Words(words), f));
            for (ParsedQuery.Clause c : syntax.structuredClauses()) {
                List<Query> any = c.anyOf().stream().map(u -> unit(u, f)).toList();
                all.add(
                        any.size() == 1
                                ? any.getFirst()
                                : Query.of(q -> q.bool(b -> b.should(any).minimumShouldMatch("1"))));
            }
            anyField.add(Query.of(q -> q.bool(b -> b.must(all))));
        }
        return Query.of(q -> q.bool(b -> b.should(anyField).minimumShouldMatch("1")));
    }

    /** One unit in one field, analysed by that field's analyzer: all words, or the words in order. */
    private static Query unit(ParsedQuery.Unit u, String field) {
        return switch (u) {
            case ParsedQuery.Words w ->
                Query.of(q -> q.match(
                        m -> m.field(field).query(FieldValue.of(w.text())).operator(Operator.And)));
            case ParsedQuery.Phrase p ->
                Query.of(q -> q.matchPhrase(m -> m.field(field).query(p.text())));
        };
    }

    static List<SortOptions> sort(SortOrder order) {
        SortOptions byId = SortOptions.of(s -> s.field(f -> f.field(ID).order(Asc)));
        SortOptions first = order == SortOrder.RECENT
                ? SortOptions.of(s -> s.field(f -> f.field(CREATED).order(Desc)))
                : SortOptions.of(s -> s.score(sc -> sc.order(Desc)));
        return List.of(first, byId);
    }

    /** Most engaging first, ties by id: the order of popular posts. */
    static List<SortOptions> byEngagement() {
        return List.of(
                SortOptions.of(so -> so.field(f -> f.field(ENGAGEMENT).order(Desc))),
                SortOptions.of(so -> so.field(f -> f.field(ID).order(Asc))));
    }

    /** Public posts in one of {@code langs} created since {@code sinceMillis}: the candidates for popular posts. */
    static Query popularPublic(Collection<String> langs, long sinceMillis) {
        return Query.of(b -> b.bool(f ->
                f.filter(term(VIS, Visibility.PUBLIC.wire()), terms(LANG, langs), since(sinceMillis, Long.MAX_VALUE))));
    }

    // ---------------------------------------------------------------- follows and keys

    /** A viewer's own active edges, and the active blocks of it: what its followees and hidden authors come from. */
    static Query viewerEdges(String viewer) {
        Query own = Query.of(b -> b.bool(f -> f.filter(term(FOLLOWER, viewer), term(ACTIVE, true))));
        Query blockers = Query.of(b -> b.bool(f -> f.filter(
                term(FOLLOWEE, viewer), term(RELATION, FollowEdge.Relation.BLOCK.wire()), term(ACTIVE, true))));
        return Query.of(b -> b.bool(o -> o.should(own, blockers).minimumShouldMatch("1")));
    }

    /** The active edges of {@code relation} matching {@code side}. */
    static Query activeEdges(Query side, FollowEdge.Relation relation) {
        return Query.of(b -> b.bool(f -> f.filter(side, term(RELATION, relation.wire()), term(ACTIVE, true))));
    }

    /** What {@code removed} matches (tombstones, undone edges) that was removed before {@code beforeMillis}. */
    static Query removedBefore(Query removed, long beforeMillis) {
        return Query.of(b -> b.bool(f ->
                f.filter(removed).filter(r -> r.range(g -> g.field(DELETED_AT).lt(JsonData.of(beforeMillis))))));
    }

    /** The keys entries of the live posts the registry places in {@code group}. */
    static Query liveIn(String group) {
        return Query.of(b -> b.bool(f -> f.filter(term(GROUP, group), term(DELETED, false))));
    }

    static List<FieldValue> searchAfter(SortOrder order, SortKey after) {
        FieldValue first =
                order == SortOrder.RECENT ? FieldValue.of(after.value()) : FieldValue.of((double) after.score());
        return List.of(first, FieldValue.of(after.id()));
    }
}
