package dev.feedsearch.core.embedded;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;

/**
 * Every hit scoring within [min, max], found with the scorer told that nothing below {@code min} competes, so
 * block-max WAND still skips the rest of the matches. Relevance pages use it to settle ties at a page's cut-off
 * score: a top-k by score keeps an arbitrary subset of the hits tied at its lowest score, the (score, id) order needs
 * all of them, and sorting every match by (score, id) instead cannot skip anything.
 */
final class ScoreBand {
    private ScoreBand() {}

    /** The hits scoring within [min, max], unordered; null once there are more than {@code cap}. */
    static List<ScoreDoc> collect(IndexSearcher s, Query query, float min, float max, int cap) throws IOException {
        List<ScoreDoc> out = s.search(query, new CollectorManager<Band, List<ScoreDoc>>() {
            @Override
            public Band newCollector() {
                return new Band(min, max, cap);
            }

            @Override
            public List<ScoreDoc> reduce(Collection<Band> bands) {
                List<ScoreDoc> all = new ArrayList<>();
                for (Band b : bands) {
                    if (b.overflow) return null;
                    all.addAll(b.hits);
                }
                return all.size() > cap ? null : all;
            }
        });
        return out;
    }

    private static final class Band extends SimpleCollector {
        private final float min, max;
        private final int cap;
        private final List<ScoreDoc> hits = new ArrayList<>();
        private boolean overflow;
        private Scorable scorer;
        private int docBase;

        Band(float min, float max, int cap) {
            this.min = min;
            this.max = max;
            this.cap = cap;
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.TOP_SCORES;
        }

        @Override
        protected void doSetNextReader(LeafReaderContext context) {
            docBase = context.docBase;
        }

        @Override
        public void setScorer(Scorable scorer) throws IOException {
            this.scorer = scorer;
            scorer.setMinCompetitiveScore(min); // documents scoring below min may be skipped: ties at min are kept
        }

        @Override
        public void collect(int doc) throws IOException {
            if (overflow) return;
            float score = scorer.score();
            if (score < min || score > max) return;
            hits.add(new ScoreDoc(docBase + doc, score));
            if (hits.size() > cap) overflow = true;
        }
    }
}
