package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.model.IndexChange;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Reads stored versions from one point-in-time reader; the per-segment term dictionaries are opened
 * once per batch rather than once per key.
 */
final class VersionLookup {
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

    /** The {@link IndexChange#order} stored under {@code key}, or -1 when the key was never seen. */
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
