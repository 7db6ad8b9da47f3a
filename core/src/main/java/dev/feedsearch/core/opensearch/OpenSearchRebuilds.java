package dev.feedsearch.core.opensearch;

import static dev.feedsearch.core.opensearch.OpenSearchDocuments.ID;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.fromDocument;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.toDocument;
import static dev.feedsearch.core.opensearch.OpenSearchWriter.requireWritten;
import static dev.feedsearch.core.opensearch.OpenSearchWriter.sameVersionDelete;
import static dev.feedsearch.core.opensearch.OpenSearchWriter.sameVersionIndex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.KeysDoc;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.PostRef;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The OpenSearch engine's blue/green rebuilds of a language group. A version is an index of its own
 * ({@code posts-<group>-v<n>}); the group's aliases name the serving one, and {@link GroupIndices} lists the
 * versions the writer fans every write of the group out to. Every step that writes holds the writer's lock, and
 * checks each post against the keys registry, which an apply may have moved on meanwhile.
 */
final class OpenSearchRebuilds implements Rebuildable {
    private final OpenSearchClient client;
    private final OpenSearchWriter writer;
    private final BulkWriter bulk;
    private final Refresh refresh;
    private final GroupIndices groups;
    private final ClusterSetup setup;
    private final ChangeLog changeLog;

    OpenSearchRebuilds(
            OpenSearchClient client,
            OpenSearchWriter writer,
            BulkWriter bulk,
            Refresh refresh,
            GroupIndices groups,
            ClusterSetup setup,
            ChangeLog changeLog) {
        this.client = client;
        this.writer = writer;
        this.bulk = bulk;
        this.refresh = refresh;
        this.groups = groups;
        this.setup = setup;
        this.changeLog = changeLog;
    }

    @Override
    public int servingVersion(String group) {
        String index = groups.serving(group);
        if (index == null) throw new IllegalArgumentException("no serving index for group '" + group + "'");
        return IndexNames.versionOf(group, index);
    }

    @Override
    public void beginBuild(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        synchronized (writer.lock()) {
            if (index.equals(groups.serving(group))) throw new IllegalStateException(index + " is serving");
            setup.createVersion(index); // shaped by the group's template: the current mappings
            groups.beginWriting(group, index);
        }
    }

    @Override
    public Copied copyBatch(String group, int version, String afterId, int max, Redetect redetect) throws IOException {
        String target = IndexNames.index(group, version);
        String from = groups.serving(group);
        // read and detect outside the write lock: detection is most of a copy's time, and applies wait for the lock.
        // Under it, each copy is checked against the keys registry (one realtime mget): a post edited, moved or
        // deleted meanwhile is left alone, since that write reached the new version itself. External versions
        // alone would not do: a delete's tombstone in the target lasts only index.gc_deletes (60 s), and the wait
        // for the lock has no bound (another job's verification holds it for minutes)
        List<Hit<ObjectNode>> hits = Scan.of(client, from, null, List.of(ID), ObjectNode.class)
                .pageSize(max)
                .page(afterId == null ? null : List.of(FieldValue.of(afterId)));
        if (hits.isEmpty()) return new Copied(0, 0, null);
        PostChange[] now = new PostChange[hits.size()];
        IntStream.range(0, now.length)
                .parallel()
                .forEach(i -> now[i] =
                        redetect.checked(fromDocument(hits.get(i).source()).post()));
        synchronized (writer.lock()) {
            Map<String, KeysDoc> registry =
                    writer.keyStates(Arrays.stream(now).map(PostChange::id).toList());
            List<BulkOperation> ops = new ArrayList<>(hits.size());
            List<PostChange> moves = new ArrayList<>();
            for (PostChange c : now) {
                KeysDoc st = registry.get(c.id());
                if (st == null || st.deleted() || st.order() != c.order()) continue; // edited or deleted meanwhile
                // the registry names this group, or the group the post is moving to (a move cut short, finished here)
                if (!group.equals(st.group()) && !c.group().equals(st.group())) continue;
                if (c.group().equals(group)) ops.add(OpenSearchWriter.index(target, c.id(), c.order(), toDocument(c)));
                else moves.add(c);
            }
            requireWritten(ops, bulk.write(ops, Refresh.False));
            int moved = regroup(moves.stream().map(c -> new Move(group, c)).toList(), registry);
            return new Copied(hits.size(), moved, now[now.length - 1].id());
        }
    }

    @Override
    public Copied place(Set<String> groupNames, List<PostChange> posts) throws IOException {
        synchronized (writer.lock()) {
            Map<String, KeysDoc> registry =
                    writer.keyStates(posts.stream().map(PostChange::id).toList());
            List<BulkOperation> ops = new ArrayList<>();
            List<Move> moves = new ArrayList<>();
            List<PostChange> behind = new ArrayList<>();
            int placed = 0;
            for (PostChange p : posts) {
                KeysDoc st = registry.get(p.id());
                String current = st == null || st.deleted() ? null : st.group();
                if (!(p.group() != null && groupNames.contains(p.group()))
                        && !(current != null && groupNames.contains(current))) continue;
                placed++;
                long order = p.order();
                if (st == null || st.order() < order) behind.add(p); // the index has not seen this change yet
                else if (st.order() == order && current != null) {
                    if (!current.equals(p.group())) moves.add(new Move(current, p));
                    else
                        for (String also : groups.alsoWritten(current))
                            ops.add(OpenSearchWriter.index(also, p.id(), order, toDocument(p)));
                }
                // a newer version in the index reached the versions being built through the dual writes
            }
            requireWritten(ops, bulk.write(ops, Refresh.False));
            int moved = regroup(moves, registry);
            if (!behind.isEmpty()) {
                writer.apply(behind);
                writer.commit(); // their registry entries durable before the job records its position past them
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
    private int regroup(List<Move> moves, Map<String, KeysDoc> registry) throws IOException {
        if (moves.isEmpty()) return 0;
        List<Step> steps = new ArrayList<>();
        for (Move m : moves) {
            PostChange c = m.post();
            KeysDoc st = registry.get(c.id());
            long order = c.order();
            if (st == null || st.deleted() || st.order() != order) continue;
            boolean started = c.group().equals(st.group()); // steps (1) and (2) done before a crash
            if (!started && !m.from().equals(st.group())) continue;
            ObjectNode doc = toDocument(c);
            List<BulkOperation> adds = new ArrayList<>(), removes = new ArrayList<>();
            // external_gte: over a copy or an undo tombstone of this same version; a newer version would refuse
            adds.add(sameVersionIndex(IndexNames.writeAlias(c.group()), c.id(), order, doc));
            for (String also : groups.alsoWritten(c.group())) adds.add(sameVersionIndex(also, c.id(), order, doc));
            BulkOperation key = started
                    ? null
                    : sameVersionIndex(
                            IndexNames.KEYS,
                            c.id(),
                            order,
                            KeysDoc.of(c.id(), order, c.group(), c.post().authorId(), false));
            removes.add(sameVersionDelete(IndexNames.writeAlias(m.from()), c.id(), order));
            for (String also : groups.alsoWritten(m.from())) removes.add(sameVersionDelete(also, c.id(), order));
            steps.add(new Step(c, adds, key, removes));
        }
        if (steps.isEmpty()) return 0;
        List<BulkOperation> adds =
                steps.stream().flatMap(st -> st.adds().stream()).toList();
        requireWritten(adds, bulk.write(adds, Refresh.False));

        // (2) a refused registry entry takes its post's new copies back (the registry still names the old group);
        // a request that fails as a whole leaves both copies, which the next job sorts out either way
        List<BulkOperation> keyOps =
                steps.stream().map(Step::key).filter(Objects::nonNull).toList();
        List<BulkWriter.Result> keyResults = bulk.write(keyOps, Refresh.False);
        Set<BulkOperation> refused = new HashSet<>();
        String reason = null;
        for (int i = 0; i < keyOps.size(); i++) {
            if (keyResults.get(i).outcome() != BulkWriter.Outcome.REJECTED) continue;
            refused.add(keyOps.get(i));
            reason = "writing " + IndexNames.KEYS + "/" + keyOps.get(i).index().id() + " failed: "
                    + keyResults.get(i).reason();
        }
        if (!keyOps.isEmpty()) writer.commit(); // the registry durable before the old copies go

        List<BulkOperation> removes = new ArrayList<>(), undo = new ArrayList<>();
        List<String> ids = new ArrayList<>(), authors = new ArrayList<>();
        for (Step st : steps) {
            if (refused.contains(st.key())) {
                for (BulkOperation op : st.adds())
                    undo.add(sameVersionDelete(
                            op.index().index(), op.index().id(), op.index().version()));
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
            List<String> touched =
                    adds.stream().map(op -> op.index().index()).distinct().toList();
            bulk.retrying(
                    "refresh of the moved posts' groups", () -> client.indices().refresh(r -> r.index(touched)));
        }
        if (!ids.isEmpty()) changeLog.record(ids, authors, List.of()); // cached pages holding them drop
        if (reason != null) throw new IOException(reason);
        return ids.size();
    }

    /** One move's writes: (1) the new group's copies, (2) the registry entry (null: already there), (3) the old group's deletes. */
    private record Step(PostChange post, List<BulkOperation> adds, BulkOperation key, List<BulkOperation> removes) {}

    @Override
    public long count(String group, int version) throws IOException {
        return client.count(c -> c.index(IndexNames.index(group, version))).count();
    }

    @Override
    public Digest digest(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        client.indices().refresh(r -> r.index(index));
        Digest.Builder d = new Digest.Builder();
        Scan.of(client, index, null, List.of(ID), PostRef.class)
                .forEach(h -> d.add(h.source().id(), h.source().version()));
        return d.build();
    }

    @Override
    public Digest registryDigest(String group) throws IOException {
        client.indices().refresh(r -> r.index(IndexNames.KEYS));
        Digest.Builder d = new Digest.Builder();
        Scan.of(client, IndexNames.KEYS, Queries.liveIn(group), List.of(ID), KeysDoc.class)
                .forEach(h -> d.add(h.source().id(), h.source().order() >>> 1));
        return d.build();
    }

    @Override
    public <T> T whileWritesPaused(IoSupplier<T> action) throws IOException {
        synchronized (writer.lock()) {
            return action.get();
        }
    }

    @Override
    public void swap(String group, int version) throws IOException {
        String to = IndexNames.index(group, version);
        synchronized (writer.lock()) {
            String from = groups.serving(group);
            if (to.equals(from)) return;
            if (!groups.isAlsoWritten(group, to))
                throw new IllegalStateException(to + " does not exist or is not being written");
            setup.swapAliases(group, from, to);
            groups.swap(
                    group, to); // the previous version is kept, and written, until dropped: rollback is one more swap
            changeLog.recordEverything(); // cached pages and timelines were built with the other version's analysis
        }
    }

    @Override
    public void drop(String group, int version) throws IOException {
        String index = IndexNames.index(group, version);
        synchronized (writer.lock()) {
            if (index.equals(groups.serving(group)))
                throw new IllegalStateException(index + " is serving and cannot be dropped");
            groups.stopWriting(group, index);
            setup.call("DELETE", "/" + index + "?ignore_unavailable=true", null);
        }
    }
}
