package dev.feedsearch.core.analysis;

import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.SearchQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Where a post's text holds what its search asked for: the post's text and the query's words and phrases are
 * analysed by the post's own group's analyzers (the same definitions both engines index with), and the tokens whose
 * terms are the query's light up, a phrase only where its terms stand at its positions. So stemmed and folded forms
 * are found ({@code 走った} for {@code 走る}, {@code éducation} for {@code education}), and offsets are the analyzer's,
 * UTF-16 code units into the original text (char filters correct them). Exclusions are never highlighted.
 * One instance per search: it keeps each group's analysis of the query for the hits that follow.
 */
public final class Highlighter {
    /** One highlighted span of a text, {@code [start, end)} in UTF-16 code units. */
    public record Span(int start, int end) {}

    private record Token(String term, int position, int start, int end) {}

    /** A unit of the query analysed by one field: its terms by position relative to its first (a phrase's gaps kept). */
    private record UnitTerms(boolean phrase, List<Set<String>> positions, List<Integer> offsets) {}

    private final GroupAnalyzers analyzers;
    private final List<ParsedQuery.Unit> units;
    private final Map<String, List<UnitTerms>> byField = new HashMap<>();

    /** The words and phrases of {@code q} to highlight (none for a search without text). */
    public Highlighter(GroupAnalyzers analyzers, SearchQuery q) {
        this.analyzers = analyzers;
        if (q.syntax() != null) {
            units = q.syntax().required().stream()
                    .flatMap(c -> c.anyOf().stream())
                    .toList();
        } else {
            units = q.text() == null ? List.of() : List.of(new ParsedQuery.Words(q.text()));
        }
    }

    /** The spans of {@code text} (a post of {@code group}) that match, sorted, overlaps merged. */
    public List<Span> spans(String group, String text) {
        if (units.isEmpty() || text == null || text.isEmpty()) return List.of();
        List<GroupAnalyzers.TextField> fields;
        try {
            fields = analyzers.fieldsOf(group);
        } catch (IllegalArgumentException unknownGroup) {
            return List.of();
        }
        List<Span> found = new ArrayList<>();
        for (GroupAnalyzers.TextField f : fields) {
            List<UnitTerms> query = byField.computeIfAbsent(f.luceneField(), k -> analyseQuery(f));
            if (query.isEmpty()) continue;
            List<Token> tokens = analyse(f, text);
            for (UnitTerms u : query) {
                if (u.phrase()) phraseSpans(u, tokens, found);
                else wordSpans(u, tokens, found);
            }
        }
        return merge(found);
    }

    private List<UnitTerms> analyseQuery(GroupAnalyzers.TextField f) {
        List<UnitTerms> out = new ArrayList<>();
        for (ParsedQuery.Unit u : units) {
            List<Token> tokens = analyse(f, u.text());
            if (tokens.isEmpty()) continue;
            List<Set<String>> positions = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            int first = tokens.getFirst().position();
            for (Token t : tokens) {
                int rel = t.position() - first;
                if (offsets.isEmpty() || offsets.getLast() != rel) {
                    offsets.add(rel);
                    positions.add(new HashSet<>());
                }
                positions.getLast().add(t.term());
            }
            out.add(new UnitTerms(u instanceof ParsedQuery.Phrase, positions, offsets));
        }
        return out;
    }

    private static void wordSpans(UnitTerms u, List<Token> tokens, List<Span> out) {
        Set<String> terms = new HashSet<>();
        u.positions().forEach(terms::addAll);
        for (Token t : tokens) if (terms.contains(t.term())) out.add(new Span(t.start(), t.end()));
    }

    /** Every run of tokens standing at the phrase's relative positions with one of its terms at each. */
    private static void phraseSpans(UnitTerms u, List<Token> tokens, List<Span> out) {
        Map<Integer, List<Token>> atPosition = new HashMap<>();
        for (Token t : tokens)
            atPosition.computeIfAbsent(t.position(), k -> new ArrayList<>()).add(t);
        for (Token t : tokens) {
            if (!u.positions().getFirst().contains(t.term())) continue;
            int start = t.start(), end = t.end();
            boolean all = true;
            for (int i = 1; i < u.offsets().size() && all; i++) {
                all = false;
                for (Token n :
                        atPosition.getOrDefault(t.position() + u.offsets().get(i), List.of())) {
                    if (u.positions().get(i).contains(n.term())) {
                        start = Math.min(start, n.start());
                        end = Math.max(end, n.end());
                        all = true;
                        break;
                    }
                }
            }
            if (all) out.add(new Span(start, end));
        }
    }

    private static List<Token> analyse(GroupAnalyzers.TextField f, String text) {
        List<Token> out = new ArrayList<>();
        try (TokenStream ts = f.analyzer().tokenStream(f.luceneField(), text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            PositionIncrementAttribute increment = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int position = -1;
            while (ts.incrementToken()) {
                position += increment.getPositionIncrement();
                out.add(new Token(term.toString(), position, offset.startOffset(), offset.endOffset()));
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing with " + f.luceneField() + " failed", e);
        }
        return out;
    }

    private static List<Span> merge(List<Span> spans) {
        if (spans.isEmpty()) return List.of();
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort((a, b) ->
                a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(a.end(), b.end()));
        List<Span> out = new ArrayList<>();
        Span cur = sorted.getFirst();
        for (Span s : sorted.subList(1, sorted.size())) {
            if (s.start() < cur.end()) {
                cur = new Span(cur.start(), Math.max(cur.end(), s.end()));
            } else {
                out.add(cur);
                cur = s;
            }
        }
        out.add(cur);
        return List.copyOf(out);
    }
}
