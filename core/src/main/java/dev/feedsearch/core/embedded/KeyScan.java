package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;

/** Scans of the terms dictionary by prefix: the live keys of one kind, and the active follow/mute/block pairs. */
final class KeyScan {
    private KeyScan() {}

    @FunctionalInterface
    interface KeyVisitor {
        void visit(String keyWithoutPrefix, long order) throws IOException;
    }

    /** Every live document whose key starts with {@code prefix}, with its version order (version << 1 | removal). */
    static void forEachKey(IndexSearcher s, String prefixText, KeyVisitor visitor) throws IOException {
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
                    if (v != null && v.advanceExact(doc))
                        visitor.visit(t.utf8ToString().substring(prefixText.length()), v.longValue());
                }
            }
        }
    }

    /** The second halves of the active "viewer US other" terms of {@code field}. */
    static Set<String> related(IndexSearcher s, String field, String viewer) throws IOException {
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

    /** Every post the index remembers, live or deleted (tombstone), with its stored version. */
    static Void postVersions(IndexSearcher s, PostWriter.PostVersionVisitor visitor) throws IOException {
        forEachKey(s, IndexChange.postKey(""), (key, order) -> visitor.visit(key, order >>> 1, (order & 1) == 1));
        return null;
    }

    /** Every follow, mute and block edge the index remembers, active or undone, with its stored version. */
    static Void followEdges(IndexSearcher s, PostWriter.FollowEdgeVisitor visitor) throws IOException {
        forEachKey(s, "f:", (key, order) -> {
            // "follower US followee", plus "US relation" unless a follow (FollowEdge#key)
            String[] parts = key.split("\u001f", -1);
            if (parts.length < 2) return;
            FollowEdge.Relation relation =
                    parts.length > 2 ? FollowEdge.Relation.parse(parts[2]) : FollowEdge.Relation.FOLLOW;
            if (relation == null) return;
            visitor.visit(new FollowEdge(parts[0], parts[1], null, order >>> 1, (order & 1) == 1, relation));
        });
        return null;
    }
}
