package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import dev.feedsearch.core.index.SearchQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

/** Relevance pages ordered by (score desc, id), the way that lets Lucene skip what cannot compete. */
final class TopByScore {
    private TopByScore() {}

    /**
     * Relevance pages the fast way: a plain top-k by score lets Lucene skip non-competitive documents
     * (block-max WAND), which a (score, id) sort cannot. Ties are then ordered by id here, and the cursor's
     * own (score, id) boundary applied. When ties at the cut-off could hide a document that belongs on the
     * page, every hit down to the cut-off score is gathered ({@link ScoreBand}) and ordered; only when that band is
     * wider than {@link #MAX_TIED} (or the page reaches below it) does this return null, and the caller takes the
     * exact (score, id) sort, which scores every match. Ties are common: posts repeat texts.
     */
    private static final int MAX_TIED = 5_000;

    static ScoreDoc[] topByScore(IndexSearcher s, Query query, SearchQuery q) throws IOException {
        int want = q.fetchSize(), fetch = want + 8;
        ScoreDoc after = q.after() == null ? null : new ScoreDoc(-1, q.after().score()); // doc -1: keep the tie
        ScoreDoc[] top = s.searchAfter(after, query, fetch).scoreDocs;
        List<IdHit> hits = byScoreThenId(s, List.of(top), q);
        if (hits != null && top.length == fetch) {
            // more documents may follow; ties with the lowest fetched score could sort before ours by id
            float lowest = top[top.length - 1].score;
            if (hits.size() < want || hits.get(want - 1).doc().score <= lowest) {
                // take every hit down to that score, ties included (WAND still skips everything below it)
                float highest =
                        q.after() == null ? Float.POSITIVE_INFINITY : q.after().score();
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
            if (q.after() != null
                    && sd.score == q.after().score()
                    && id.compareTo(q.after().id()) <= 0) continue; // seen
            hits.add(new IdHit(sd, id));
        }
        hits.sort(Comparator.comparing((IdHit h) -> -h.doc().score).thenComparing(IdHit::id));
        return hits;
    }
}
