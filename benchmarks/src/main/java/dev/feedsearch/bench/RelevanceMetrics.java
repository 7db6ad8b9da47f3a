package dev.feedsearch.bench;

import dev.feedsearch.bench.EvalQueries.EvalQuery;
import dev.feedsearch.bench.EvalQueries.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Scores of one query's top hits against its judgments, and their averages over a set of queries. */
final class RelevanceMetrics {
    private RelevanceMetrics() {}

    static final int K = 10;

    /** A hit as /v1/search returned it. */
    record Hit(String id, String lang, String text) {}

    /**
     * @param grades     the judged grade of each hit, in rank order
     * @param prose      whether each hit's prose holds the query (word, family form or CJK string)
     * @param proseSlots the top slots prose matches could fill: min(K, posts of the corpus whose prose holds it, hits returned)
     * @param violations pairs of hits where one without the query's characters ranks above one with them (CJK only)
     * @param error      why the request failed, or null
     */
    record Scored(
            EvalQuery query,
            List<Hit> hits,
            List<Integer> grades,
            List<Boolean> prose,
            int proseSlots,
            double reciprocalRank,
            double ndcg,
            int violations,
            String error) {
        boolean anyRelevant() {
            return grades.stream().anyMatch(g -> g > 0);
        }

        /** Prose-matching hits among the first {@link #proseSlots}. */
        long proseHits() {
            return prose.stream().limit(proseSlots).filter(b -> b).count();
        }

        /** Hits that hold the query only as a #hashtag. */
        long tagOnlyHits() {
            return hits.stream().filter(h -> query.tagOnly(h.text())).count();
        }
    }

    static Scored score(EvalQuery q, List<Hit> returned, int proseAvailable, String error) {
        List<Hit> hits = returned.subList(0, Math.min(K, returned.size()));
        List<Integer> grades = new ArrayList<>();
        List<Boolean> prose = new ArrayList<>();
        for (Hit h : hits) {
            grades.add(q.grades().getOrDefault(h.id(), 0));
            prose.add(q.proseMatches(h.text()));
        }
        int violations = q.kind() == Kind.CJK ? inversions(prose) : 0;
        return new Scored(
                q,
                List.copyOf(hits),
                List.copyOf(grades),
                List.copyOf(prose),
                Math.min(hits.size(), Math.min(K, proseAvailable)),
                reciprocalRank(grades),
                ndcg(grades, q.grades().values()),
                violations,
                error);
    }

    /** 1 / rank of the first hit with a grade above 0 within the top {@link #K}; 0 if none. */
    static double reciprocalRank(List<Integer> grades) {
        for (int i = 0; i < Math.min(K, grades.size()); i++) if (grades.get(i) > 0) return 1.0 / (i + 1);
        return 0;
    }

    /** nDCG@K with gain 2^grade − 1; the ideal ranking is the judged grades, best first. */
    static double ndcg(List<Integer> grades, Collection<Integer> judged) {
        double ideal = dcg(judged.stream().sorted((a, b) -> b - a).toList());
        return ideal == 0 ? 0 : dcg(grades) / ideal;
    }

    private static double dcg(List<Integer> grades) {
        double sum = 0;
        for (int i = 0; i < Math.min(K, grades.size()); i++)
            sum += (Math.pow(2, grades.get(i)) - 1) / (Math.log(i + 2) / Math.log(2));
        return sum;
    }

    /** Pairs (i < j) where hit i lacks the query and hit j has it. */
    static int inversions(List<Boolean> has) {
        int n = 0, without = 0;
        for (boolean h : has) {
            if (h) n += without;
            else without++;
        }
        return n;
    }

    /**
     * Averages over a set of queries.
     *
     * @param proseShare   prose-matching hits ÷ the slots they could fill: for each query its top min(K, R, returned)
     *                     hits, R the posts whose prose holds the query (a query with 3 such posts is judged on its
     *                     top 3, so a hashtag carrier or a neighbouring language's cognate there counts against it;
     *                     posts never returned are recall, which nDCG measures)
     * @param zeroRelevant queries without a single relevant hit in their top {@link #K}
     */
    record Summary(
            int queries,
            double mrr,
            double ndcg,
            double proseShare,
            double tagOnlyShare,
            long hits,
            int zeroRelevant,
            int violations,
            int queriesWithViolations,
            int errors) {
        static Summary of(Collection<Scored> scored) {
            int n = scored.size();
            long hits = 0, prose = 0, returned = 0, tagOnly = 0;
            double rr = 0, ndcg = 0;
            int zero = 0, violations = 0, violating = 0, errors = 0;
            for (Scored s : scored) {
                rr += s.reciprocalRank();
                ndcg += s.ndcg();
                hits += s.proseSlots();
                prose += s.proseHits();
                returned += s.hits().size();
                tagOnly += s.tagOnlyHits();
                if (!s.anyRelevant()) zero++;
                violations += s.violations();
                if (s.violations() > 0) violating++;
                if (s.error() != null) errors++;
            }
            return new Summary(
                    n,
                    n == 0 ? Double.NaN : rr / n,
                    n == 0 ? Double.NaN : ndcg / n,
                    hits == 0 ? Double.NaN : (double) prose / hits,
                    returned == 0 ? 0 : (double) tagOnly / returned,
                    hits,
                    zero,
                    violations,
                    violating,
                    errors);
        }
    }
}
