package dev.feedsearch.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.Highlighter;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.query.feed.FeedPage;
import dev.feedsearch.query.rank.Features;
import dev.feedsearch.query.rank.RankingConfig;
import dev.feedsearch.query.rank.RelevanceWindow;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The response shapes of ARCHITECTURE.md, written field by field so the contract is visible here. */
final class HitJson {
    private HitJson() {}

    /** A search's answer: its page, then the count when asked. */
    static ObjectNode search(SearchService.Result r, boolean explain, RankingConfig w) {
        ObjectNode body = switch (r) {
            case SearchService.Recent p -> page(p.page(), p.nextCursor(), explain, p.highlights());
            case SearchService.Ranked p -> ranked(p.hits(), p.textQuery(), p.nextCursor(), w, explain, p.highlights());
        };
        if (r.total() != null) {
            body.put("total", r.total().value());
            body.put("total_relation", r.total().relation());
        }
        return body;
    }

    /**
     * A {@code sort=recent} page: the engine's order; {@code score} is null. {@code highlights} gives each hit's
     * matched spans, or is null when the client turned them off (each hit's {@code highlights} is then null).
     */
    static ObjectNode page(
            SearchPage page,
            String nextCursor,
            boolean explain,
            Function<IndexedPost, List<Highlighter.Span>> highlights) {
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        ArrayNode hits = root.putArray("hits");
        for (SearchHit h : page.hits()) {
            ObjectNode o = hit(hits, h.post());
            o.putNull("score");
            highlights(o, h.post(), highlights);
            if (explain) explain(o, null, null, Float.NaN);
        }
        root.put("next_cursor", nextCursor);
        return root;
    }

    /** A {@code sort=relevance} page in its combined order; {@code score} is the combined score. */
    static ObjectNode ranked(
            List<RelevanceWindow.Ranked> ranked,
            boolean textQuery,
            String nextCursor,
            RankingConfig w,
            boolean explain,
            Function<IndexedPost, List<Highlighter.Span>> highlights) {
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        ArrayNode hits = root.putArray("hits");
        for (RelevanceWindow.Ranked r : ranked) {
            ObjectNode o = hit(hits, r.hit().post());
            o.put("score", r.score());
            highlights(o, r.hit().post(), highlights);
            if (explain) {
                explain(o, r.features(), w, r.hit().score());
                if (textQuery) ((ObjectNode) o.get("explain")).put("tier", TIERS[r.tier()]);
            }
        }
        root.put("next_cursor", nextCursor);
        return root;
    }

    /** {@link dev.feedsearch.core.index.MatchBoosts#tier} by number, as explain shows it. */
    private static final String[] TIERS = {"tag_only", "prose", "prose_in_query_language"};

    static ObjectNode feed(FeedPage page, boolean explain, RankingConfig w) {
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        ArrayNode hits = root.putArray("hits");
        for (FeedPage.Entry e : page.entries()) {
            ObjectNode o = hit(hits, e.post());
            if (Double.isNaN(e.item().score())) o.putNull("score");
            else o.put("score", e.item().score());
            if (explain) explain(o, e.item().features(), w, Float.NaN);
        }
        root.put("next_cursor", page.nextCursor());
        root.put("ranking", page.ranking());
        if (page.fallbackReason() != null) root.put("fallback_reason", page.fallbackReason());
        return root;
    }

    private static ObjectNode hit(ArrayNode hits, IndexedPost ip) {
        Post p = ip.post();
        ObjectNode o = hits.addObject();
        o.put("id", p.id());
        o.put("author_id", p.authorId());
        o.put("lang", ip.lang());
        o.put("text", p.text());
        o.put("created_at", p.createdAt().toString());
        return o;
    }

    /** {@code [[start, end], …]}: UTF-16 offsets into the hit's text, so String.slice/substring cut the words. */
    private static void highlights(
            ObjectNode o, IndexedPost post, Function<IndexedPost, List<Highlighter.Span>> highlights) {
        if (highlights == null) {
            o.putNull("highlights");
            return;
        }
        ArrayNode spans = o.putArray("highlights");
        for (Highlighter.Span s : highlights.apply(post))
            spans.addArray().add(s.start()).add(s.end());
    }

    private static void explain(ObjectNode o, Features f, RankingConfig w, float engineScore) {
        ObjectNode ex = o.putObject("explain");
        if (!Float.isNaN(engineScore)) ex.put("engine_score", engineScore);
        if (f == null) {
            ex.put("order", Float.isNaN(engineScore) ? "reverse_chronological" : "engine");
            return;
        }
        for (Map.Entry<String, Double> c : f.contributions(w).entrySet()) ex.put(c.getKey(), c.getValue());
    }

    /** A post as indexed: the ingest contract plus the detected language and its analysis group. */
    static ObjectNode post(IndexedPost ip) {
        ObjectNode o = PostJson.encode(ip.post());
        o.put("lang_hint", ip.post().lang());
        o.put("lang", ip.lang());
        o.put("lang_group", ip.group());
        o.remove("deleted");
        return o;
    }

    static ObjectNode error(ApiException e) {
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("code", e.code());
        err.put("message", e.getMessage());
        err.put("field", e.field());
        return root;
    }
}
