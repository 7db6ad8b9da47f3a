package dev.feedsearch.core.opensearch;

import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ACTIVE;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.DELETED;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.EDGE_IDENTITY;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ID;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.toDocument;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.NewestPerKey;
import dev.feedsearch.core.index.PostWriter.FollowEdgeVisitor;
import dev.feedsearch.core.index.PostWriter.PostVersionVisitor;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.FollowDoc;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.KeysDoc;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex.RejectedWrites;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The write path: each batch planned as one bulk of group-index and follow writes, then one bulk of keys entries
 * for the post writes that landed (see {@link OpenSearchPostIndex} for why in that order); the visitors that
 * reconciliation reads the stored versions with; and the purge of what deletes left behind. Everything that writes holds {@link #lock()}: one writer per cluster, and rebuilds take
 * the same lock.
 */
final class OpenSearchWriter {
    private final OpenSearchClient client;
    private final BulkWriter bulk;
    private final Refresh refresh;
    private final RejectedWrites rejected;
    private final ChangeLog changeLog;
    private final GroupIndices groups;
    private final Object lock = new Object();

    OpenSearchWriter(
            OpenSearchClient client,
            BulkWriter bulk,
            Refresh refresh,
            RejectedWrites rejected,
            ChangeLog changeLog,
            GroupIndices groups) {
        this.client = client;
        this.bulk = bulk;
        this.refresh = refresh;
        this.rejected = rejected;
        this.changeLog = changeLog;
        this.groups = groups;
    }

    /** Held by every write: applies, purge pages and the rebuild steps. */
    Object lock() {
        return lock;
    }

    /** One write of a batch and the change it came from; the keys entry is written only if the group write landed. */
    private record Pending(IndexChange change, BulkOperation op, KeysDoc keysDoc) {}

    ApplyResult apply(List<? extends IndexChange> changes) throws IOException {
        if (changes.isEmpty()) return ApplyResult.EMPTY;
        NewestPerKey newest = NewestPerKey.of(changes);
        int stale = newest.stale();
        synchronized (lock) {
            List<String> postIds = newest.changes().stream()
                    .filter(c -> c instanceof PostChange)
                    .map(IndexChange::key)
                    .toList();
            Map<String, KeysDoc> stored = keyStates(postIds);
            List<Pending> pending = new ArrayList<>();
            List<BulkOperation> ops = new ArrayList<>();
            for (IndexChange c : newest.changes()) {
                long order = c.order();
                switch (c) {
                    case PostChange pc -> {
                        KeysDoc st = stored.get(pc.id());
                        if (st != null && order <= st.order()) {
                            stale++;
                            continue;
                        }
                        String oldGroup = st == null || st.deleted() ? null : st.group();
                        String group = pc.deleted() ? (st == null ? null : st.group()) : pc.group();
                        String author = pc.deleted()
                                ? (st == null ? null : st.authorId())
                                : pc.post().authorId();
                        KeysDoc keysDoc = KeysDoc.of(pc.id(), order, group, author, pc.deleted());
                        BulkOperation main;
                        if (pc.deleted()) {
                            main = oldGroup == null ? null : delete(IndexNames.writeAlias(oldGroup), pc.id(), order);
                            if (oldGroup != null) secondaryDeletes(c, oldGroup, order, ops, pending);
                        } else {
                            ObjectNode doc = toDocument(pc);
                            main = index(IndexNames.writeAlias(group), pc.id(), order, doc);
                            // versions being built or kept for rollback get every write of their group too
                            for (String also : groups.alsoWritten(group)) {
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
                        ops.add(index(IndexNames.FOLLOWS, fc.key(), order, FollowDoc.of(fc.edge())));
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
                BulkWriter.Result r =
                        p.op() == null ? new BulkWriter.Result(BulkWriter.Outcome.DONE, null) : results.get(p.op());
                if (r.outcome() == BulkWriter.Outcome.REJECTED) {
                    if (failed.add(p.change())) rejected.rejected(p.change(), r.reason());
                    continue;
                }
                if (p.keysDoc() == null) { // a follow edge, or the delete from a post's old group
                    if (p.change() instanceof FollowChange fc) {
                        if (r.outcome() == BulkWriter.Outcome.CONFLICT) stale++;
                        else {
                            if (fc.edge().deleted()) deleted++;
                            else upserted++;
                            viewers.add(fc.edge().followerId());
                            if (fc.edge().relation() == FollowEdge.Relation.BLOCK)
                                viewers.add(fc.edge().followeeId());
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
                if (pc.deleted()) deleted++;
                else upserted++;
                posts.add(pc.id());
                if (p.keysDoc().authorId() != null) authors.add(p.keysDoc().authorId());
            }
            // the keys are read with a real-time mget, never searched on the write path: no refresh to wait for
            List<BulkWriter.Result> keyResults = bulk.write(keyOps, Refresh.False);
            for (int i = 0; i < keyOps.size(); i++) {
                if (keyResults.get(i).outcome() == BulkWriter.Outcome.REJECTED) {
                    throw new IOException(
                            "the keys index refused " + keyOps.get(i).index().id() + ": "
                                    + keyResults.get(i).reason());
                }
            }
            if (upserted + deleted > 0) changeLog.record(posts, authors, viewers);
            return new ApplyResult(upserted, deleted, stale);
        }
    }

    private void secondaryDeletes(
            IndexChange c, String group, long order, List<BulkOperation> ops, List<Pending> pending) {
        for (String also : groups.alsoWritten(group)) {
            ops.add(delete(also, c.key(), order));
            pending.add(new Pending(c, ops.getLast(), null));
        }
    }

    /** The keys entries of {@code ids} that exist, read in real time (they are written without a refresh). */
    Map<String, KeysDoc> keyStates(List<String> ids) throws IOException {
        Map<String, KeysDoc> out = new HashMap<>();
        if (ids.isEmpty()) return out;
        var resp = bulk.retrying(
                "version lookup",
                () -> client.mget(m -> m.index(IndexNames.KEYS).ids(ids).realtime(true), KeysDoc.class));
        for (MultiGetResponseItem<KeysDoc> item : resp.docs()) {
            if (item.isFailure())
                throw new IOException(
                        "reading versions failed: " + item.failure().error().reason());
            var r = item.result();
            if (r.found()) out.put(r.id(), r.source());
        }
        return out;
    }

    void commit() throws IOException {
        // group indices and follows: every acknowledged bulk is already durable (translog durability=request);
        // the keys index syncs its translog asynchronously, so it is flushed here, before a checkpoint moves
        bulk.retrying("flush of the keys index", () -> client.indices().flush(f -> f.index(IndexNames.KEYS)));
    }

    void forEachPostVersion(PostVersionVisitor visitor) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS)); // keys are written without a refresh
        Scan.of(client, IndexNames.KEYS, null, List.of(ID), KeysDoc.class).forEach(h -> {
            long order = h.source().order();
            visitor.visit(h.source().id(), order >>> 1, (order & 1) == 1);
        });
    }

    void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.FOLLOWS)); // edges are written without a refresh
        Scan.of(client, IndexNames.FOLLOWS, null, EDGE_IDENTITY, FollowDoc.class)
                .withVersions()
                .forEach(h -> {
                    FollowDoc e = h.source();
                    FollowEdge.Relation relation =
                            FollowEdge.Relation.parse(e.relation() == null ? "follow" : e.relation());
                    if (relation == null || h.version() == null) return;
                    long order = h.version(); // the external version: version << 1 | removal
                    visitor.visit(
                            new FollowEdge(e.follower(), e.followee(), null, order >>> 1, (order & 1) == 1, relation));
                });
    }

    /**
     * Removes the keys registry's tombstones and the undone follow edges recorded before {@code before}, page by
     * page, each page under the write lock (no apply reads the registry between its search and its deletes).
     * Each is deleted at its own external version ({@code external_gte}), not by {@code _delete_by_query}: that
     * one deletes with internal versions, and its delete marker (kept for {@code index.gc_deletes}) would refuse
     * the post's or edge's next external version.
     */
    long purgeDeletions(Instant before) throws IOException {
        long purged = 0;
        for (var target : List.of(
                Map.entry(IndexNames.KEYS, Queries.term(DELETED, true)),
                Map.entry(IndexNames.FOLLOWS, Queries.term(ACTIVE, false)))) {
            String index = target.getKey();
            Query q = Queries.removedBefore(target.getValue(), before.toEpochMilli());
            while (true) {
                long done;
                synchronized (lock) { // per page: applies wait for one page at most, never for the whole purge
                    client.indices()
                            .refresh(r -> r.index(index)); // written without a refresh; and the last page's deletes
                    List<Hit<ObjectNode>> hits = client.search(
                                    s -> s.index(index)
                                            .query(q)
                                            .size(Scan.PAGE)
                                            .version(true)
                                            .source(src -> src.fetch(false))
                                            .trackTotalHits(t -> t.enabled(false)),
                                    ObjectNode.class)
                            .hits()
                            .hits();
                    if (hits.isEmpty()) break;
                    List<BulkOperation> ops = hits.stream()
                            .map(h -> sameVersionDelete(index, h.id(), h.version()))
                            .toList();
                    List<BulkWriter.Result> rs = bulk.write(ops, Refresh.False);
                    requireWritten(ops, rs);
                    done = rs.stream()
                            .filter(r -> r.outcome() == BulkWriter.Outcome.DONE)
                            .count();
                }
                purged += done;
                if (done == 0) break; // every one re-written meanwhile (not by this process): nothing left to purge now
            }
        }
        return purged;
    }

    // ---------------------------------------------------------------- bulk operations

    /** A write at an external version: refused (a conflict) unless newer than the stored one. */
    static BulkOperation index(String index, String id, long order, Object doc) {
        return BulkOperation.of(b -> b.index(i -> i.index(index)
                .id(id)
                .version(order)
                .versionType(VersionType.External)
                .document(doc)));
    }

    static BulkOperation delete(String index, String id, long order) {
        return BulkOperation.of(
                b -> b.delete(d -> d.index(index).id(id).version(order).versionType(VersionType.External)));
    }

    /** The same at the same version or newer ({@code external_gte}): redoing a step of a move, or a purge, is harmless. */
    static BulkOperation sameVersionIndex(String index, String id, long order, Object doc) {
        return BulkOperation.of(b -> b.index(i -> i.index(index)
                .id(id)
                .version(order)
                .versionType(VersionType.ExternalGte)
                .document(doc)));
    }

    static BulkOperation sameVersionDelete(String index, String id, long order) {
        return BulkOperation.of(
                b -> b.delete(d -> d.index(index).id(id).version(order).versionType(VersionType.ExternalGte)));
    }

    /** A conflict is a write already there (the same or a newer version); a rejection stops the step. */
    static void requireWritten(List<BulkOperation> ops, List<BulkWriter.Result> results) throws IOException {
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).outcome() == BulkWriter.Outcome.REJECTED) {
                BulkOperation op = ops.get(i);
                String where = op.isIndex()
                        ? op.index().index() + "/" + op.index().id()
                        : op.delete().index() + "/" + op.delete().id();
                throw new IOException(
                        "writing " + where + " failed: " + results.get(i).reason());
            }
        }
    }
}
