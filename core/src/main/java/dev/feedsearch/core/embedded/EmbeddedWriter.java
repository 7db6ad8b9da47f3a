package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.model.IndexChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;

/**
 * Writes one apply's documents, on several threads when configured (the caller is one of them): the keys of one
 * apply are distinct and applies are serialised, so no two threads ever write the same key.
 */
final class EmbeddedWriter implements AutoCloseable {
    private final IndexWriter writer;
    private final EmbeddedDocuments documents;
    private final int writerThreads;
    private final ExecutorService writers; // null when one thread

    /** How the index is written: {@code analyzer} is the per-field analyzer of every group's text fields. */
    static IndexWriterConfig config(Analyzer analyzer) {
        TieredMergePolicy merges = new TieredMergePolicy();
        merges.setNoCFSRatio(0); // near-real-time refreshes flush small segments: no extra copy into compound files
        return new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64)
                .setUseCompoundFile(false)
                .setMergePolicy(merges)
                // documents sit newest first in every segment, so sort=recent (the same order) stops each segment
                // after its first hits instead of visiting every match; an index from before is sorted once at open
                .setIndexSort(EmbeddedQueries.RECENT)
                // Lucene otherwise merges the small segments a refresh or commit flushes before returning, waiting up
                // to 500 ms: that wait was most of an apply's time under a trickle of changes (and of freshness p99).
                // Merges run in the background all the same.
                .setMaxFullFlushMergeWaitMillis(0);
    }

    EmbeddedWriter(IndexWriter writer, EmbeddedDocuments documents, int writerThreads) {
        this.writer = writer;
        this.documents = documents;
        this.writerThreads = writer == null ? 1 : Math.max(1, writerThreads);
        AtomicInteger n = new AtomicInteger();
        this.writers = this.writerThreads == 1
                ? null
                : Executors.newFixedThreadPool(
                        this.writerThreads - 1,
                        r -> Thread.ofPlatform()
                                .daemon()
                                .name("embedded-index-writer-" + n.incrementAndGet())
                                .unstarted(r));
    }

    /** One document to write: {@code replace} when the reader holds an older one under the key. */
    record Write(String key, IndexChange change, String author, boolean replace) {}

    private static final int CHUNK = 32; // documents a writer thread takes at a time (CJK posts cost 50x Latin ones)

    void write(List<Write> writes) throws IOException {
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
        Document doc = documents.toDocument(w.key(), w.change(), w.author());
        // a key the current reader has never seen has nothing to replace: adding skips the delete-by-term
        // that every refresh would otherwise resolve against every segment
        if (w.replace()) writer.updateDocument(new Term(KEY, w.key()), doc);
        else writer.addDocument(doc);
    }

    @Override
    public void close() {
        if (writers != null) writers.shutdownNow();
    }
}
