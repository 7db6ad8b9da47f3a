package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.GROUP;
import static dev.feedsearch.core.embedded.EmbeddedDocuments.ID;
import static dev.feedsearch.core.embedded.EmbeddedDocuments.KEY;
import static dev.feedsearch.core.embedded.EmbeddedDocuments.KIND;
import static dev.feedsearch.core.embedded.EmbeddedDocuments.POST;
import static dev.feedsearch.core.embedded.EmbeddedDocuments.VERSION;

import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.reindex.Rebuildable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * Blue/green rebuilds on the embedded engine. The index keeps one document per post; a group's new version is a
 * new set of text fields in those same documents ({@link GroupVersions}), so a dual write is one document carrying
 * every live version's fields, and copying a post is re-writing its document from its stored source with the same
 * version. Which versions a document carries is marked ({@link GroupVersions#MARKER}) for versions ≥ 2; version 1
 * is carried by every post of its group (documents written before versions existed have no marker). Every step
 * that writes holds the index's write lock, so no apply interleaves with a copy, a swap or a verification.
 *
 * <p>Every step runs on this class's own thread, never on the caller's: the job's thread is interrupted when the
 * job is paused or shut down, and an interrupt that lands while Lucene writes or syncs closes its file channels,
 * which the IndexWriter treats as a tragedy and closes itself. A caller interrupted while it waits still gets the
 * step's result (a step is short: one batch), with its interrupt status set again.
 */
final class EmbeddedRebuilds implements Rebuildable {
    private static final Sort BY_ID = new Sort(new SortField(ID, SortField.Type.STRING));

    private final IndexWriter writer; // null: read-only
    private final SearcherManager searchers;
    private final Object writeLock;
    private final GroupVersions versions;
    private final Function<PostChange, Document> postDocument;
    private final ChangeLog changeLog;
    private final Applier applier;

    /** The index's own apply: changes a source read shows the index has not applied yet. */
    interface Applier {
        void apply(List<PostChange> changes) throws IOException;
    }

    private volatile Thread ioThread;
    private final ThreadPoolExecutor io =
            new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "embedded-rebuild");
                t.setDaemon(true);
                ioThread = t;
                return t;
            });

    EmbeddedRebuilds(
            IndexWriter writer,
            SearcherManager searchers,
            Object writeLock,
            GroupVersions versions,
            Function<PostChange, Document> postDocument,
            ChangeLog changeLog,
            Applier applier) {
        this.writer = writer;
        this.searchers = searchers;
        this.writeLock = writeLock;
        this.versions = versions;
        this.postDocument = postDocument;
        this.changeLog = changeLog;
        this.applier = applier;
        io.allowCoreThreadTimeOut(true); // no thread while no rebuild runs, nothing to shut down
    }

    /** Runs {@code step} on the rebuild thread (directly when already on it) and waits for it, uninterruptibly. */
    private <T> T onOwnThread(IoSupplier<T> step) throws IOException {
        if (Thread.currentThread() == ioThread) return step.get();
        Future<T> f = io.submit(step::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case IOException x -> throw x;
                        case RuntimeException x -> throw x;
                        case Error x -> throw x;
                        default -> throw new IOException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void requireWritable() {
        if (writer == null) throw new IllegalStateException("this index was opened read-only");
    }

    @Override
    public int servingVersion(String group) {
        return versions.serving(group);
    }

    @Override
    public void beginBuild(String group, int version) throws IOException {
        requireWritable();
        onOwnThread(() -> {
            synchronized (writeLock) { // every apply after this one writes the new version's fields too
                versions.beginBuild(group, version);
            }
            return null;
        });
    }

    @Override
    public Copied copyBatch(String group, int version, String afterId, int max, Redetect redetect) throws IOException {
        requireWritable();
        if (max < 1) throw new IllegalArgumentException("max must be >= 1");
        return onOwnThread(() -> copy(group, version, afterId, max, redetect));
    }

    private Copied copy(String group, int version, String afterId, int max, Redetect redetect) throws IOException {
        if (!versions.isLive(group, version)) {
            throw new IllegalStateException("version " + version + " of group " + group + " is not being built");
        }
        // read and detect outside the write lock (detection is most of a copy's time, and applies wait for the
        // lock); under it, each post is written only if the registry still holds the version read, since a newer
        // apply meanwhile already wrote every version's fields
        List<IndexedPost> read = new ArrayList<>(max);
        searchers.maybeRefreshBlocking(); // every apply so far, published or not
        IndexSearcher s = searchers.acquire();
        try {
            Query q = new BooleanQuery.Builder()
                    .add(posts(group), Occur.FILTER)
                    .add(TermRangeQuery.newStringRange(ID, afterId, null, false, true), Occur.FILTER)
                    .build();
            ScoreDoc[] docs = s.search(q, max, BY_ID).scoreDocs;
            StoredFields stored = s.storedFields();
            for (ScoreDoc sd : docs) read.add(EmbeddedDocuments.readPost(stored, sd.doc));
        } finally {
            searchers.release(s);
        }
        if (read.isEmpty()) return new Copied(0, 0, null);
        PostChange[] now = new PostChange[read.size()];
        IntStream.range(0, now.length)
                .parallel()
                .forEach(i -> now[i] = redetect.checked(read.get(i).post()));

        synchronized (writeLock) {
            if (!versions.isLive(group, version)) {
                throw new IllegalStateException("version " + version + " of group " + group + " is not being built");
            }
            searchers.maybeRefreshBlocking();
            IndexSearcher current = searchers.acquire();
            int regrouped = 0;
            List<String> changed = new ArrayList<>(), authors = new ArrayList<>();
            try {
                VersionLookup registry = new VersionLookup(current);
                for (int i = 0; i < now.length; i++) {
                    PostChange c = now[i];
                    if (registry.get(c.scopedKey()) != c.order()) continue; // edited or deleted meanwhile
                    // one document per post: re-writing it with another group moves it between groups atomically,
                    // and the document is also this engine's version registry
                    writer.updateDocument(new Term(KEY, IndexChange.postKey(c.id())), postDocument.apply(c));
                    if (!c.group().equals(group)) regrouped++;
                    if (!c.group().equals(group)
                            || !Objects.equals(c.lang(), read.get(i).lang())) { // what caches hold of it changed
                        changed.add(c.id());
                        authors.add(c.post().authorId());
                    }
                }
            } finally {
                searchers.release(current);
            }
            // durable before the job records its position past these posts, so a resumed job skips nothing
            writer.commit();
            if (!changed.isEmpty()) {
                searchers.maybeRefreshBlocking(); // visible before it is recorded: a cache load in between would look
                // fresh
                changeLog.record(changed, authors, List.of()); // cached pages holding them drop
            }
            return new Copied(read.size(), regrouped, read.getLast().post().id());
        }
    }

    @Override
    public Copied place(Set<String> groups, List<PostChange> posts) throws IOException {
        requireWritable();
        return onOwnThread(() -> placeNow(groups, posts));
    }

    private Copied placeNow(Set<String> groups, List<PostChange> posts) throws IOException {
        synchronized (writeLock) {
            searchers.maybeRefreshBlocking(); // every apply so far, published or not
            List<PostChange> behind = new ArrayList<>();
            List<String> moved = new ArrayList<>(), authors = new ArrayList<>();
            int placed = 0;
            IndexSearcher s = searchers.acquire();
            try {
                VersionLookup registry = new VersionLookup(s);
                for (PostChange p : posts) {
                    long stored = registry.get(IndexChange.postKey(p.id()));
                    String current = stored >= 0 ? registry.groupOfLastHit() : null;
                    if (!(p.group() != null && groups.contains(p.group()))
                            && !(current != null && groups.contains(current))) continue;
                    placed++;
                    long order = p.order();
                    if (stored < order) behind.add(p); // the index has not seen this change yet
                    else if (stored == order && current != null) {
                        // re-written: the building versions' fields, and the group its detection names now
                        writer.updateDocument(new Term(KEY, IndexChange.postKey(p.id())), postDocument.apply(p));
                        if (!current.equals(p.group())) {
                            moved.add(p.id());
                            authors.add(p.post().authorId());
                        }
                    }
                    // older: the newer version reached the building versions when it was applied
                }
            } finally {
                searchers.release(s);
            }
            if (!behind.isEmpty()) applier.apply(behind);
            writer.commit(); // durable before the job records its position past these posts
            searchers.maybeRefreshBlocking();
            if (!moved.isEmpty()) changeLog.record(moved, authors, List.of());
            return new Copied(placed, moved.size(), null);
        }
    }

    /** The live posts of a group. */
    private static Query posts(String group) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                .add(new TermQuery(new Term(GROUP, group)), Occur.FILTER)
                .build();
    }

    /** The live posts of a group that carry {@code version}'s fields. */
    private static Query postsOf(String group, int version) {
        if (version == 1) return posts(group);
        return new BooleanQuery.Builder()
                .add(posts(group), Occur.FILTER)
                .add(new TermQuery(new Term(GroupVersions.MARKER, GroupVersions.marker(group, version))), Occur.FILTER)
                .build();
    }

    @Override
    public long count(String group, int version) throws IOException {
        return onOwnThread(() -> {
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                return (long) s.count(postsOf(group, version));
            } finally {
                searchers.release(s);
            }
        });
    }

    @Override
    public Digest digest(String group, int version) throws IOException {
        return onOwnThread(() -> digestOf(postsOf(group, version)));
    }

    /** On this engine the version store is the post documents themselves: the live posts of the group. */
    @Override
    public Digest registryDigest(String group) throws IOException {
        return onOwnThread(() -> digestOf(posts(group)));
    }

    private Digest digestOf(Query q) throws IOException {
        searchers.maybeRefreshBlocking();
        IndexSearcher s = searchers.acquire();
        try {
            Digest.Builder d = new Digest.Builder();
            Weight w = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Scorer scorer = w.scorer(leaf);
                if (scorer == null) continue;
                Bits live = leaf.reader().getLiveDocs();
                SortedDocValues ids = leaf.reader().getSortedDocValues(ID);
                NumericDocValues orders = leaf.reader().getNumericDocValues(VERSION);
                DocIdSetIterator it = scorer.iterator();
                for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    if (ids == null || !ids.advanceExact(doc) || orders == null || !orders.advanceExact(doc)) {
                        throw new IOException(
                                "post document " + doc + " of segment " + leaf.ord + " has no id or version");
                    }
                    d.add(ids.lookupOrd(ids.ordValue()).utf8ToString(), orders.longValue() >>> 1);
                }
            }
            return d.build();
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public <T> T whileWritesPaused(IoSupplier<T> action) throws IOException {
        return onOwnThread(
                () -> { // the steps the action calls then run directly, under this same lock
                    synchronized (writeLock) {
                        return action.get();
                    }
                });
    }

    @Override
    public void swap(String group, int version) throws IOException {
        requireWritable();
        onOwnThread(() -> {
            synchronized (writeLock) {
                versions.swap(
                        group,
                        version); // searches build their text clauses from the serving versions: one volatile switch
                searchers.maybeRefreshBlocking();
                changeLog.recordEverything(); // cached pages and timelines were built with the other version's analysis
            }
            return null;
        });
    }

    @Override
    public void drop(String group, int version) throws IOException {
        requireWritable();
        onOwnThread(() -> {
            synchronized (writeLock) {
                versions.drop(group, version);
            }
            return null;
        });
    }
}
