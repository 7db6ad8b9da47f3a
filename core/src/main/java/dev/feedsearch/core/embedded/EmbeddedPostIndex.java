package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.index.HitTotal;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.NewestPerKey;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.reindex.Rebuildable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * The embedded engine: one Lucene index on local disk holding posts, tombstones of deleted posts and
 * follow edges. Every record has exactly one document under its {@code key}; a change replaces it only
 * when its version is newer. Applies are serialised: each compares versions on the reader the previous one
 * refreshed, analyses and writes its documents (on several threads if configured: the keys of one apply are
 * distinct, so per-key order holds), then refreshes the near-real-time reader searches run on, and only then
 * publishes its generation to the change log.
 */
public final class EmbeddedPostIndex implements PostIndex {

    static {
        // a query is matched in every group's fields of this one index: up to QueryTextCap.MAX_POSITIONS positions,
        // each up to a few stacked terms, in ~30 fields passes Lucene's default of 1,024 clauses (the cap bounds it)
        if (IndexSearcher.getMaxClauseCount() < 8_192) IndexSearcher.setMaxClauseCount(8_192);
    }

    private final Directory dir;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReusedStoredFields storedFields = new ReusedStoredFields();
    private final Object writeLock = new Object();
    private final ChangeLog changeLog = new ChangeLog();
    private final GroupVersions versions; // which version(s) of each group's text fields are written and searched
    private final EmbeddedDocuments documents;
    private final EmbeddedQueries queries;
    private final EmbeddedWriter writes;
    private final EmbeddedRebuilds rebuilds;

    private EmbeddedPostIndex(Directory dir, IndexWriter writer, GroupVersions versions, int writerThreads)
            throws IOException {
        this.dir = dir;
        this.writer = writer;
        this.versions = versions;
        try {
            versions.load(); // after the IndexWriter took Lucene's write lock: this process owns the versions file too
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(writer, dir, versions);
            throw e;
        }
        this.documents = new EmbeddedDocuments(versions);
        this.queries = new EmbeddedQueries(versions);
        this.writes = new EmbeddedWriter(writer, documents, writerThreads);
        this.searchers = writer != null
                ? new SearcherManager(writer, null)
                : new SearcherManager(DirectoryReader.open(dir), null);
        this.rebuilds = new EmbeddedRebuilds(
                writer,
                searchers,
                writeLock,
                versions,
                c -> documents.toDocument(c.scopedKey(), c, c.post().authorId()),
                changeLog,
                this::apply);
    }

    /**
     * Opens the last commit of an index read-only, without the write lock, so operators can inspect or
     * reconcile an index that a running process owns. {@link #apply} and {@link #commit} then refuse.
     */
    public static EmbeddedPostIndex openReadOnly(Path path, GroupAnalyzers analyzers) throws IOException {
        if (!Files.isDirectory(path)) throw new IOException("no index at " + path);
        return new EmbeddedPostIndex(FSDirectory.open(path), null, GroupVersions.create(path, analyzers, false), 1);
    }

    private void requireWritable() {
        if (writer == null) throw new IllegalStateException("this index was opened read-only");
    }

    /**
     * Opens (or creates) the index in {@code path}, writing each apply's documents on half as many threads as
     * there are cores (at least one): the indexer's language detection wants the other half. Only one process
     * may hold it open for writing.
     */
    public static EmbeddedPostIndex open(Path path, GroupAnalyzers analyzers) throws IOException {
        return open(path, analyzers, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Opens (or creates) the index in {@code path}, analysing and writing each apply's documents on
     * {@code writerThreads} threads. More than one pays off only when cores would otherwise idle: each writer
     * thread fills its own segment, so every refresh flushes (and merges later) that many, which costs CPU a
     * machine busy with detection and searches does not have (on the 2 shared cores this was measured on, one
     * writer thread streamed faster than two).
     */
    public static EmbeddedPostIndex open(Path path, GroupAnalyzers analyzers, int writerThreads) throws IOException {
        IndexSortMigration.migrateIfNeeded(path, EmbeddedQueries.RECENT);
        Files.createDirectories(path);
        Directory dir = FSDirectory.open(path);
        GroupVersions versions = GroupVersions.create(path, analyzers, true);
        IndexWriterConfig cfg = EmbeddedWriter.config(versions.indexAnalyzer());
        try {
            return new EmbeddedPostIndex(dir, new IndexWriter(dir, cfg), versions, writerThreads);
        } catch (LockObtainFailedException e) {
            dir.close();
            throw new IOException(
                    "index at " + path + " is already open by another feedsearch process "
                            + "(stop it, or give this one another --data-dir)",
                    e);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public ApplyResult apply(List<? extends IndexChange> changes) throws IOException {
        requireWritable();
        if (changes.isEmpty()) return ApplyResult.EMPTY;
        NewestPerKey newest = NewestPerKey.of(changes);
        int stale = newest.stale();
        int upserted = 0, deleted = 0;
        List<String> posts = new ArrayList<>(), authors = new ArrayList<>(), viewers = new ArrayList<>();
        synchronized (writeLock) {
            // 1. versions, serially, from the reader the previous apply refreshed: it holds every earlier write
            List<EmbeddedWriter.Write> writes = new ArrayList<>(newest.byKey().size());
            IndexSearcher s = searchers.acquire();
            try {
                VersionLookup versions = new VersionLookup(s);
                for (Map.Entry<String, IndexChange> e : newest.byKey().entrySet()) {
                    long stored = versions.get(e.getKey());
                    IndexChange c = e.getValue();
                    if (c.order() <= stored) {
                        stale++;
                        continue;
                    }
                    String author = switch (c) {
                        case PostChange pc when pc.deleted() -> stored < 0 ? null : versions.authorOfLastHit();
                        case PostChange pc -> pc.post().authorId();
                        case FollowChange fc -> null;
                    };
                    writes.add(new EmbeddedWriter.Write(e.getKey(), c, author, stored >= 0));
                    if (c.removal()) deleted++;
                    else upserted++;
                    switch (c) {
                        case PostChange pc -> {
                            posts.add(pc.id());
                            if (author != null) authors.add(author);
                        }
                        case FollowChange fc -> {
                            viewers.add(fc.edge().followerId());
                            if (fc.edge().relation() == FollowEdge.Relation.BLOCK)
                                viewers.add(fc.edge().followeeId());
                        }
                    }
                }
            } finally {
                searchers.release(s);
            }
            // 2. analysis and indexing, the expensive part, on the writer threads: keys are distinct within this
            //    call and calls are serialised, so no two threads ever write the same key
            try {
                this.writes.write(writes);
            } finally {
                // 3. visible, then published: whoever sees the new generation also sees the data. Also after a
                //    document failed part way: what was written becomes visible now, so it is published now
                //    (marking a key changed that did not change only costs a cache entry)
                searchers.maybeRefreshBlocking();
                if (!writes.isEmpty()) changeLog.record(posts, authors, viewers);
            }
        }
        return new ApplyResult(upserted, deleted, stale);
    }

    /**
     * Lucene commits while documents keep being added (they go to the next commit), so this does not take the
     * write lock: an indexer can fsync on one thread while it applies on another. Every apply that returned
     * before this call is in the commit; one running meanwhile may be in it in part (a replay fixes that).
     */
    @Override
    public void commit() throws IOException {
        requireWritable();
        writer.commit();
    }

    /**
     * The document {@link #apply} writes for a post not yet in the index: for benchmarks that compare the engine
     * with bare Lucene on the same documents.
     */
    public Document documentOf(PostChange c) {
        return documents.toDocument(
                c.scopedKey(), c, c.deleted() ? null : c.post().authorId());
    }

    /** The per-field analyzer the writer indexes documents with (for the same benchmarks as {@link #documentOf}). */
    public Analyzer indexAnalyzer() {
        return versions.indexAnalyzer();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public SearchPage search(SearchQuery q) throws IOException {
        return read(s -> {
            Query query = queries.buildQuery(s, q);
            Sort sort = q.sort() == SortOrder.RECENT ? EmbeddedQueries.RECENT : EmbeddedQueries.RELEVANCE;
            int maxDoc = s.getIndexReader().maxDoc();
            if (maxDoc == 0) return new SearchPage(List.of(), Optional.empty());
            ScoreDoc[] docs = q.sort() == SortOrder.RELEVANCE ? TopByScore.topByScore(s, query, q) : null;
            if (docs == null) {
                FieldDoc after = q.after() == null ? null : EmbeddedQueries.fieldDocOf(q.sort(), q.after(), maxDoc);
                // newest first is the index's own order and no count is returned: each segment stops at its first page
                docs = q.sort() == SortOrder.RECENT
                        ? s.search(query, new TopFieldCollectorManager(sort, q.fetchSize(), after, q.fetchSize()))
                                .scoreDocs
                        : s.searchAfter(after, query, q.fetchSize(), sort, true).scoreDocs;
            }
            StoredFields stored = storedFields.of(s);
            List<SearchHit> hits = new ArrayList<>(Math.min(q.limit(), docs.length));
            for (int i = 0; i < docs.length && i < q.limit(); i++) {
                ScoreDoc sd = docs[i];
                IndexedPost post = readPost(stored, sd.doc);
                float score = q.sort() == SortOrder.RELEVANCE ? sd.score : Float.NaN;
                SortKey key = q.sort() == SortOrder.RECENT
                        ? new SortKey(
                                post.post().createdAt().toEpochMilli(),
                                post.post().id())
                        : SortKey.ofScore(sd.score, post.post().id());
                hits.add(new SearchHit(post, score, key));
            }
            return SearchPage.overfetched(hits, docs.length, q.limit());
        });
    }

    @Override
    public HitTotal count(SearchQuery q) throws IOException {
        return read(s -> {
            // no scores needed; Lucene counts exactly up to the threshold (one past the limit, as on OpenSearch), then
            // only says "at least"
            Query query = new ConstantScoreQuery(
                    queries.buildQuery(s, q.toBuilder().after(null).build()));
            TopDocs top = s.search(query, new TopScoreDocCollectorManager(1, HitTotal.LIMIT + 1));
            return HitTotal.of(top.totalHits.value(), top.totalHits.relation() != TotalHits.Relation.EQUAL_TO);
        });
    }

    /**
     * The query text analysed by every group's analyzers, one clause per text field, OR-ed: public so benchmarks can
     * run the very same Lucene query on a bare {@code IndexSearcher}.
     */
    public Query textQuery(String text) {
        return queries.textQuery(text);
    }

    @Override
    public Map<String, Long> proseMatchBounds(String text) throws IOException {
        return read(s -> queries.proseMatchBounds(s, text));
    }

    /**
     * The Lucene query {@link #search} runs for {@code q}, the viewer's followees and hidden authors looked up:
     * public so a benchmark can run the very same query on a bare {@code IndexSearcher}.
     */
    public Query luceneQuery(SearchQuery q) throws IOException {
        return read(s -> queries.buildQuery(s, q));
    }

    @Override
    public Optional<IndexedPost> get(String id, String viewer) throws IOException {
        return read(s -> {
            Query q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(KEY, IndexChange.postKey(id))), Occur.FILTER)
                    .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                    .add(EmbeddedQueries.visibilityFilter(s, viewer), Occur.FILTER)
                    .build();
            TopDocs top = s.search(q, 1);
            if (top.scoreDocs.length == 0) return Optional.empty();
            return Optional.of(readPost(s.storedFields(), top.scoreDocs[0].doc));
        });
    }

    @Override
    public Set<String> followees(String viewer) throws IOException {
        return read(s -> EmbeddedQueries.followees(s, viewer));
    }

    @Override
    public Set<String> followers(String user) throws IOException {
        return read(s -> KeyScan.related(s, FOLLOWED_BY, user));
    }

    @Override
    public Set<String> hiddenAuthors(String viewer) throws IOException {
        return read(s -> EmbeddedQueries.hiddenAuthors(s, viewer));
    }

    @Override
    public List<IndexedPost> getVisible(Collection<String> ids, String viewer) throws IOException {
        if (ids.isEmpty()) return List.of();
        return read(s -> {
            Query q = new BooleanQuery.Builder()
                    .add(
                            new TermInSetQuery(
                                    KEY,
                                    ids.stream()
                                            .map(id -> new BytesRef(IndexChange.postKey(id)))
                                            .toList()),
                            Occur.FILTER)
                    // no kind filter: every branch of the visibility filter needs a field only posts carry, so a
                    // tombstone under the same key never matches (a kind clause cost a postings read per segment)
                    .add(EmbeddedQueries.visibilityFilter(s, viewer), Occur.FILTER)
                    .build();
            StoredFields stored = storedFields.of(s);
            List<IndexedPost> out = new ArrayList<>(ids.size());
            for (ScoreDoc sd : s.search(q, ids.size()).scoreDocs) out.add(readPost(stored, sd.doc));
            return out;
        });
    }

    @Override
    public Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor)
            throws IOException {
        if (authors.isEmpty()) return Map.of();
        return read(s -> {
            // one newest-first search per author: the index is sorted newest first, so each segment stops at the
            // author's perAuthor-th post. Lucene's grouping over all the authors at once visited every post of
            // every author, and prolific authors have thousands (half of a feed's timeline loads at 1M posts).
            Map<String, List<IndexedPost>> out = new HashMap<>();
            StoredFields stored = storedFields.of(s);
            for (String author : new LinkedHashSet<>(authors)) {
                // only posts carry the author field (a tombstone keeps its author stored, not indexed): no kind
                // filter, which read the largest postings list of the index once per author and segment
                Query q = new ConstantScoreQuery(new TermQuery(new Term(AUTHOR, author)));
                ScoreDoc[] docs = s.search(q, perAuthor, EmbeddedQueries.RECENT, false).scoreDocs;
                if (docs.length == 0) continue;
                List<IndexedPost> posts = new ArrayList<>(docs.length);
                for (ScoreDoc sd : docs) posts.add(readPost(stored, sd.doc));
                out.put(author, posts);
            }
            return out;
        });
    }

    @Override
    public List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException {
        if (langs.isEmpty() || limit <= 0) return List.of();
        return read(s -> {
            Query q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                    .add(new TermQuery(new Term(VIS, Visibility.PUBLIC.wire())), Occur.FILTER)
                    .add(
                            new TermInSetQuery(
                                    LANG, langs.stream().map(BytesRef::new).toList()),
                            Occur.FILTER)
                    .add(LongPoint.newRangeQuery(CREATED, since.toEpochMilli(), Long.MAX_VALUE), Occur.FILTER)
                    .build();
            Sort byEngagement = new Sort(
                    new SortField(ENGAGEMENT, SortField.Type.LONG, true), new SortField(ID, SortField.Type.STRING));
            StoredFields stored = storedFields.of(s);
            List<IndexedPost> out = new ArrayList<>(limit);
            for (ScoreDoc sd : s.search(q, limit, byEngagement).scoreDocs) out.add(readPost(stored, sd.doc));
            return out;
        });
    }

    @Override
    public ChangeTracker changes() {
        return changeLog;
    }

    @Override
    public void forEachPostVersion(PostVersionVisitor visitor) throws IOException {
        read(s -> KeyScan.postVersions(s, visitor));
    }

    @Override
    public void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException {
        read(s -> KeyScan.followEdges(s, visitor));
    }

    /**
     * Deletes the tombstones and undone follow edges applied before {@code before}, under the write lock (no
     * apply looks a version up meanwhile), then commits. Those written before deletions carried a time (older
     * indices) have none and stay.
     */
    @Override
    public long purgeDeletions(Instant before) throws IOException {
        requireWritable();
        Query q = EmbeddedQueries.deletedBefore(before);
        synchronized (writeLock) {
            searchers.maybeRefreshBlocking(); // every apply so far
            long n = read(s -> s.count(q));
            if (n == 0) return 0;
            writer.deleteDocuments(q);
            writer.commit();
            searchers.maybeRefreshBlocking();
            return n;
        }
    }

    @Override
    public IndexStats stats() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return new IndexStats(
                    s.count(new TermQuery(new Term(KIND, POST))),
                    s.count(new TermQuery(new Term(KIND, TOMBSTONE))),
                    s.count(new TermQuery(new Term(KIND, FOLLOW))));
        } finally {
            searchers.release(s);
        }
    }

    /** The version stored for a post, live or deleted (for reconciliation and tests); -1 when unknown. */
    public long versionOf(String postId) throws IOException {
        return read(s -> {
            long order = new VersionLookup(s).get(IndexChange.postKey(postId));
            return order < 0 ? -1 : order >>> 1;
        });
    }

    @Override
    public Optional<Rebuildable> rebuilds() {
        return Optional.of(rebuilds);
    }

    @Override
    public Optional<SessionStore> sessions() {
        return Optional.empty(); // one process owns this directory: its memory holds every session
    }

    @FunctionalInterface
    private interface SearcherCall<T> {
        T call(IndexSearcher s) throws IOException;
    }

    /** Runs {@code call} on the latest reader, released after. */
    private <T> T read(SearcherCall<T> call) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return call.call(s);
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            writes.close();
            try {
                searchers.close();
                if (writer != null) writer.close(); // commits pending changes
            } finally {
                dir.close();
                versions.close();
            }
        }
    }
}
