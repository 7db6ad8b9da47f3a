package dev.feedsearch.core.embedded;

import java.io.IOException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;

/**
 * A {@link StoredFields} per thread and open reader. Each new one grows its per-block offset buffers again on the
 * first document of every segment it reads, and a feed request reads a few posts from many segments: at 1M posts
 * that was about 6% of what the feed allocated (the per-post decompression itself is Lucene's and stays).
 * A {@code StoredFields} may serve one thread at a time, so each thread keeps its own; a refreshed reader is another
 * object, so one is never used past its reader (searches run on the search pool's platform threads, which live on).
 */
final class ReusedStoredFields {
    private record Held(IndexReader reader, StoredFields fields) {}

    private final ThreadLocal<Held> held = new ThreadLocal<>();

    /** This thread's stored fields of {@code s}'s reader; use them within the read that acquired {@code s}. */
    StoredFields of(IndexSearcher s) throws IOException {
        IndexReader reader = s.getIndexReader();
        Held h = held.get();
        if (h == null || h.reader() != reader) {
            h = new Held(reader, reader.storedFields());
            held.set(h);
        }
        return h.fields();
    }
}
