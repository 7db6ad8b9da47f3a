package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.NewestPerKey;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.ParsedQueryCap;
import dev.feedsearch.core.analysis.QueryTextCap;
import dev.feedsearch.core.index.HitTotal;
import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.mappings.Mappings;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The OpenSearch engine. Posts live in one index per language group behind a write alias each and the read
 * alias {@code posts}; follow edges in one index; and a keys index remembers each post id's newest version
 * order, group and author, deleted or not. The keys index is what makes version ordering hold ACROSS group
 * indices: a post whose edit changes its language moves to another group's index, and a delete must beat a late
 * upsert into any group. It is read with a real-time multi-get before each batch and written after the group
 * indices accepted the batch, so it never claims a version that did not land. Every write also carries
 * {@code version_type=external} with the same version order, so a group index alone never goes backwards.
 * One writer per cluster is assumed (the indexer), as for the embedded engine.
 */
public final class OpenSearchPostIndex implements PostIndex, Rebuildable {
    private static final int PAGE = 5_000; // follow lists and version scans page through with search_after
    private static final int MAX_INNER_HITS = 100; // OpenSearch's default index.max_inner_result_window

    private final OpenSearchClient client;
    private final OpenSearchConfig cfg;
    private final BulkWriter bulk;
    private final Queries queries;
    private final RejectedWrites rejected;
    private final Refresh refresh;
    private final ChangeLog changeLog = new ChangeLog();
    private final com.github.benmanes.caffeine.cache.Cache<String, ViewerEdges> viewerEdgeCache =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).build();
    private final Object writeLock = new Object();
    private final ClusterSetup setup;
    private final Mappings mappings;
    private volatile GroupAnalyzers capAnalyzers; // built on the first long query: only the cap needs them here
    /** Per group: the serving index, and the other version indices (being built or kept for rollback) written too. */
    private final Map<String, String> serving = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<String>> alsoWritten = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where writes that OpenSearch refuses for good go (a mapping conflict, say), with the reason. */
    @FunctionalInterface
    public interface RejectedWrites {
        void rejected(IndexChange change, String reason) throws IOException;

        RejectedWrites FAIL = (c, reason) -> {
            throw new IOException("OpenSearch rejected " + c.key() + "@" + c.version() + ": " + reason);
        };
    }

    private OpenSearchPostIndex(OpenSearchClient client, OpenSearchConfig cfg, Mappings mappings, RejectedWrites rejected,
                                ClusterSetup setup) throws IOException {
        this.client = client;
        this.setup = setup;
        this.mappings = mappings;
        for (Map.Entry<String, Map<String, Boolean>> g : setup.versionIndices().entrySet()) {
            List<String> others = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (Map.Entry<String, Boolean> v : g.getValue().entrySet()) {
                if (v.getValue()) serving.put(g.getKey(), v.getKey()); else others.add(v.getKey());
            }
            alsoWritten.put(g.getKey(), others);
        }
        this.cfg = cfg;
        this.bulk = new BulkWriter(client, cfg);
        this.rejected = rejected;
        this.refresh = switch (cfg.refresh()) {
            case TRUE -> Refresh.True;
            case WAIT_FOR -> Refresh.WaitFor;
            case FALSE -> Refresh.False;
        };
        Set<String> fields = new LinkedHashSet<>();
        fields.add("text");
        for (LanguageGroup g : mappings.groups()) {
            for (String suffix : g.fields().keySet()) if (!suffix.isEmpty()) fields.add("text." + suffix);
        }
        this.queries = new Queries(List.copyOf(fields));
    }

    /**
     * Connects, checks the cluster has every analysis plugin the mappings need (failing with their names if not),
     * and creates the templates, indices and aliases that are missing.
     */
    public static OpenSearchPostIndex open(OpenSearchConfig cfg, Mappings mappings, RejectedWrites rejected) throws IOException {
        OpenSearchClient client = OpenSearchClients.create(cfg);
        try {
            ClusterSetup setup = new ClusterSetup(client, mappings, cfg);
            setup.requirePlugins();
            setup.ensureLayout();
            return new OpenSearchPostIndex(client, cfg, mappings, rejected, setup);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    public OpenSearchClient client() {
        return client;
    }

    /** Bulk requests re-sent after 429/5xx/wire failures, since start (for metrics and tests). */
    public long bulkRetries() {
        return bulk.retries();
    }

    // ---------------------------------------------------------------- writes

    private record KeyState(long order, String group, String author, boolean deleted) {}

    /** One write of a batch and the change it came from; the keys entry is written only if the group write landed. */
    private record Pending(IndexChange change, BulkOperation op, ObjectNode keysDoc) {}

    @Override
    public ApplyResult apply(List<? extends IndexChange> changes) throws IOException {
        if (changes.isEmpty()) return ApplyResult.EMPTY;
        NewestPerKey newest = NewestPerKey.of(changes);
        int stale = newest.stale();
        synchronized (writeLock) {
            List<String> postIds = newest.changes().stream().filter(c -> c instanceof PostChange).map(IndexChange::key).toList();
            Map<String, KeyState> stored = keyStates(postIds);
            List<Pending> pending = new ArrayList<>();
            List<BulkOperation> ops = new ArrayList<>();
            for (IndexChange c : newest.changes()) {
                long order = c.order();
                switch (c) {
                    case PostChange pc -> {
                        KeyState st = stored.get(pc.id());
                        if (st != null && order <= st.order()) {
                            stale++;
                            continue;
                        }
                        String oldGroup = st == null || st.deleted() ? null : st.group();
                        String group = pc.deleted() ? (st == null ? null : st.group()) : pc.group();
                        String author = pc.deleted() ? (st == null ? null : st.author()) : pc.post().authorId();
                        ObjectNode keysDoc = keysDoc(pc.id(), order, group, author, pc.deleted());
                        BulkOperation main;
                        if (pc.deleted()) {
                            main = oldGroup == null ? null : delete(IndexNames.writeAlias(oldGroup), pc.id(), order);
                            if (oldGroup != null) secondaryDeletes(c, oldGroup, order, ops, pending);
                        } else {
                            ObjectNode doc = toDocument(pc);
                            main = index(IndexNames.writeAlias(group), pc.id(), order, doc);
                            // versions being built or kept for rollback get every write of their group too
                            for (String also : alsoWritten.getOrDefault(group, List.of())) {
                                ops.add(index(also, pc.id(), order, doc));
                                pending.add(new Pending(c, ops.getLast(), null));
                            }
                            if (oldGroup != null && !oldGroup.equals(group)) {
                                // the edit changed the post's language: it leaves its old group's indices
                                ops.add(delete(IndexNames.writeAlias(oldGroup), pc.id(), order));
                                pending.add(new Pending(c, ops.getLast(), null));
                                secondaryDeletes(c, oldGroup, order, ops, pending);
                            }
                        }
                        if (main != null) ops.add(main);
                        pending.add(new Pending(c, main, keysDoc));
                    }
                    case FollowChange fc -> {
                        FollowEdge e = fc.edge();
                        ObjectNode doc = PostJson.MAPPER.createObjectNode().put("follower", e.followerId())
                                .put("followee", e.followeeId()).put("relation", e.relation().wire()).put("active", !e.deleted());
                        if (e.createdAt() != null) doc.put("created_at", e.createdAt().toEpochMilli());
                        if (e.deleted()) doc.put("deleted_at", System.currentTimeMillis());
                        ops.add(index(IndexNames.FOLLOWS, fc.key(), order, doc));
                        pending.add(new Pending(c, ops.getLast(), null));
                    }
                }
            }
            Map<BulkOperation, BulkWriter.Result> results = new HashMap<>();
            List<BulkWriter.Result> rs = bulk.write(ops, refresh);
            for (int i = 0; i < ops.size(); i++) results.put(ops.get(i), rs.get(i));

            int upserted = 0, deleted = 0;
            Set<IndexChange> failed = new HashSet<>();
            List<BulkOperation> keyOps = new ArrayList<>();
            List<String> posts = new ArrayList<>(), authors = new ArrayList<>(), viewers = new ArrayList<>();
            for (Pending p : pending) {
                BulkWriter.Result r = p.op() == null ? new BulkWriter.Result(BulkWriter.Outcome.DONE, null) : results.get(p.op());
                if (r.outcome() == BulkWriter.Outcome.REJECTED) {
                    if (failed.add(p.change())) rejected.rejected(p.change(), r.reason());
                    continue;
                }
                if (p.keysDoc() == null) { // a follow edge, or the delete from a post's old group
                    if (p.change() instanceof FollowChange fc) {
                        if (r.outcome() == BulkWriter.Outcome.CONFLICT) stale++;
                        else {
                            if (fc.edge().deleted()) deleted++; else upserted++;
                            viewers.add(fc.edge().followerId());
                            if (fc.edge().relation() == FollowEdge.Relation.BLOCK) viewers.add(fc.edge().followeeId());
                        }
                    }
                    continue;
                }
                if (failed.contains(p.change())) continue;
                // a conflict means the group index already holds this version or newer (a replay after a crash
                // between the two bulks): the keys entry is still brought forward, since its version check guards it
                PostChange pc = (PostChange) p.change();
                keyOps.add(index(IndexNames.KEYS, pc.id(), pc.order(), p.keysDoc()));
                if (r.outcome() == BulkWriter.Outcome.CONFLICT) {
                    stale++;
                    continue;
                }
                if (pc.deleted()) deleted++; else upserted++;
                posts.add(pc.id());
                JsonNode a = p.keysDoc().get("author_id");
                if (a != null && !a.isNull()) authors.add(a.asText());
            }
            // the keys are read with a real-time mget, never searched on the write path: no refresh to wait for
            List<BulkWriter.Result> keyResults = bulk.write(keyOps, Refresh.False);
            for (int i = 0; i < keyOps.size(); i++) {
                if (keyResults.get(i).outcome() == BulkWriter.Outcome.REJECTED) {
                    throw new IOException("the keys index refused " + keyOps.get(i).index().id() + ": " + keyResults.get(i).reason());
                }
            }
            if (upserted + deleted > 0) changeLog.record(posts, authors, viewers);
            return new ApplyResult(upserted, deleted, stale);
        }
    }

    private void secondaryDeletes(IndexChange c, String group, long order, List<BulkOperation> ops, List<Pending> pending) {
        for (String also : alsoWritten.getOrDefault(group, List.of())) {
            ops.add(delete(also, c.key(), order));
            pending.add(new Pending(c, ops.getLast(), null));
        }
    }

    private static BulkOperation index(String index, String id, long order, ObjectNode doc) {
        return BulkOperation.of(b -> b.index(i -> i.index(index).id(id).version(order).versionType(VersionType.External).document(doc)));
    }

    private static BulkOperation delete(String index, String id, long order) {
        return BulkOperation.of(b -> b.delete(d -> d.index(index).id(id).version(order).versionType(VersionType.External)));
    }

    private Map<String, KeyState> keyStates(List<String> ids) throws IOException {
        Map<String, KeyState> out = new HashMap<>();
        if (ids.isEmpty()) return out;
        var resp = bulk.retrying("version lookup", () -> client.mget(m -> m.index(IndexNames.KEYS).ids(ids).realtime(true), ObjectNode.class));
        for (MultiGetResponseItem<ObjectNode> item : resp.docs()) {
            if (item.isFailure()) throw new IOException("reading versions failed: " + item.failure().error().reason());
            var r = item.result();
            if (!r.found()) continue;
            ObjectNode s = r.source();
            out.put(r.id(), new KeyState(s.path("order").asLong(), textOrNull(s, "group"), textOrNull(s, "author_id"),
                    s.path("deleted").asBoolean()));
        }
        return out;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public void commit() throws IOException {
        // group indices and follows: every acknowledged bulk is already durable (translog durability=request);
        // the keys index syncs its translog asynchronously, so it is flushed here, before a checkpoint moves
        bulk.retrying("flush of the keys index", () -> client.indices().flush(f -> f.index(IndexNames.KEYS)));
    }



    static ObjectNode toDocument(PostChange pc) {
        Post p = pc.post();
        ObjectNode d = PostJson.encode(p);
        d.remove("deleted");
        d.put("lang_hint", p.lang());
        d.put("lang", pc.lang());
        d.put("group", pc.group());
        ArrayNode keys = d.putArray("tag_keys");
        for (String t : Hashtags.keys(p.tags(), p.text())) keys.add(t);
        d.put("engagement", p.engagement());
        return d;
    }

    static IndexedPost fromDocument(ObjectNode src) {
        ObjectNode n = src.deepCopy();
        String lang = n.path("lang").asText(), group = n.path("group").asText();
        n.set("lang", n.get("lang_hint"));
        try {
            return new IndexedPost(PostJson.decodePost(n), lang, group);
        } catch (InvalidRecordException e) {
            throw new IllegalStateException("stored post no longer passes validation: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public SearchPage search(SearchQuery q) throws IOException {
        SearchResponse<ObjectNode> resp = client.search(searchRequest(q), ObjectNode.class);
        List<Hit<ObjectNode>> raw = resp.hits().hits();
        List<SearchHit> hits = new ArrayList<>(Math.min(q.limit(), raw.size()));
        for (int i = 0; i < raw.size() && i < q.limit(); i++) {
            Hit<ObjectNode> h = raw.get(i);
            IndexedPost post = fromDocument(h.source());
            FieldValue first = h.sort().getFirst();
            if (q.sort() == SortOrder.RECENT) {
                hits.add(new SearchHit(post, Float.NaN, new SortKey(first.longValue(), post.post().id())));
            } else {
                float score = (float) first.doubleValue();
                hits.add(new SearchHit(post, score, SortKey.ofScore(score, post.post().id())));
            }
        }
        return SearchPage.overfetched(hits, raw.size(), q.limit());
    }

    @Override
    public Map<String, Long> proseMatchBounds(String text) throws IOException {
        text = matchedText(text);
        // one _mtermvectors call: the text as an artificial document of every group's serving index, analysed
        // by that index's own text analyzer, with each token's document frequency there
        List<String> groups = new ArrayList<>(serving.keySet());
        if (groups.isEmpty()) return Map.of();
        ObjectNode body = PostJson.MAPPER.createObjectNode();
        ArrayNode docs = body.putArray("docs");
        for (String g : groups) {
            ObjectNode d = docs.addObject().put("_index", serving.get(g));
            d.putObject("doc").put("text", text);
            d.putArray("fields").add("text");
            d.put("term_statistics", true).put("field_statistics", false).put("positions", true)
                    .put("offsets", false).put("payloads", false);
        }
        JsonNode resp = setup.call("POST", "/_mtermvectors", body);
        Map<String, Long> out = new java.util.TreeMap<>();
        for (int i = 0; i < groups.size(); i++) {
            JsonNode terms = resp.path("docs").path(i).path("term_vectors").path("text").path("terms");
            if (!terms.isObject() || terms.isEmpty()) continue;
            Map<Integer, Long> byPosition = new HashMap<>(); // stacked tokens share a position: the largest counts
            for (Map.Entry<String, JsonNode> t : terms.properties()) {
                long df = t.getValue().path("doc_freq").asLong(0);
                for (JsonNode tok : t.getValue().path("tokens")) byPosition.merge(tok.path("position").asInt(), df, Math::max);
            }
            // an artificial document is analysed on one shard and reads that shard's statistics: scaled by the
            // primaries every group index is created with, an estimate of the whole (exact with one shard)
            long bound = byPosition.values().stream().mapToLong(Long::longValue).min().orElse(0) * cfg.shards();
            if (bound > 0) out.put(groups.get(i), bound);
        }
        return out;
    }

    /** The part of a query's text matching reads ({@link QueryTextCap}), cut where the embedded engine cuts it. */
    private String matchedText(String text) {
        if (QueryTextCap.fits(text)) return text;
        return QueryTextCap.cap(text, capAnalyzers().textFields());
    }

    /** The same for a query written with operators ({@link ParsedQueryCap}). */
    private ParsedQuery matchedSyntax(ParsedQuery syntax) {
        return ParsedQueryCap.fits(syntax) ? syntax : ParsedQueryCap.cap(syntax, capAnalyzers().textFields());
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

    /**
     * The exact request {@link #search} sends for {@code q} (one extra hit tells whether a next page exists);
     * public so a benchmark can send the very same body to {@code _search} directly.
     */
    public SearchRequest searchRequest(SearchQuery asked) throws IOException {
        SearchQuery q = asked.text() == null || asked.syntax() != null ? asked : asked.toBuilder().text(matchedText(asked.text())).build();
        Query query = engineQuery(q);
        List<SortOptions> sort = Queries.sort(q.sort());
        return SearchRequest.of(s -> {
            s.index(q.lang() == null ? List.of(IndexNames.READ_ALIAS) : indicesOf(List.of(q.lang())))
                    .query(query).sort(sort).size(q.fetchSize()).trackTotalHits(t -> t.enabled(false))
                    // the same copies for every page of one query: replicas score with their own statistics
                    .preference(Integer.toHexString(java.util.Objects.hash(q.text(), q.viewer(), q.tags())));
            if (q.after() != null) s.searchAfter(Queries.searchAfter(q.sort(), q.after()));
            return s;
        });
    }

    @Override
    public HitTotal count(SearchQuery asked) throws IOException {
        SearchQuery q = asked.text() == null || asked.syntax() != null ? asked : asked.toBuilder().text(matchedText(asked.text())).build();
        Query query = engineQuery(q);
        SearchResponse<ObjectNode> resp = client.search(s -> s
                .index(q.lang() == null ? List.of(IndexNames.READ_ALIAS) : indicesOf(List.of(q.lang())))
                .query(query).size(0).trackTotalHits(t -> t.count(HitTotal.LIMIT + 1)), ObjectNode.class);
        // one past the limit: OpenSearch says "gte" once it stops counting at the threshold, even at exactly the threshold
        var total = resp.hits().total();
        return HitTotal.of(total.value(), total.relation() != org.opensearch.client.opensearch.core.search.TotalHitsRelation.Eq);
    }

    /** Every filter and the text of {@code q} (its text already capped), as one query for a page or a count. */
    private Query engineQuery(SearchQuery q) throws IOException {
        Query visible = visibilityOf(q.viewer());
        Query query = queries.search(q, q.syntax() == null ? null : matchedSyntax(q.syntax()), visible);
        if (q.replyTo() == null) return query;
        Query replies = repliesTo(q.replyTo(), visible);
        return Query.of(x -> x.bool(b -> b.must(query).filter(replies)));
    }

    /**
     * Replies to any of {@code author}'s newest {@link SearchQuery#MAX_REPLY_PARENTS} posts that the viewer may see
     * ({@code visible}): a reply records which post it answers, not whom, so those posts' ids are read first. A
     * parent the viewer may not see is not looked under, so its replies never tell that it exists.
     */
    private Query repliesTo(String author, Query visible) throws IOException {
        SearchResponse<ObjectNode> parents = client.search(s -> s.index(IndexNames.READ_ALIAS)
                .query(Query.of(x -> x.bool(b -> b.filter(visible, Queries.term(Queries.AUTHOR, author)))))
                .size(SearchQuery.MAX_REPLY_PARENTS).sort(Queries.sort(SortOrder.RECENT))
                .source(src -> src.filter(f -> f.includes(Queries.ID))).trackTotalHits(t -> t.enabled(false)), ObjectNode.class);
        List<String> ids = new ArrayList<>();
        for (Hit<ObjectNode> h : parents.hits().hits()) ids.add(h.source().get(Queries.ID).asText());
        // terms with no values matches nothing, as it should: no parent the viewer may see, no replies
        return Queries.terms(Queries.REPLY_TO, ids);
    }

    /**
     * The serving indices of the languages' groups: a language filter can only match there (a post's group is its
     * language's group), so the search goes to those shards instead of every group's. The read alias when a group
     * has no serving index yet.
     */
    private List<String> indicesOf(Collection<String> langs) {
        Set<String> out = new java.util.TreeSet<>();
        for (String lang : langs) {
            String index = serving.get(mappings.groupForLanguage(lang).name());
            if (index == null) return List.of(IndexNames.READ_ALIAS);
            out.add(index);
        }
        return List.copyOf(out);
    }

    private Query visibilityOf(String viewer) throws IOException {
        if (viewer == null) return Queries.visibility(null, Set.of(), Set.of());
        return Queries.visibility(viewer, followees(viewer), hiddenAuthors(viewer));
    }

    @Override
    public Optional<IndexedPost> get(String id, String viewer) throws IOException {
        List<IndexedPost> found = getVisible(List.of(id), viewer);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    @Override
    public List<IndexedPost> getVisible(Collection<String> ids, String viewer) throws IOException {
        if (ids.isEmpty()) return List.of();
        Query visible = visibilityOf(viewer);
        Query q = Query.of(b -> b.bool(f -> f.filter(Queries.ids(ids)).filter(visible)));
        return posts(client.search(s -> s.index(IndexNames.READ_ALIAS).query(q).size(ids.size()), ObjectNode.class));
    }

    private static List<IndexedPost> posts(SearchResponse<ObjectNode> resp) {
        List<IndexedPost> out = new ArrayList<>(resp.hits().hits().size());
        for (Hit<ObjectNode> h : resp.hits().hits()) out.add(fromDocument(h.source()));
        return out;
    }

    @Override
    public Set<String> followees(String viewer) throws IOException {
        return viewerEdges(viewer).followees();
    }

    @Override
    public Set<String> followers(String user) throws IOException {
        return edges(Queries.term("followee", user), FollowEdge.Relation.FOLLOW, "follower");
    }

    @Override
    public Set<String> hiddenAuthors(String viewer) throws IOException {
        return viewerEdges(viewer).hidden();
    }

    /** A viewer's own edges: whom it follows, and whose posts it may not see (muted, blocked, blocking it). */
    private record ViewerEdges(long generation, Set<String> followees, Set<String> hidden) {}

    /**
     * Every search with a viewer needs its followees and hidden authors: read in one request (not four), and kept
     * while {@link ChangeLog#viewerGeneration} says none of the viewer's edges changed. The generation is read
     * before the edges, so a change landing during the read is seen by the next call. Writes that return before
     * they are searchable ({@code --refresh false}) record the change too early for that rule, so nothing is kept
     * then.
     */
    private ViewerEdges viewerEdges(String viewer) throws IOException {
        long generation = changeLog.viewerGeneration(viewer);
        ViewerEdges known = viewerEdgeCache.getIfPresent(viewer);
        if (known != null && known.generation() == generation) return known;
        Query own = Query.of(b -> b.bool(f -> f.filter(Queries.term("follower", viewer), Queries.term("active", true))));
        Query blockers = Query.of(b -> b.bool(f -> f.filter(Queries.term("followee", viewer),
                Queries.term("relation", FollowEdge.Relation.BLOCK.wire()), Queries.term("active", true))));
        Query either = Query.of(b -> b.bool(o -> o.should(own, blockers).minimumShouldMatch("1")));
        Set<String> followees = new HashSet<>(), hidden = new HashSet<>();
        scan(IndexNames.FOLLOWS, either, List.of("follower", "followee", "relation"), edge -> {
            String follower = edge.path("follower").asText(), followee = edge.path("followee").asText();
            String relation = edge.path("relation").asText();
            if (!follower.equals(viewer)) hidden.add(follower); // blocks the viewer
            else if (relation.equals(FollowEdge.Relation.FOLLOW.wire())) followees.add(followee);
            else hidden.add(followee); // muted or blocked by the viewer
        });
        ViewerEdges fresh = new ViewerEdges(generation, Set.copyOf(followees), Set.copyOf(hidden));
        if (cfg.refresh() != OpenSearchConfig.Refresh.FALSE) viewerEdgeCache.put(viewer, fresh);
        return fresh;
    }

    /** The {@code other} side of every active edge of {@code relation} matching {@code side}, paged by that field. */
    private Set<String> edges(Query side, FollowEdge.Relation relation, String other) throws IOException {
        Query q = Query.of(b -> b.bool(f -> f.filter(side, Queries.term("relation", relation.wire()), Queries.term("active", true))));
        Set<String> out = new HashSet<>();
        String after = null;
        while (true) {
            String from = after;
            SearchResponse<ObjectNode> resp = client.search(s -> {
                s.index(IndexNames.FOLLOWS).query(q).size(PAGE).source(src -> src.filter(f -> f.includes(other)))
                        .sort(so -> so.field(f -> f.field(other))).trackTotalHits(t -> t.enabled(false));
                if (from != null) s.searchAfter(FieldValue.of(from));
                return s;
            }, ObjectNode.class);
            List<Hit<ObjectNode>> hits = resp.hits().hits();
            for (Hit<ObjectNode> h : hits) out.add(h.source().path(other).asText());
            if (hits.size() < PAGE) return out;
            after = hits.getLast().source().path(other).asText();
        }
    }

    @Override
    public Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor) throws IOException {
        if (authors.isEmpty()) return Map.of();
        if (perAuthor > MAX_INNER_HITS) throw new IllegalArgumentException("at most " + MAX_INNER_HITS + " posts per author");
        List<SortOptions> recent = Queries.sort(SortOrder.RECENT);
        // field collapsing: one top hit per author, with that author's newest posts as inner hits
        SearchResponse<ObjectNode> resp = client.search(s -> s.index(IndexNames.READ_ALIAS)
                .query(Queries.terms(Queries.AUTHOR, authors)).size(authors.size()).sort(recent)
                .collapse(c -> c.field(Queries.AUTHOR).innerHits(ih -> ih.name("recent").size(perAuthor).sort(recent)))
                .trackTotalHits(t -> t.enabled(false)), ObjectNode.class);
        Map<String, List<IndexedPost>> out = new HashMap<>();
        for (Hit<ObjectNode> h : resp.hits().hits()) {
            var inner = h.innerHits().get("recent");
            List<IndexedPost> posts = new ArrayList<>();
            for (Hit<JsonData> ih : inner.hits().hits()) {
                posts.add(fromDocument(ih.source().to(ObjectNode.class, client._transport().jsonpMapper())));
            }
            if (!posts.isEmpty()) out.put(posts.getFirst().post().authorId(), posts);
        }
        return out;
    }

    @Override
    public List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException {
        if (langs.isEmpty() || limit <= 0) return List.of();
        Query q = Query.of(b -> b.bool(f -> f.filter(Queries.term(Queries.VIS, Visibility.PUBLIC.wire()),
                Queries.terms(Queries.LANG, langs), Queries.since(since.toEpochMilli(), Long.MAX_VALUE))));
        List<SortOptions> byEngagement = List.of(
                SortOptions.of(so -> so.field(f -> f.field(Queries.ENGAGEMENT).order(org.opensearch.client.opensearch._types.SortOrder.Desc))),
                SortOptions.of(so -> so.field(f -> f.field(Queries.ID).order(org.opensearch.client.opensearch._types.SortOrder.Asc))));
        return posts(client.search(s -> s.index(indicesOf(langs)).query(q).size(limit).sort(byEngagement)
                .trackTotalHits(t -> t.enabled(false)), ObjectNode.class));
    }

    @Override
    public ChangeTracker changes() {
        return changeLog;
    }

    @Override
    public Optional<Rebuildable> rebuilds() {
        return Optional.of(this); // TODO(this commit series): its own class
    }

    @Override
    public void forEachPostVersion(PostVersionVisitor visitor) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS)); // keys are written without a refresh
        String after = null;
        while (true) {
            String from = after;
            SearchResponse<ObjectNode> resp = client.search(s -> {
                s.index(IndexNames.KEYS).size(PAGE).sort(so -> so.field(f -> f.field("id"))).trackTotalHits(t -> t.enabled(false));
                if (from != null) s.searchAfter(FieldValue.of(from));
                return s;
            }, ObjectNode.class);
            List<Hit<ObjectNode>> hits = resp.hits().hits();
            for (Hit<ObjectNode> h : hits) {
                long order = h.source().path("order").asLong();
                visitor.visit(h.source().path("id").asText(), order >>> 1, (order & 1) == 1);
            }
            if (hits.size() < PAGE) return;
            after = hits.getLast().source().path("id").asText();
        }
    }

    @Override
    public void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.FOLLOWS)); // edges are written without a refresh
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            // an edge's identity is (follower, followee, relation): sorted on all three, search_after pages are exact
            SearchResponse<ObjectNode> resp = client.search(s -> {
                s.index(IndexNames.FOLLOWS).size(PAGE).version(true).trackTotalHits(t -> t.enabled(false))
                        .sort(so -> so.field(f -> f.field("follower"))).sort(so -> so.field(f -> f.field("followee")))
                        .sort(so -> so.field(f -> f.field("relation"))); // each call appends a sort key
                if (from != null) s.searchAfter(from);
                return s;
            }, ObjectNode.class);
            List<Hit<ObjectNode>> hits = resp.hits().hits();
            for (Hit<ObjectNode> h : hits) {
                ObjectNode e = h.source();
                FollowEdge.Relation relation = FollowEdge.Relation.parse(e.path("relation").asText("follow"));
                if (relation == null || h.version() == null) continue;
                long order = h.version(); // the external version: version << 1 | removal
                visitor.visit(new FollowEdge(e.path("follower").asText(), e.path("followee").asText(), null, order >>> 1,
                        (order & 1) == 1, relation));
            }
            if (hits.size() < PAGE) return;
            ObjectNode last = hits.getLast().source();
            after = List.of(FieldValue.of(last.path("follower").asText()), FieldValue.of(last.path("followee").asText()),
                    FieldValue.of(last.path("relation").asText()));
        }
    }

    /**
     * Removes the keys registry's tombstones and the undone follow edges recorded before {@code before}, page by
     * page, each page under the write lock (no apply reads the registry between its search and its deletes).
     * Each is deleted at its own external version ({@code external_gte}), not by {@code _delete_by_query}: that
     * one deletes with internal versions, and its delete marker (kept for {@code index.gc_deletes}) would refuse
     * the post's or edge's next external version.
     */
    @Override
    public long purgeDeletions(Instant before) throws IOException {
        long purged = 0;
        for (var target : List.of(Map.entry(IndexNames.KEYS, Queries.term("deleted", true)),
                Map.entry(IndexNames.FOLLOWS, Queries.term("active", false)))) {
            String index = target.getKey();
            Query q = Query.of(b -> b.bool(f -> f.filter(target.getValue())
                    .filter(r -> r.range(g -> g.field("deleted_at").lt(JsonData.of(before.toEpochMilli()))))));
            while (true) {
                long done;
                synchronized (writeLock) { // per page: applies wait for one page at most, never for the whole purge
                    client.indices().refresh(r -> r.index(index)); // written without a refresh; and the last page's deletes
                    List<Hit<ObjectNode>> hits = client.search(s -> s.index(index).query(q).size(PAGE).version(true)
                            .source(src -> src.fetch(false)).trackTotalHits(t -> t.enabled(false)), ObjectNode.class).hits().hits();
                    if (hits.isEmpty()) break;
                    List<BulkOperation> ops = hits.stream().map(h -> sameVersionDelete(index, h.id(), h.version())).toList();
                    List<BulkWriter.Result> rs = bulk.write(ops, Refresh.False);
                    requireWritten(ops, rs);
                    done = rs.stream().filter(r -> r.outcome() == BulkWriter.Outcome.DONE).count();
                }
                purged += done;
                if (done == 0) break; // every one re-written meanwhile (not by this process): nothing left to purge now
            }
        }
        return purged;
    }

    @Override
    public IndexStats stats() throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS)); // keys are written without a refresh
        long posts = client.count(c -> c.index(IndexNames.READ_ALIAS)).count();
        long tombs = client.count(c -> c.index(IndexNames.KEYS).query(Queries.term("deleted", true))).count();
        long follows = client.count(c -> c.index(IndexNames.FOLLOWS).query(Queries.term("active", true))).count();
        return new IndexStats(posts, tombs, follows);
    }

    // ---------------------------------------------------------------- blue/green rebuilds

    @Override
    public int servingVersion(String group) {
        String index = serving.get(group);
        if (index == null) throw new IllegalArgumentException("no serving index for group '" + group + "'");
        return IndexNames.versionOf(group, index);
    }

    @Override
    public void beginBuild(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        synchronized (writeLock) {
            if (index.equals(serving.get(group))) throw new IllegalStateException(index + " is serving");
            setup.createVersion(index); // shaped by the group's template: the current mappings
            List<String> also = alsoWritten.computeIfAbsent(group, g -> new java.util.concurrent.CopyOnWriteArrayList<>());
            if (!also.contains(index)) also.add(index);
        }
    }

    @Override
    public Copied copyBatch(String group, int version, String afterId, int max, Redetect redetect) throws IOException {
        String target = IndexNames.index(group, version);
        String from = serving.get(group);
        // read and detect outside the write lock: detection is most of a copy's time, and applies wait for the lock.
        // Under it, each copy is checked against the keys registry (one realtime mget): a post edited, moved or
        // deleted meanwhile is left alone, since that write reached the new version itself. External versions
        // alone would not do: a delete's tombstone in the target lasts only index.gc_deletes (60 s), and the wait
        // for the lock has no bound (another job's verification holds it for minutes)
        SearchResponse<ObjectNode> resp = client.search(s -> {
            s.index(from).size(max).sort(so -> so.field(f -> f.field(Queries.ID))).trackTotalHits(t -> t.enabled(false));
            if (afterId != null) s.searchAfter(FieldValue.of(afterId));
            return s;
        }, ObjectNode.class);
        List<Hit<ObjectNode>> hits = resp.hits().hits();
        if (hits.isEmpty()) return new Copied(0, 0, null);
        PostChange[] now = new PostChange[hits.size()];
        IntStream.range(0, now.length).parallel().forEach(i -> now[i] = redetect.checked(fromDocument(hits.get(i).source()).post()));
        synchronized (writeLock) {
            Map<String, KeyState> registry = keyStates(java.util.Arrays.stream(now).map(PostChange::id).toList());
            List<BulkOperation> ops = new ArrayList<>(hits.size());
            List<PostChange> moves = new ArrayList<>();
            for (PostChange c : now) {
                KeyState st = registry.get(c.id());
                if (st == null || st.deleted() || st.order() != c.order()) continue; // edited or deleted meanwhile
                // the registry names this group, or the group the post is moving to (a move cut short, finished here)
                if (!group.equals(st.group()) && !c.group().equals(st.group())) continue;
                if (c.group().equals(group)) ops.add(index(target, c.id(), c.order(), toDocument(c)));
                else moves.add(c);
            }
            requireWritten(ops, bulk.write(ops, Refresh.False));
            int moved = regroup(moves.stream().map(c -> new Move(group, c)).toList(), registry);
            return new Copied(hits.size(), moved, hits.getLast().source().path("id").asText());
        }
    }

    @Override
    public Copied place(Set<String> groups, List<PostChange> posts) throws IOException {
        synchronized (writeLock) {
            Map<String, KeyState> registry = keyStates(posts.stream().map(PostChange::id).toList());
            List<BulkOperation> ops = new ArrayList<>();
            List<Move> moves = new ArrayList<>();
            List<PostChange> behind = new ArrayList<>();
            int placed = 0;
            for (PostChange p : posts) {
                KeyState st = registry.get(p.id());
                String current = st == null || st.deleted() ? null : st.group();
                if (!(p.group() != null && groups.contains(p.group())) && !(current != null && groups.contains(current))) continue;
                placed++;
                long order = p.order();
                if (st == null || st.order() < order) behind.add(p); // the index has not seen this change yet
                else if (st.order() == order && current != null) {
                    if (!current.equals(p.group())) moves.add(new Move(current, p));
                    else for (String also : alsoWritten.getOrDefault(current, List.of())) ops.add(index(also, p.id(), order, toDocument(p)));
                }
                // a newer version in the index reached the versions being built through the dual writes
            }
            requireWritten(ops, bulk.write(ops, Refresh.False));
            int moved = regroup(moves, registry);
            if (!behind.isEmpty()) {
                apply(behind);
                commit(); // their registry entries durable before the job records its position past them
            }
            return new Copied(placed, moved, null);
        }
    }

    /** A post to move, at its same version, out of group {@code from} into the group its detection names now. */
    private record Move(String from, PostChange post) {}

    /**
     * Moves posts whose detection no longer names their group to their new group at the same version: into the
     * new group's serving version (and versions built or kept beside it), out of every version of the old group,
     * and the keys registry re-pointed. Only posts the registry places in the old group at that version move (a
     * newer write placed the others itself), or already in the new group at that version: a move cut short.
     *
     * <p>The steps run in an order that a crash or a failed request can only leave redoable: (1) the new
     * group's copies, (2) the registry, flushed (its translog is async), (3) the deletes from the old group. Cut
     * after (1), the registry still names the old group and the post is still there: the next copy or apply
     * treats it as before. Cut after (2), the post is in both groups and the registry names the new one; a
     * resumed job reads the old group again, finds the post, and finishes (3). The reverse order could leave the
     * registry naming a group that no longer holds the post, where later deletes and edits would miss the copy
     * that does. Same-version writes use {@code external_gte}, so redoing a step is harmless. {@code registry}
     * holds the moved posts' keys entries, read by the caller under the write lock it still holds.
     */
    private int regroup(List<Move> moves, Map<String, KeyState> registry) throws IOException {
        if (moves.isEmpty()) return 0;
        List<Step> steps = new ArrayList<>();
        for (Move m : moves) {
            PostChange c = m.post();
            KeyState st = registry.get(c.id());
            long order = c.order();
            if (st == null || st.deleted() || st.order() != order) continue;
            boolean started = c.group().equals(st.group()); // steps (1) and (2) done before a crash
            if (!started && !m.from().equals(st.group())) continue;
            ObjectNode doc = toDocument(c);
            List<BulkOperation> adds = new ArrayList<>(), removes = new ArrayList<>();
            // external_gte: over a copy or an undo tombstone of this same version; a newer version would refuse
            adds.add(sameVersionIndex(IndexNames.writeAlias(c.group()), c.id(), order, doc));
            for (String also : alsoWritten.getOrDefault(c.group(), List.of())) adds.add(sameVersionIndex(also, c.id(), order, doc));
            BulkOperation key = started ? null
                    : sameVersionIndex(IndexNames.KEYS, c.id(), order, keysDoc(c.id(), order, c.group(), c.post().authorId(), false));
            removes.add(sameVersionDelete(IndexNames.writeAlias(m.from()), c.id(), order));
            for (String also : alsoWritten.getOrDefault(m.from(), List.of())) removes.add(sameVersionDelete(also, c.id(), order));
            steps.add(new Step(c, adds, key, removes));
        }
        if (steps.isEmpty()) return 0;
        List<BulkOperation> adds = steps.stream().flatMap(st -> st.adds().stream()).toList();
        requireWritten(adds, bulk.write(adds, Refresh.False));

        // (2) a refused registry entry takes its post's new copies back (the registry still names the old group);
        // a request that fails as a whole leaves both copies, which the next job sorts out either way
        List<BulkOperation> keyOps = steps.stream().map(Step::key).filter(java.util.Objects::nonNull).toList();
        List<BulkWriter.Result> keyResults = bulk.write(keyOps, Refresh.False);
        Set<BulkOperation> refused = new HashSet<>();
        String reason = null;
        for (int i = 0; i < keyOps.size(); i++) {
            if (keyResults.get(i).outcome() != BulkWriter.Outcome.REJECTED) continue;
            refused.add(keyOps.get(i));
            reason = "writing " + IndexNames.KEYS + "/" + keyOps.get(i).index().id() + " failed: " + keyResults.get(i).reason();
        }
        if (!keyOps.isEmpty()) commit(); // the registry durable before the old copies go

        List<BulkOperation> removes = new ArrayList<>(), undo = new ArrayList<>();
        List<String> ids = new ArrayList<>(), authors = new ArrayList<>();
        for (Step st : steps) {
            if (refused.contains(st.key())) {
                for (BulkOperation op : st.adds()) undo.add(sameVersionDelete(op.index().index(), op.index().id(), op.index().version()));
                continue;
            }
            removes.addAll(st.removes());
            ids.add(st.post().id());
            authors.add(st.post().post().authorId());
        }
        requireWritten(undo, bulk.write(undo, refresh));
        requireWritten(removes, bulk.write(removes, refresh));
        if (refresh != Refresh.False && !ids.isEmpty()) {
            // the new copies were written without a refresh (none was wanted while the old ones still served)
            List<String> touched = adds.stream().map(op -> op.index().index()).distinct().toList();
            bulk.retrying("refresh of the moved posts' groups", () -> client.indices().refresh(r -> r.index(touched)));
        }
        if (!ids.isEmpty()) changeLog.record(ids, authors, List.of()); // cached pages holding them drop
        if (reason != null) throw new IOException(reason);
        return ids.size();
    }

    /** One move's writes: (1) the new group's copies, (2) the registry entry (null: already there), (3) the old group's deletes. */
    private record Step(PostChange post, List<BulkOperation> adds, BulkOperation key, List<BulkOperation> removes) {}

    private static BulkOperation sameVersionIndex(String index, String id, long order, ObjectNode doc) {
        return BulkOperation.of(b -> b.index(i -> i.index(index).id(id).version(order).versionType(VersionType.ExternalGte).document(doc)));
    }

    private static BulkOperation sameVersionDelete(String index, String id, long order) {
        return BulkOperation.of(b -> b.delete(d -> d.index(index).id(id).version(order).versionType(VersionType.ExternalGte)));
    }

    /** A conflict is a write already there (the same or a newer version); a rejection stops the step. */
    private static void requireWritten(List<BulkOperation> ops, List<BulkWriter.Result> results) throws IOException {
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).outcome() == BulkWriter.Outcome.REJECTED) {
                BulkOperation op = ops.get(i);
                String where = op.isIndex() ? op.index().index() + "/" + op.index().id() : op.delete().index() + "/" + op.delete().id();
                throw new IOException("writing " + where + " failed: " + results.get(i).reason());
            }
        }
    }

    private static ObjectNode keysDoc(String id, long order, String group, String author, boolean deleted) {
        ObjectNode d = PostJson.MAPPER.createObjectNode().put("id", id).put("order", order)
                .put("group", group).put("author_id", author).put("deleted", deleted);
        if (deleted) d.put("deleted_at", System.currentTimeMillis());
        return d;
    }

    @Override
    public long count(String group, int version) throws IOException {
        return client.count(c -> c.index(IndexNames.index(group, version))).count();
    }

    @Override
    public Digest digest(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        client.indices().refresh(r -> r.index(index));
        Digest.Builder d = new Digest.Builder();
        scan(index, null, List.of("id"), h -> d.add(h.path("id").asText(), h.path("version").asLong()));
        return d.build();
    }

    @Override
    public Digest registryDigest(String group) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS));
        Query q = Query.of(b -> b.bool(f -> f.filter(Queries.term("group", group), Queries.term("deleted", false))));
        Digest.Builder d = new Digest.Builder();
        scan(IndexNames.KEYS, q, List.of("id"), h -> d.add(h.path("id").asText(), h.path("order").asLong() >>> 1));
        return d.build();
    }

    /** Every hit of {@code q} in {@code index}, in the order of {@code sortFields} (together unique), paged with search_after. */
    private void scan(String index, Query q, List<String> sortFields, java.util.function.Consumer<ObjectNode> each) throws IOException {
        List<SortOptions> order = sortFields.stream().map(f -> SortOptions.of(so -> so.field(x -> x.field(f)))).toList();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            SearchResponse<ObjectNode> resp = client.search(s -> {
                s.index(index).size(PAGE).sort(order).trackTotalHits(t -> t.enabled(false));
                if (q != null) s.query(q);
                if (from != null) s.searchAfter(from);
                return s;
            }, ObjectNode.class);
            List<Hit<ObjectNode>> hits = resp.hits().hits();
            for (Hit<ObjectNode> h : hits) each.accept(h.source());
            if (hits.size() < PAGE) return;
            ObjectNode last = hits.getLast().source();
            after = sortFields.stream().map(f -> FieldValue.of(last.path(f).asText())).toList();
        }
    }

    @Override
    public <T> T whileWritesPaused(IoSupplier<T> action) throws IOException {
        synchronized (writeLock) {
            return action.get();
        }
    }

    @Override
    public void swap(String group, int version) throws IOException {
        String to = IndexNames.index(group, version);
        synchronized (writeLock) {
            String from = serving.get(group);
            if (to.equals(from)) return;
            List<String> also = alsoWritten.get(group);
            if (also == null || !also.contains(to)) throw new IllegalStateException(to + " does not exist or is not being written");
            setup.swapAliases(group, from, to);
            serving.put(group, to);
            also.remove(to);
            also.add(from); // kept, and written, until dropped: rollback is one more swap
            changeLog.recordEverything(); // cached pages and timelines were built with the other version's analysis
        }
    }

    @Override
    public void drop(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        synchronized (writeLock) {
            if (index.equals(serving.get(group))) throw new IllegalStateException(index + " is serving and cannot be dropped");
            List<String> also = alsoWritten.get(group);
            if (also != null) also.remove(index);
            setup.call("DELETE", "/" + index + "?ignore_unavailable=true", null);
        }
    }

    @Override
    public void close() throws IOException {
        closeQuietly(client);
        if (capAnalyzers != null) capAnalyzers.close();
    }

    private static void closeQuietly(OpenSearchClient client) {
        try {
            client._transport().close();
        } catch (Exception ignored) {
            // closing a transport that failed to connect
        }
    }
}
