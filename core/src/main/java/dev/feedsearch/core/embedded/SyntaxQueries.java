package dev.feedsearch.core.embedded;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.ParsedQuery;
import java.util.List;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.QueryBuilder;

/**
 * A {@link ParsedQuery} (already capped) as Lucene queries over the groups' text fields. Each unit is analysed by
 * each field's own analyzer, so a phrase's positions are that group's segmentation ({@code "労働組合"} is one
 * kuromoji position sequence in the Japanese field, four adjacent characters in a bigram field).
 */
final class SyntaxQueries {
    private SyntaxQueries() {}

    /**
     * The required part: every clause matched within one field (as a plain query's words are), any field.
     * Null when no field can match it.
     */
    static Query required(ParsedQuery q, List<GroupAnalyzers.TextField> fields) {
        BooleanQuery.Builder anyField = new BooleanQuery.Builder();
        int n = 0;
        for (GroupAnalyzers.TextField f : fields) {
            Query inField = allClauses(q, f);
            if (inField != null) {
                anyField.add(inField, Occur.SHOULD);
                n++;
            }
        }
        return n == 0 ? null : anyField.build();
    }

    /** What a post may not match in any field; null when nothing is excluded (or no exclusion has tokens). */
    static Query excluded(ParsedQuery q, List<GroupAnalyzers.TextField> fields) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        int n = 0;
        for (ParsedQuery.Unit u : q.excluded()) {
            for (GroupAnalyzers.TextField f : fields) {
                Query uq = unit(u, f);
                if (uq != null) {
                    any.add(uq, Occur.SHOULD);
                    n++;
                }
            }
        }
        return n == 0 ? null : any.build();
    }

    private static Query allClauses(ParsedQuery q, GroupAnalyzers.TextField f) {
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        String words = q.requiredWords();
        if (words != null) {
            Query wq = unit(new ParsedQuery.Words(words), f);
            if (wq == null) return null; // as a plain query: no tokens in this field, no match in it
            all.add(wq, Occur.MUST);
        }
        for (ParsedQuery.Clause c : q.structuredClauses()) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            int n = 0;
            for (ParsedQuery.Unit u : c.anyOf()) {
                Query uq = unit(u, f);
                if (uq != null) {
                    any.add(uq, Occur.SHOULD);
                    n++;
                }
            }
            if (n == 0) return null; // a clause that cannot match here: the field cannot match
            all.add(any.build(), Occur.MUST);
        }
        return all.build().clauses().isEmpty() ? null : all.build();
    }

    private static Query unit(ParsedQuery.Unit u, GroupAnalyzers.TextField f) {
        QueryBuilder b = new QueryBuilder(f.analyzer());
        return switch (u) {
            case ParsedQuery.Words w -> b.createBooleanQuery(f.luceneField(), w.text(), Occur.MUST);
            case ParsedQuery.Phrase p -> b.createPhraseQuery(f.luceneField(), p.text());
        };
    }
}
