package dev.feedsearch.core.opensearch;

import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ACTIVE;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.AUTHOR;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.DELETED;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ID;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.REPLY_TO;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.TEXT;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.fromDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.index.HitTotal;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.PostRef;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.TotalHitsRelation;

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
public final class OpenSearchPostIndex implements PostIndex {
    private static final int MAX_INNER_HITS = 100; // OpenSearch's default index.max_inner_result_window

    private final OpenSearchClient client;
    private final OpenSearchConfig cfg;
    private final BulkWriter bulk;
    private final Queries queries;
    private final ChangeLog changeLog = new ChangeLog();
    private final ClusterSetup setup;
    private final Mappings mappings;
    private final GroupIndices groups;
    private final OpenSearchWriter writer;
    private final OpenSearchSessions sessions;
    private final OpenSearchRebuilds rebuilds;
    private final FollowGraph follows;

    /** Where writes that OpenSearch refuses for good go (a mapping conflict, say), with the reason. */
    @FunctionalInterface
    public interface RejectedWrites {
        void rejected(IndexChange change, String reason) throws IOException;

        RejectedWrites FAIL = (c, reason) -> {
            throw new IOException("OpenSearch rejected " + c.key() + "@" + c.version() + ": " + reason);
        };
    }

    private OpenSearchPostIndex(
            OpenSearchClient client,
            OpenSearchConfig cfg,
            Mappings mappings,
            RejectedWrites rejected,
            ClusterSetup setup)
            throws IOException {
        this.client = client;
        this.setup = setup;
        this.mappings = mappings;
        this.groups = new GroupIndices(setup.versionIndices());
        this.cfg = cfg;
        this.bulk = new BulkWriter(client, cfg);
        Refresh refresh = switch (cfg.refresh()) {
            case TRUE -> Refresh.True;
            case WAIT_FOR -> Refresh.WaitFor;
            case FALSE -> Refresh.False;
        };
        this.writer = new OpenSearchWriter(client, bulk, refresh, rejected, changeLog, groups);
        this.rebuilds = new OpenSearchRebuilds(client, writer, bulk, refresh, groups, setup, changeLog);
        this.queries = new Queries(mappings);
        this.follows = new FollowGraph(client, changeLog, cfg.refresh() != OpenSearchConfig.Refresh.FALSE);
        this.sessions = new OpenSearchSessions(client, Duration.ofMinutes(10), System::nanoTime);
    }

    /**
     * Connects, checks the cluster has every analysis plugin the mappings need (failing with their names if not),
     * and creates the templates, indices and aliases that are missing.
     */
    public static OpenSearchPostIndex open(OpenSearchConfig cfg, Mappings mappings, RejectedWrites rejected)
            throws IOException {
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

    /**
     * Publishes every change this process records to the cluster's {@link ChangeJournal}, so query replicas drop
     * what it made stale. Only the holder of the {@link WriterLease} may call this.
     */
    public void publishChanges() throws IOException {
        changeLog.listen(ChangeJournal.openForWriter(client));
    }

    /**
     * Follows the writer's {@link ChangeJournal} into this process's change tracking: a query replica, which never
     * writes. Each "everything" entry (a swap) also reloads which version index of each group serves.
     */
    public ChangeFollower followChanges(Duration poll, Duration maxLag) throws IOException {
        return ChangeFollower.start(client, changeLog, this::reloadGroups, poll, maxLag);
    }

    private void reloadGroups() {
        try {
            groups.reload(setup.versionIndices());
        } catch (IOException e) {
            throw new UncheckedIOException("reloading the group indices after a swap", e); // the follower retries
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

    @Override
    public ApplyResult apply(List<? extends IndexChange> changes) throws IOException {
        return writer.apply(changes);
    }

    @Override
    public void commit() throws IOException {
        writer.commit();
    }

    @Override
    public long purgeDeletions(Instant before) throws IOException {
        return writer.purgeDeletions(before);
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
                hits.add(new SearchHit(
                        post,
                        Float.NaN,
                        new SortKey(first.longValue(), post.post().id())));
            } else {
                float score = (float) first.doubleValue();
                hits.add(new SearchHit(
                        post, score, SortKey.ofScore(score, post.post().id())));
            }
        }
        return SearchPage.overfetched(hits, raw.size(), q.limit());
    }

    @Override
    public Map<String, Long> proseMatchBounds(String text) throws IOException {
        text = queries.matchedText(text);
        // one _mtermvectors call: the text as an artificial document of every group's serving index, analysed
        // by that index's own text analyzer, with each token's document frequency there
        Map<String, String> serving = groups.serving();
        List<String> names = new ArrayList<>(serving.keySet());
        if (names.isEmpty()) return Map.of();
        ObjectNode body = PostJson.MAPPER.createObjectNode();
        ArrayNode docs = body.putArray("docs");
        for (String g : names) {
            ObjectNode d = docs.addObject().put("_index", serving.get(g));
            d.putObject("doc").put(TEXT, text);
            d.putArray("fields").add(TEXT);
            d.put("term_statistics", true)
                    .put("field_statistics", false)
                    .put("positions", true)
                    .put("offsets", false)
                    .put("payloads", false);
        }
        JsonNode resp = setup.call("POST", "/_mtermvectors", body);
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            JsonNode terms =
                    resp.path("docs").path(i).path("term_vectors").path(TEXT).path("terms");
            if (!terms.isObject() || terms.isEmpty()) continue;
            Map<Integer, Long> byPosition = new HashMap<>(); // stacked tokens share a position: the largest counts
            for (Map.Entry<String, JsonNode> t : terms.properties()) {
                long df = t.getValue().path("doc_freq").asLong(0);
                for (JsonNode tok : t.getValue().path("tokens"))
                    byPosition.merge(tok.path("position").asInt(), df, Math::max);
            }
            // an artificial document is analysed on one shard and reads that shard's statistics: scaled by the
            // primaries every group index is created with, an estimate of the whole (exact with one shard)
            long bound = byPosition.values().stream()
                            .mapToLong(Long::longValue)
                            .min()
                            .orElse(0)
                    * cfg.shards();
            if (bound > 0) out.put(names.get(i), bound);
        }
        return out;
    }

    /**
     * The exact request {@link #search} sends for {@code q} (one extra hit tells whether a next page exists);
     * public so a benchmark can send the very same body to {@code _search} directly.
     */
    public SearchRequest searchRequest(SearchQuery asked) throws IOException {
        SearchQuery q = queries.capped(asked);
        Query query = engineQuery(q);
        List<SortOptions> sort = Queries.sort(q.sort());
        return SearchRequest.of(s -> {
            s.index(q.lang() == null ? List.of(IndexNames.READ_ALIAS) : groups.servingOf(mappings, List.of(q.lang())))
                    .query(query)
                    .sort(sort)
                    .size(q.fetchSize())
                    .trackTotalHits(t -> t.enabled(false))
                    // the same copies for every page of one query: replicas score with their own statistics
                    .preference(Integer.toHexString(Objects.hash(q.text(), q.viewer(), q.tags())));
            if (q.after() != null) s.searchAfter(Queries.searchAfter(q.sort(), q.after()));
            return s;
        });
    }

    @Override
    public HitTotal count(SearchQuery asked) throws IOException {
        SearchQuery q = queries.capped(asked);
        Query query = engineQuery(q);
        SearchResponse<ObjectNode> resp = client.search(
                s -> s.index(
                                q.lang() == null
                                        ? List.of(IndexNames.READ_ALIAS)
                                        : groups.servingOf(mappings, List.of(q.lang())))
                        .query(query)
                        .size(0)
                        .trackTotalHits(t -> t.count(HitTotal.LIMIT + 1)),
                ObjectNode.class);
        // one past the limit: OpenSearch says "gte" once it stops counting at the threshold, even at exactly the
        // threshold
        var total = resp.hits().total();
        return HitTotal.of(total.value(), total.relation() != TotalHitsRelation.Eq);
    }

    /** Every filter and the text of {@code q} (its text already capped), as one query for a page or a count. */
    private Query engineQuery(SearchQuery q) throws IOException {
        Query visible = visibilityOf(q.viewer());
        Query query = queries.search(q, visible);
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
        SearchResponse<PostRef> parents = client.search(
                s -> s.index(IndexNames.READ_ALIAS)
                        .query(Query.of(x -> x.bool(b -> b.filter(visible, Queries.term(AUTHOR, author)))))
                        .size(SearchQuery.MAX_REPLY_PARENTS)
                        .sort(Queries.sort(SortOrder.RECENT))
                        .source(src -> src.filter(f -> f.includes(ID)))
                        .trackTotalHits(t -> t.enabled(false)),
                PostRef.class);
        List<String> ids = new ArrayList<>();
        for (Hit<PostRef> h : parents.hits().hits()) ids.add(h.source().id());
        // terms with no values matches nothing, as it should: no parent the viewer may see, no replies
        return Queries.terms(REPLY_TO, ids);
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
        return follows.followees(viewer);
    }

    @Override
    public Set<String> followers(String user) throws IOException {
        return follows.followers(user);
    }

    @Override
    public Set<String> hiddenAuthors(String viewer) throws IOException {
        return follows.hiddenAuthors(viewer);
    }

    @Override
    public Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor)
            throws IOException {
        if (authors.isEmpty()) return Map.of();
        if (perAuthor > MAX_INNER_HITS)
            throw new IllegalArgumentException("at most " + MAX_INNER_HITS + " posts per author");
        List<SortOptions> recent = Queries.sort(SortOrder.RECENT);
        // field collapsing: one top hit per author, with that author's newest posts as inner hits
        SearchResponse<ObjectNode> resp = client.search(
                s -> s.index(IndexNames.READ_ALIAS)
                        .query(Queries.terms(AUTHOR, authors))
                        .size(authors.size())
                        .sort(recent)
                        .collapse(c -> c.field(AUTHOR)
                                .innerHits(
                                        ih -> ih.name("recent").size(perAuthor).sort(recent)))
                        .trackTotalHits(t -> t.enabled(false)),
                ObjectNode.class);
        Map<String, List<IndexedPost>> out = new HashMap<>();
        for (Hit<ObjectNode> h : resp.hits().hits()) {
            var inner = h.innerHits().get("recent");
            List<IndexedPost> posts = new ArrayList<>();
            for (Hit<JsonData> ih : inner.hits().hits()) {
                posts.add(fromDocument(
                        ih.source().to(ObjectNode.class, client._transport().jsonpMapper())));
            }
            if (!posts.isEmpty()) out.put(posts.getFirst().post().authorId(), posts);
        }
        return out;
    }

    @Override
    public List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException {
        if (langs.isEmpty() || limit <= 0) return List.of();
        Query q = Queries.popularPublic(langs, since.toEpochMilli());
        return posts(client.search(
                s -> s.index(groups.servingOf(mappings, langs))
                        .query(q)
                        .size(limit)
                        .sort(Queries.byEngagement())
                        .trackTotalHits(t -> t.enabled(false)),
                ObjectNode.class));
    }

    @Override
    public ChangeTracker changes() {
        return changeLog;
    }

    @Override
    public Optional<Rebuildable> rebuilds() {
        return Optional.of(rebuilds);
    }

    @Override
    public Optional<SessionStore> sessions() {
        return Optional.of(sessions);
    }

    @Override
    public void forEachPostVersion(PostVersionVisitor visitor) throws IOException {
        writer.forEachPostVersion(visitor);
    }

    @Override
    public void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException {
        writer.forEachFollowEdge(visitor);
    }

    @Override
    public IndexStats stats() throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS)); // keys are written without a refresh
        long posts = client.count(c -> c.index(IndexNames.READ_ALIAS)).count();
        long tombs = client.count(c -> c.index(IndexNames.KEYS).query(Queries.term(DELETED, true)))
                .count();
        long follows = client.count(c -> c.index(IndexNames.FOLLOWS).query(Queries.term(ACTIVE, true)))
                .count();
        return new IndexStats(posts, tombs, follows);
    }

    @Override
    public void close() throws IOException {
        closeQuietly(client);
        queries.close();
    }

    private static void closeQuietly(OpenSearchClient client) {
        try {
            client._transport().close();
        } catch (Exception ignored) {
            // closing a transport that failed to connect
        }
    }
}
