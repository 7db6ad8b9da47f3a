package dev.feedsearch.core.embedded;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.ParsedQueryCap;
import dev.feedsearch.core.analysis.QueryTextCap;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.core.index.HitTotal;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.NewestPerKey;
import dev.feedsearch.core.index.MatchBoosts;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.reindex.Rebuildable;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.StringHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded engine: one Lucene index on local disk holding posts, tombstones of deleted posts and
 * follow edges. Every record has exactly one document under its {@code key}; a change replaces it only
 * when its version is newer. Applies are serialised: each compares versions on the reader the previous one
 * refreshed, analyses and writes its documents (on several threads if configured: the keys of one apply are
 * distinct, so per-key order holds), then refreshes the near-real-time reader searches run on, and only then
 * publishes its generation to the change log.
 */
public final class EmbeddedPostIndex implements PostIndex {

    // field names: one place, so the query side cannot drift from the index side
    static final String KEY = "key", KIND = "kind", VERSION = "ver", ID = "id", AUTHOR = "author", LANG = "lang",
            GROUP = "group", VIS = "vis", TAG = "tag", CREATED = "created", SOURCE = "src",
            ACTIVE_FOLLOW = "follows", ACTIVE_MUTE = "mutes", ACTIVE_BLOCK = "blocks", BLOCKED_BY = "blocked_by",
            FOLLOWED_BY = "followed_by",
            TOMB_AUTHOR = "tomb_author", ENGAGEMENT = "eng", DELETED_AT = "deleted_at", MENTION = "mention",
            REPLY = "reply", REPLY_TO = "reply_to";
    static final String POST = "post", TOMBSTONE = "tomb", FOLLOW = "follow", UNFOLLOW = "unfollow";

    static {
        // a query is matched in every group's fields of this one index: up to QueryTextCap.MAX_POSITIONS positions,
        // each up to a few stacked terms, in ~30 fields passes Lucene's default of 1,024 clauses (the cap bounds it)
        if (IndexSearcher.getMaxClauseCount() < 8_192) IndexSearcher.setMaxClauseCount(8_192);
    }

    private static final Sort RECENT = new Sort(new SortField(CREATED, SortField.Type.LONG, true),
            new SortField(ID, SortField.Type.STRING));
    private static final Sort RELEVANCE = new Sort(SortField.FIELD_SCORE, new SortField(ID, SortField.Type.STRING));

    private final Directory dir;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final GroupAnalyzers analyzers;
    private final Object writeLock = new Object();
    private final ChangeLog changeLog = new ChangeLog();
    private final GroupVersions versions; // which version(s) of each group's text fields are written and searched
    private final EmbeddedRebuilds rebuilds;
    /** Threads that analyse and write one apply's documents (the caller is one of them); null when one. */
    private final int writerThreads;
    private final ExecutorService writers;

    private EmbeddedPostIndex(Directory dir, IndexWriter writer, GroupAnalyzers analyzers, GroupVersions versions,
                              int writerThreads) throws IOException {
        this.dir = dir;
        this.writer = writer;
        this.analyzers = analyzers;
        this.versions = versions;
        try {
            versions.load(); // after the IndexWriter took Lucene's write lock: this process owns the versions file too
        } catch (IOException | RuntimeException e) {
            org.apache.lucene.util.IOUtils.closeWhileHandlingException(writer, dir, versions);
            throw e;
        }
        this.writerThreads = writer == null ? 1 : Math.max(1, writerThreads);
        AtomicInteger n = new AtomicInteger();
        this.writers = this.writerThreads == 1 ? null : Executors.newFixedThreadPool(this.writerThreads - 1,
                r -> Thread.ofPlatform().daemon().name("embedded-index-writer-" + n.incrementAndGet()).unstarted(r));
        this.searchers = writer != null ? new SearcherManager(writer, null)
                : new SearcherManager(org.apache.lucene.index.DirectoryReader.open(dir), null);
        this.rebuilds = new EmbeddedRebuilds(writer, searchers, writeLock, versions, c -> toDocument(c.scopedKey(), c, c.post().authorId()),
                changeLog, this::apply);
    }

    /**
     * Opens the last commit of an index read-only, without the write lock, so operators can inspect or
     * reconcile an index that a running process owns. {@link #apply} and {@link #commit} then refuse.
     */
    public static EmbeddedPostIndex openReadOnly(Path path, GroupAnalyzers analyzers) throws IOException {
        if (!Files.isDirectory(path)) throw new IOException("no index at " + path);
        return new EmbeddedPostIndex(FSDirectory.open(path), null, analyzers, GroupVersions.create(path, analyzers, false), 1);
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
        IndexSortMigration.migrateIfNeeded(path, RECENT);
        Files.createDirectories(path);
        Directory dir = FSDirectory.open(path);
        GroupVersions versions = GroupVersions.create(path, analyzers, true);
        TieredMergePolicy merges = new TieredMergePolicy();
        merges.setNoCFSRatio(0); // near-real-time refreshes flush small segments: no extra copy into compound files
        IndexWriterConfig cfg = new IndexWriterConfig(versions.indexAnalyzer())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64)
                .setUseCompoundFile(false)
                .setMergePolicy(merges)
                // documents sit newest first in every segment, so sort=recent (the same order) stops each segment
                // after its first hits instead of visiting every match; an index from before is sorted once at open
                .setIndexSort(RECENT)
                // Lucene otherwise merges the small segments a refresh or commit flushes before returning, waiting up
                // to 500 ms: that wait was most of an apply's time under a trickle of changes (and of freshness p99).
                // Merges run in the background all the same.
                .setMaxFullFlushMergeWaitMillis(0);
        try {
            return new EmbeddedPostIndex(dir, new IndexWriter(dir, cfg), analyzers, versions, writerThreads);
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            dir.close();
            throw new IOException("index at " + path + " is already open by another feedsearch process "
                    + "(stop it, or give this one another --data-dir)", e);
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
            List<Write> writes = new ArrayList<>(newest.byKey().size());
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
                    writes.add(new Write(e.getKey(), c, author, stored >= 0));
                    if (c.removal()) deleted++; else upserted++;
                    switch (c) {
                        case PostChange pc -> {
                            posts.add(pc.id());
                            if (author != null) authors.add(author);
                        }
                        case FollowChange fc -> {
                            viewers.add(fc.edge().followerId());
                            if (fc.edge().relation() == FollowEdge.Relation.BLOCK) viewers.add(fc.edge().followeeId());
                        }
                    }
                }
            } finally {
                searchers.release(s);
            }
            // 2. analysis and indexing, the expensive part, on the writer threads: keys are distinct within this
            //    call and calls are serialised, so no two threads ever write the same key
            try {
                write(writes);
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

    /** One document to write: {@code replace} when the reader holds an older one under the key. */
    private record Write(String key, IndexChange change, String author, boolean replace) {}

    private static final int CHUNK = 32; // documents a writer thread takes at a time (CJK posts cost 50x Latin ones)

    private void write(List<Write> writes) throws IOException {
        if (writers == null || writes.size() < 2 * CHUNK) {
            for (Write w : writes) write(w);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable drain = () -> {
            try {
                for (int from; failed.get() == null && (from = next.getAndAdd(CHUNK)) < writes.size(); ) {
                    for (int i = from, to = Math.min(from + CHUNK, writes.size()); i < to; i++) write(writes.get(i));
                }
                // each writer thread fills its own in-memory segment; writing one out to disk here, in parallel,
                // leaves the refresh that follows little to flush on its single thread
                if (failed.get() == null) writer.flushNextBuffer();
            } catch (Throwable t) {
                failed.compareAndSet(null, t);
            }
        };
        List<Future<?>> helpers = new ArrayList<>(writerThreads - 1);
        for (int i = 1; i < writerThreads; i++) helpers.add(writers.submit(drain));
        drain.run(); // the caller is one of the writers
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) { // wait for every helper even when interrupted: none may still write after apply returns
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failed.compareAndSet(null, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failed.get();
        if (t == null) return;
        if (t instanceof IOException io) throw io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        throw new IOException("indexing failed", t);
    }

    private void write(Write w) throws IOException {
        Document doc = toDocument(w.key(), w.change(), w.author());
        // a key the current reader has never seen has nothing to replace: adding skips the delete-by-term
        // that every refresh would otherwise resolve against every segment
        if (w.replace()) writer.updateDocument(new Term(KEY, w.key()), doc);
        else writer.addDocument(doc);
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
     * Reads stored versions from one point-in-time reader; the per-segment term dictionaries are opened
     * once per batch rather than once per key.
     */
    static final class VersionLookup {
        private final List<LeafReaderContext> leaves;
        private final TermsEnum[] termsEnums;
        private PostingsEnum postings;
        private int lastLeaf = -1, lastDoc = -1;

        VersionLookup(IndexSearcher s) throws IOException {
            leaves = s.getIndexReader().leaves();
            termsEnums = new TermsEnum[leaves.size()];
            for (int i = 0; i < termsEnums.length; i++) {
                Terms t = leaves.get(i).reader().terms(KEY);
                termsEnums[i] = t == null ? null : t.iterator();
            }
        }

        /** The {@link #order} stored under {@code key}, or -1 when the key was never seen. */
        long get(String key) throws IOException {
            BytesRef term = new BytesRef(key);
            for (int i = termsEnums.length - 1; i >= 0; i--) { // newest segments last: search them first
                TermsEnum te = termsEnums[i];
                if (te == null || !te.seekExact(term)) continue;
                postings = te.postings(postings, PostingsEnum.NONE);
                Bits live = leaves.get(i).reader().getLiveDocs();
                for (int doc = postings.nextDoc(); doc != PostingsEnum.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    NumericDocValues v = leaves.get(i).reader().getNumericDocValues(VERSION);
                    if (v != null && v.advanceExact(doc)) {
                        lastLeaf = i;
                        lastDoc = doc;
                        return v.longValue();
                    }
                }
            }
            lastLeaf = -1;
            return -1;
        }

        /** The group of the post {@link #get} found last, or null when that was a tombstone or nothing. */
        String groupOfLastHit() throws IOException {
            if (lastLeaf < 0) return null;
            StoredFields stored = leaves.get(lastLeaf).reader().storedFields();
            if (stored.document(lastDoc, SOURCE_ONLY).getBinaryValue(SOURCE) == null) return null;
            return readPost(stored, lastDoc).group();
        }

        /** The author stored on the document {@link #get} found last (a post or a tombstone), or null. */
        String authorOfLastHit() throws IOException {
            if (lastLeaf < 0) return null;
            Document d = leaves.get(lastLeaf).reader().storedFields().document(lastDoc, Set.of(AUTHOR, TOMB_AUTHOR));
            return d.get(AUTHOR) != null ? d.get(AUTHOR) : d.get(TOMB_AUTHOR);
        }
    }

    /**
     * The document {@link #apply} writes for a post not yet in the index: for benchmarks that compare the engine
     * with bare Lucene on the same documents.
     */
    public Document documentOf(PostChange c) {
        return toDocument(IndexChange.postKey(c.id()), c, c.deleted() ? null : c.post().authorId());
    }

    /** The per-field analyzer the writer indexes documents with (for the same benchmarks as {@link #documentOf}). */
    public org.apache.lucene.analysis.Analyzer indexAnalyzer() {
        return versions.indexAnalyzer();
    }

    private Document toDocument(String key, IndexChange c, String author) {
        Document d = new Document();
        d.add(new StringField(KEY, key, Field.Store.NO));
        d.add(new NumericDocValuesField(VERSION, c.order()));
        switch (c) {
            case PostChange pc when pc.deleted() -> {
                // the key alone marks it; no id/author fields, whose schema (indexed + doc values) is the posts'
                d.add(new StringField(KIND, TOMBSTONE, Field.Store.NO));
                d.add(new NumericDocValuesField(DELETED_AT, System.currentTimeMillis())); // purged by age
                if (author != null) d.add(new StoredField(TOMB_AUTHOR, author));
            }
            case PostChange pc -> addPost(d, pc);
            case FollowChange fc -> {
                FollowEdge e = fc.edge();
                d.add(new StringField(KIND, e.deleted() ? UNFOLLOW : FOLLOW, Field.Store.NO));
                if (e.deleted()) d.add(new NumericDocValuesField(DELETED_AT, System.currentTimeMillis())); // purged by age
                // "follower<US>followee", present only while the relation is active: a viewer's followees
                // (mutes, blocks, blockers) are then one prefix scan of a terms dictionary
                if (!e.deleted()) {
                    switch (e.relation()) {
                        case FOLLOW -> {
                            d.add(new StringField(ACTIVE_FOLLOW, e.pair(), Field.Store.NO));
                            d.add(new StringField(FOLLOWED_BY, e.followeeId() + "\u001f" + e.followerId(), Field.Store.NO));
                        }
                        case MUTE -> d.add(new StringField(ACTIVE_MUTE, e.pair(), Field.Store.NO));
                        case BLOCK -> {
                            d.add(new StringField(ACTIVE_BLOCK, e.pair(), Field.Store.NO));
                            d.add(new StringField(BLOCKED_BY, e.followeeId() + "\u001f" + e.followerId(), Field.Store.NO));
                        }
                    }
                }
            }
        }
        return d;
    }

    private void addPost(Document d, PostChange pc) {
        Post p = pc.post();
        d.add(new StringField(KIND, POST, Field.Store.NO));
        d.add(new StringField(ID, p.id(), Field.Store.NO));
        d.add(new SortedDocValuesField(ID, new BytesRef(p.id())));
        d.add(new StringField(AUTHOR, p.authorId(), Field.Store.YES));
        d.add(new SortedDocValuesField(AUTHOR, new BytesRef(p.authorId())));
        d.add(new NumericDocValuesField(ENGAGEMENT, p.engagement()));
        d.add(new StringField(LANG, pc.lang(), Field.Store.NO));
        d.add(new StringField(GROUP, pc.group(), Field.Store.NO));
        d.add(new StringField(VIS, p.visibility().wire(), Field.Store.NO));
        for (String t : Hashtags.keys(p.tags(), p.text())) d.add(new StringField(TAG, t, Field.Store.NO));
        for (String m : new HashSet<>(p.mentions())) d.add(new StringField(MENTION, m, Field.Store.NO));
        if (p.replyTo() != null) {
            d.add(new StringField(REPLY, "1", Field.Store.NO)); // is:reply
            d.add(new StringField(REPLY_TO, p.replyTo(), Field.Store.NO)); // to:user
        }
        long created = p.createdAt().toEpochMilli();
        d.add(new LongPoint(CREATED, created));
        d.add(new NumericDocValuesField(CREATED, created));
        versions.addTextFields(d, pc.group(), p.text()); // every live version of the group (dual writes during a rebuild)
        var src = PostJson.encode(p);
        src.put("_lang", pc.lang());
        src.put("_group", pc.group());
        try {
            d.add(new StoredField(SOURCE, new BytesRef(PostJson.MAPPER.writeValueAsBytes(src)))); // UTF-8, no String
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a post tree that cannot be written: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public SearchPage search(SearchQuery q) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            Query query = buildQuery(s, q);
            Sort sort = q.sort() == SortOrder.RECENT ? RECENT : RELEVANCE;
            int maxDoc = s.getIndexReader().maxDoc();
            if (maxDoc == 0) return new SearchPage(List.of(), Optional.empty());
            ScoreDoc[] docs = q.sort() == SortOrder.RELEVANCE ? topByScore(s, query, q) : null;
            if (docs == null) {
                FieldDoc after = q.after() == null ? null : fieldDocOf(q.sort(), q.after(), maxDoc);
                // newest first is the index's own order and no count is returned: each segment stops at its first page
                docs = q.sort() == SortOrder.RECENT
                        ? s.search(query, new TopFieldCollectorManager(sort, q.fetchSize(), after, q.fetchSize())).scoreDocs
                        : s.searchAfter(after, query, q.fetchSize(), sort, true).scoreDocs;
            }
            StoredFields stored = s.storedFields();
            List<SearchHit> hits = new ArrayList<>(Math.min(q.limit(), docs.length));
            for (int i = 0; i < docs.length && i < q.limit(); i++) {
                ScoreDoc sd = docs[i];
                IndexedPost post = readPost(stored, sd.doc);
                float score = q.sort() == SortOrder.RELEVANCE ? sd.score : Float.NaN;
                SortKey key = q.sort() == SortOrder.RECENT
                        ? new SortKey(post.post().createdAt().toEpochMilli(), post.post().id())
                        : SortKey.ofScore(sd.score, post.post().id());
                hits.add(new SearchHit(post, score, key));
            }
            return SearchPage.overfetched(hits, docs.length, q.limit());
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public HitTotal count(SearchQuery q) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            // no scores needed; Lucene counts exactly up to the threshold (one past the limit, as on OpenSearch), then
            // only says "at least"
            Query query = new ConstantScoreQuery(buildQuery(s, q.toBuilder().after(null).build()));
            TopDocs top = s.search(query, new TopScoreDocCollectorManager(1, HitTotal.LIMIT + 1));
            return HitTotal.of(top.totalHits.value(), top.totalHits.relation() != TotalHits.Relation.EQUAL_TO);
        } finally {
            searchers.release(s);
        }
    }

    /**
     * Replies to any of {@code author}'s newest {@link SearchQuery#MAX_REPLY_PARENTS} posts that the viewer may see
     * ({@code visible}): a reply does not record whom it answers, only which post, so the posts are looked up first.
     * A parent the viewer may not see is not looked under, so its replies never tell that it exists.
     */
    private static Query repliesTo(IndexSearcher s, String author, Query visible) throws IOException {
        Query parents = new BooleanQuery.Builder().add(visible, Occur.FILTER)
                .add(new TermQuery(new Term(AUTHOR, author)), Occur.FILTER).build();
        List<BytesRef> ids = new ArrayList<>();
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        for (ScoreDoc sd : s.search(parents, SearchQuery.MAX_REPLY_PARENTS, RECENT, false).scoreDocs) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            SortedDocValues docIds = leaf.reader().getSortedDocValues(ID);
            if (docIds != null && docIds.advanceExact(sd.doc - leaf.docBase)) ids.add(BytesRef.deepCopyOf(docIds.lookupOrd(docIds.ordValue())));
        }
        return new TermInSetQuery(REPLY_TO, ids); // none: matches nothing
    }

    /**
     * Relevance pages the fast way: a plain top-k by score lets Lucene skip non-competitive documents
     * (block-max WAND), which a (score, id) sort cannot. Ties are then ordered by id here, and the cursor's
     * own (score, id) boundary applied. When ties at the cut-off could hide a document that belongs on the
     * page, every hit down to the cut-off score is gathered ({@link ScoreBand}) and ordered; only when that band is
     * wider than {@link #MAX_TIED} (or the page reaches below it) does this return null, and the caller takes the
     * exact (score, id) sort, which scores every match. Ties are common: posts repeat texts.
     */
    private static final int MAX_TIED = 5_000;

    private static ScoreDoc[] topByScore(IndexSearcher s, Query query, SearchQuery q) throws IOException {
        int want = q.fetchSize(), fetch = want + 8;
        ScoreDoc after = q.after() == null ? null : new ScoreDoc(-1, q.after().score()); // doc -1: keep the tie
        ScoreDoc[] top = s.searchAfter(after, query, fetch).scoreDocs;
        List<IdHit> hits = byScoreThenId(s, List.of(top), q);
        if (hits != null && top.length == fetch) {
            // more documents may follow; ties with the lowest fetched score could sort before ours by id
            float lowest = top[top.length - 1].score;
            if (hits.size() < want || hits.get(want - 1).doc().score <= lowest) {
                // take every hit down to that score, ties included (WAND still skips everything below it)
                float highest = q.after() == null ? Float.POSITIVE_INFINITY : q.after().score();
                List<ScoreDoc> band = ScoreBand.collect(s, query, lowest, highest, MAX_TIED);
                hits = band == null ? null : byScoreThenId(s, band, q);
                // fewer than a page at or above the cut-off: the page reaches below it, which was not gathered
                if (hits != null && hits.size() < want) hits = null;
            }
        }
        return hits == null ? null : hits.stream().limit(want).map(IdHit::doc).toArray(ScoreDoc[]::new);
    }

    private record IdHit(ScoreDoc doc, String id) {}

    /** The hits past the cursor in (score desc, id) order; null if one has no id (the caller sorts exactly). */
    private static List<IdHit> byScoreThenId(IndexSearcher s, List<ScoreDoc> docs, SearchQuery q) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        List<IdHit> hits = new ArrayList<>(docs.size());
        for (ScoreDoc sd : docs) {
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
            SortedDocValues ids = leaf.reader().getSortedDocValues(ID);
            if (ids == null || !ids.advanceExact(sd.doc - leaf.docBase)) return null;
            String id = ids.lookupOrd(ids.ordValue()).utf8ToString();
            if (q.after() != null && sd.score == q.after().score() && id.compareTo(q.after().id()) <= 0) continue; // seen
            hits.add(new IdHit(sd, id));
        }
        hits.sort(java.util.Comparator.comparing((IdHit h) -> -h.doc().score).thenComparing(IdHit::id));
        return hits;
    }

    private static FieldDoc fieldDocOf(SortOrder order, SortKey k, int maxDoc) {
        Object primary = order == SortOrder.RECENT ? (Object) k.value() : (Object) k.score();
        // Lucene skips a hit whose sort values all equal the cursor's when its doc id <= after.doc: with the
        // largest doc id that is exactly the cursor's own post (ids are unique), so it is not repeated
        return new FieldDoc(maxDoc - 1, order == SortOrder.RELEVANCE ? k.score() : Float.NaN,
                new Object[] {primary, new BytesRef(k.id())});
    }

    /**
     * The Lucene query {@link #search} runs for {@code q}, the viewer's followees and hidden authors looked up:
     * public so a benchmark can run the very same query on a bare {@code IndexSearcher}.
     */
    public Query luceneQuery(SearchQuery q) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return buildQuery(s, q);
        } finally {
            searchers.release(s);
        }
    }

    private Query buildQuery(IndexSearcher s, SearchQuery q) throws IOException {
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
            Query inLanguage = new ConstantScoreQuery(new TermInSetQuery(GROUP, q.queryGroups().stream().map(BytesRef::new).toList()));
            prose = new BooleanQuery.Builder().add(prose, Occur.MUST)
                    .add(new BoostQuery(inLanguage, MatchBoosts.QUERY_LANGUAGE), Occur.SHOULD).build();
        }
        if (prose != null) any.add(prose, Occur.SHOULD);
        String tag = MatchBoosts.tagAlternative(syntax == null ? q.text()
                : syntax.structuredClauses().isEmpty() ? syntax.requiredWords() : null);
        if (tag != null) any.add(new BoostQuery(new ConstantScoreQuery(new TermQuery(new Term(TAG, tag))), MatchBoosts.TAG_ONLY), Occur.SHOULD);
        BooleanQuery built = any.build();
        return built.clauses().isEmpty() ? null : built;
    }

    /**
     * The query text analysed by every group's analyzers, one clause per text field, OR-ed: a post only
     * carries its own group's fields, so each post is matched by its own language's analysis.
     * Within a field all tokens must match (graph-aware, so synonyms/compounds at one position are fine).
     * Public so benchmarks can run the very same Lucene query on a bare {@code IndexSearcher}.
     */
    public Query textQuery(String text) {
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

    @Override
    public Map<String, Long> proseMatchBounds(String text) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            Map<String, Long> out = new TreeMap<>();
            String matched = QueryTextCap.cap(text, versions.servingFields());
            for (GroupAnalyzers.TextField f : versions.servingFields()) {
                if (!f.isMain()) continue;
                Query fq = new QueryBuilder(f.analyzer()).createBooleanQuery(f.luceneField(), matched, Occur.MUST);
                if (fq == null) continue;
                // one clause per query position (a lone position is the query itself); stacked tokens share one
                List<Query> positions = fq instanceof BooleanQuery bq ? bq.clauses().stream().map(c -> c.query()).toList() : List.of(fq);
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
        } finally {
            searchers.release(s);
        }
    }

    /** public to everyone; private to the author; followers-only to the author and its followers. */
    private Query visibilityFilter(IndexSearcher s, String viewer) throws IOException {
        Query pub = new TermQuery(new Term(VIS, Visibility.PUBLIC.wire()));
        if (viewer == null) return pub;
        BooleanQuery.Builder b = new BooleanQuery.Builder().add(pub, Occur.SHOULD)
                .add(new TermQuery(new Term(AUTHOR, viewer)), Occur.SHOULD);
        Set<String> followees = followees(s, viewer);
        if (!followees.isEmpty()) {
            List<BytesRef> authors = followees.stream().map(BytesRef::new).toList();
            b.add(new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(VIS, Visibility.FOLLOWERS.wire())), Occur.FILTER)
                    .add(new TermInSetQuery(AUTHOR, authors), Occur.FILTER).build(), Occur.SHOULD);
        }
        Set<String> hidden = hiddenAuthors(s, viewer);
        if (hidden.isEmpty()) return b.build();
        return new BooleanQuery.Builder().add(b.build(), Occur.FILTER)
                .add(new TermInSetQuery(AUTHOR, hidden.stream().map(BytesRef::new).toList()), Occur.MUST_NOT).build();
    }

    @Override
    public Optional<IndexedPost> get(String id, String viewer) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            Query q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(KEY, IndexChange.postKey(id))), Occur.FILTER)
                    .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                    .add(visibilityFilter(s, viewer), Occur.FILTER).build();
            TopDocs top = s.search(q, 1);
            if (top.scoreDocs.length == 0) return Optional.empty();
            return Optional.of(readPost(s.storedFields(), top.scoreDocs[0].doc));
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public Set<String> followees(String viewer) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return followees(s, viewer);
        } finally {
            searchers.release(s);
        }
    }

    private static Set<String> followees(IndexSearcher s, String viewer) throws IOException {
        return related(s, ACTIVE_FOLLOW, viewer);
    }

    /** The second halves of the active "viewer US other" terms of {@code field}. */
    private static Set<String> related(IndexSearcher s, String field, String viewer) throws IOException {
        String prefix = viewer + "\u001f";
        BytesRef start = new BytesRef(prefix);
        Set<String> out = new HashSet<>();
        PostingsEnum pe = null;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(field);
            if (terms == null) continue;
            TermsEnum te = terms.iterator();
            if (te.seekCeil(start) == TermsEnum.SeekStatus.END) continue;
            Bits live = leaf.reader().getLiveDocs();
            for (BytesRef t = te.term(); t != null && StringHelper.startsWith(t, start); t = te.next()) {
                pe = te.postings(pe, PostingsEnum.NONE);
                for (int doc = pe.nextDoc(); doc != PostingsEnum.NO_MORE_DOCS; doc = pe.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        out.add(t.utf8ToString().substring(prefix.length()));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static final Set<String> SOURCE_ONLY = Set.of(SOURCE);

    static IndexedPost readPost(StoredFields stored, int doc) throws IOException {
        return StoredPosts.read(stored.document(doc, SOURCE_ONLY).getBinaryValue(SOURCE));
    }

    @Override
    public Set<String> followers(String user) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return related(s, FOLLOWED_BY, user);
        } finally {
            searchers.release(s);
        }
    }

    private static Set<String> hiddenAuthors(IndexSearcher s, String viewer) throws IOException {
        Set<String> hidden = new HashSet<>(related(s, ACTIVE_MUTE, viewer));
        hidden.addAll(related(s, ACTIVE_BLOCK, viewer));
        hidden.addAll(related(s, BLOCKED_BY, viewer));
        return hidden;
    }

    @Override
    public Set<String> hiddenAuthors(String viewer) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return hiddenAuthors(s, viewer);
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public List<IndexedPost> getVisible(Collection<String> ids, String viewer) throws IOException {
        if (ids.isEmpty()) return List.of();
        IndexSearcher s = searchers.acquire();
        try {
            Query q = new BooleanQuery.Builder()
                    .add(new TermInSetQuery(KEY, ids.stream().map(id -> new BytesRef(IndexChange.postKey(id))).toList()), Occur.FILTER)
                    .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                    .add(visibilityFilter(s, viewer), Occur.FILTER).build();
            StoredFields stored = s.storedFields();
            List<IndexedPost> out = new ArrayList<>(ids.size());
            for (ScoreDoc sd : s.search(q, ids.size()).scoreDocs) out.add(readPost(stored, sd.doc));
            return out;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor) throws IOException {
        if (authors.isEmpty()) return Map.of();
        IndexSearcher s = searchers.acquire();
        try {
            // one newest-first search per author: the index is sorted newest first, so each segment stops at the
            // author's perAuthor-th post. Lucene's grouping over all the authors at once visited every post of
            // every author, and prolific authors have thousands (half of a feed's timeline loads at 1M posts).
            Map<String, List<IndexedPost>> out = new HashMap<>();
            StoredFields stored = s.storedFields();
            for (String author : new LinkedHashSet<>(authors)) {
                Query q = new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(AUTHOR, author)), Occur.FILTER)
                        .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER).build();
                ScoreDoc[] docs = s.search(q, perAuthor, RECENT, false).scoreDocs;
                if (docs.length == 0) continue;
                List<IndexedPost> posts = new ArrayList<>(docs.length);
                for (ScoreDoc sd : docs) posts.add(readPost(stored, sd.doc));
                out.put(author, posts);
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException {
        if (langs.isEmpty() || limit <= 0) return List.of();
        IndexSearcher s = searchers.acquire();
        try {
            Query q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(KIND, POST)), Occur.FILTER)
                    .add(new TermQuery(new Term(VIS, Visibility.PUBLIC.wire())), Occur.FILTER)
                    .add(new TermInSetQuery(LANG, langs.stream().map(BytesRef::new).toList()), Occur.FILTER)
                    .add(LongPoint.newRangeQuery(CREATED, since.toEpochMilli(), Long.MAX_VALUE), Occur.FILTER).build();
            Sort byEngagement = new Sort(new SortField(ENGAGEMENT, SortField.Type.LONG, true), new SortField(ID, SortField.Type.STRING));
            StoredFields stored = s.storedFields();
            List<IndexedPost> out = new ArrayList<>(limit);
            for (ScoreDoc sd : s.search(q, limit, byEngagement).scoreDocs) out.add(readPost(stored, sd.doc));
            return out;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public ChangeTracker changes() {
        return changeLog;
    }

    @Override
    public void forEachPostVersion(PostVersionVisitor visitor) throws IOException {
        forEachKey("p:", (key, order) -> visitor.visit(key, order >>> 1, (order & 1) == 1));
    }

    @Override
    public void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException {
        forEachKey("f:", (key, order) -> {
            // "follower US followee", plus "US relation" unless a follow (FollowEdge#key)
            String[] parts = key.split("\u001f", -1);
            if (parts.length < 2) return;
            FollowEdge.Relation relation = parts.length > 2 ? FollowEdge.Relation.parse(parts[2]) : FollowEdge.Relation.FOLLOW;
            if (relation == null) return;
            visitor.visit(new FollowEdge(parts[0], parts[1], null, order >>> 1, (order & 1) == 1, relation));
        });
    }

    @FunctionalInterface
    private interface KeyVisitor {
        void visit(String keyWithoutPrefix, long order) throws IOException;
    }

    /** Every live document whose key starts with {@code prefix}, with its version order (version << 1 | removal). */
    private void forEachKey(String prefixText, KeyVisitor visitor) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            BytesRef prefix = new BytesRef(prefixText);
            PostingsEnum pe = null;
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Terms terms = leaf.reader().terms(KEY);
                if (terms == null) continue;
                TermsEnum te = terms.iterator();
                if (te.seekCeil(prefix) == TermsEnum.SeekStatus.END) continue;
                Bits live = leaf.reader().getLiveDocs();
                for (BytesRef t = te.term(); t != null && StringHelper.startsWith(t, prefix); t = te.next()) {
                    pe = te.postings(pe, PostingsEnum.NONE);
                    for (int doc = pe.nextDoc(); doc != PostingsEnum.NO_MORE_DOCS; doc = pe.nextDoc()) {
                        if (live != null && !live.get(doc)) continue;
                        NumericDocValues v = leaf.reader().getNumericDocValues(VERSION);
                        if (v != null && v.advanceExact(doc)) visitor.visit(t.utf8ToString().substring(prefixText.length()), v.longValue());
                    }
                }
            }
        } finally {
            searchers.release(s);
        }
    }

    /**
     * Deletes the tombstones and undone follow edges applied before {@code before}, under the write lock (no
     * apply looks a version up meanwhile), then commits. Those written before deletions carried a time (older
     * indices) have none and stay.
     */
    @Override
    public long purgeDeletions(Instant before) throws IOException {
        requireWritable();
        Query q = new BooleanQuery.Builder()
                .add(new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(KIND, TOMBSTONE)), Occur.SHOULD)
                        .add(new TermQuery(new Term(KIND, UNFOLLOW)), Occur.SHOULD).build(), Occur.FILTER)
                .add(NumericDocValuesField.newSlowRangeQuery(DELETED_AT, Long.MIN_VALUE, before.toEpochMilli() - 1), Occur.FILTER)
                .build();
        synchronized (writeLock) {
            searchers.maybeRefreshBlocking(); // every apply so far
            IndexSearcher s = searchers.acquire();
            long n;
            try {
                n = s.count(q);
            } finally {
                searchers.release(s);
            }
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
            return new IndexStats(s.count(new TermQuery(new Term(KIND, POST))),
                    s.count(new TermQuery(new Term(KIND, TOMBSTONE))),
                    s.count(new TermQuery(new Term(KIND, FOLLOW))));
        } finally {
            searchers.release(s);
        }
    }

    /** The version stored for a post, live or deleted (for reconciliation and tests); -1 when unknown. */
    public long versionOf(String postId) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            long order = new VersionLookup(s).get(IndexChange.postKey(postId));
            return order < 0 ? -1 : order >>> 1;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public Optional<Rebuildable> rebuilds() {
        return Optional.of(rebuilds);
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (writers != null) writers.shutdownNow();
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
