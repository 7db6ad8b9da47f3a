package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * "Would this query find this document?" at the token level, the way the embedded engine searches: the query is
 * analyzed with the field's own analyzer, every query position must match (terms at one position are
 * alternatives, as in Lucene's QueryBuilder), and a group's fields are OR-ed.
 */
final class Findability {

    private Findability() {}

    /** The terms at each position (same-position terms, e.g. preserve_original, share a set). */
    static List<Set<String>> positions(Analyzer analyzer, String field, String text) {
        List<Set<String>> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (inc.getPositionIncrement() > 0 || out.isEmpty()) {
                    out.add(new LinkedHashSet<>());
                }
                out.get(out.size() - 1).add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Query tokens ⊆ doc tokens, per position: each query position has a term the document contains. */
    static boolean findable(Analyzer analyzer, String field, String query, String doc) {
        List<Set<String>> q = positions(analyzer, field, query);
        if (q.isEmpty()) {
            return false;
        }
        Set<String> d = new HashSet<>();
        positions(analyzer, field, doc).forEach(d::addAll);
        for (Set<String> alternatives : q) {
            if (alternatives.stream().noneMatch(d::contains)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the query finds the document through the given text field. */
    static boolean findable(GroupAnalyzers.TextField f, String query, String doc) {
        return findable(f.analyzer(), f.luceneField(), query, doc);
    }

    /** Whether the query finds the document through any text field of the group. */
    static boolean findableInGroup(GroupAnalyzers analyzers, String group, String query, String doc) {
        return analyzers.fieldsOf(group).stream().anyMatch(f -> findable(f, query, doc));
    }

    static void assertFindable(GroupAnalyzers analyzers, String group, String query, String doc) {
        assertThat(findableInGroup(analyzers, group, query, doc))
                .as("[%s] query '%s' should find '%s'%n%s", group, query, doc, explain(analyzers, group, query, doc))
                .isTrue();
    }

    static void assertNotFindable(GroupAnalyzers analyzers, String group, String query, String doc) {
        assertThat(findableInGroup(analyzers, group, query, doc))
                .as("[%s] query '%s' must not find '%s'%n%s", group, query, doc, explain(analyzers, group, query, doc))
                .isFalse();
    }

    static String explain(GroupAnalyzers analyzers, String group, String query, String doc) {
        StringJoiner out = new StringJoiner("\n");
        for (GroupAnalyzers.TextField f : analyzers.fieldsOf(group)) {
            out.add("  " + f.luceneField() + ": query " + positions(f.analyzer(), f.luceneField(), query) + " doc "
                    + positions(f.analyzer(), f.luceneField(), doc));
        }
        return out.toString();
    }
}
