package dev.feedsearch.core.index;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The text part of a search written with operators, engine-neutral: every {@link #required} clause must match
 * (a clause of several units is an OR), no {@link #excluded} unit may. Filters ({@code from:}, {@code lang:}, …)
 * are not here: they become {@link SearchQuery}'s own fields. Each unit's text is analysed by every group's
 * analyzer, as a plain query's is, and a post is matched by its own group's analysis.
 */
public record ParsedQuery(List<Clause> required, List<Unit> excluded) {

    public ParsedQuery {
        required = List.copyOf(required);
        excluded = List.copyOf(excluded);
    }

    /** Something a clause or an exclusion matches. */
    public sealed interface Unit permits Words, Phrase {
        String text();
    }

    /** Words that must all match, in any order (a plain query's semantics). */
    public record Words(String text) implements Unit {
        public Words {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Words that must match in this order, one after another (by the group analyzer's positions). */
    public record Phrase(String text) implements Unit {
        public Phrase {
            Objects.requireNonNull(text, "text");
        }
    }

    /** One or more units, any of which may match. */
    public record Clause(List<Unit> anyOf) {
        public Clause {
            anyOf = List.copyOf(anyOf);
            if (anyOf.isEmpty()) throw new IllegalArgumentException("a clause needs a unit");
        }

        public static Clause of(Unit... units) {
            return new Clause(List.of(units));
        }

        boolean isPlainWords() {
            return anyOf.size() == 1 && anyOf.getFirst() instanceof Words;
        }
    }

    /**
     * The required plain words as one text (null if none): matched as a plain query is, so the words of
     * {@code human rights -abuse} are read exactly as those of {@code human rights}.
     */
    public String requiredWords() {
        String s = required.stream()
                .filter(Clause::isPlainWords)
                .map(c -> c.anyOf().getFirst().text())
                .collect(Collectors.joining(" "));
        return s.isEmpty() ? null : s;
    }

    /** The required clauses that are not plain words: phrases and OR groups. */
    public List<Clause> structuredClauses() {
        return required.stream().filter(c -> !c.isPlainWords()).toList();
    }

    /** Every required unit's text, in order (null if none): what ranking features and language detection read. */
    public String positiveText() {
        String s = required.stream()
                .flatMap(c -> c.anyOf().stream())
                .map(Unit::text)
                .collect(Collectors.joining(" "));
        return s.isEmpty() ? null : s;
    }

    /** True when it says no more than its words would as a plain query (no phrase, OR or exclusion). */
    public boolean isPlain() {
        return excluded.isEmpty() && required.stream().allMatch(Clause::isPlainWords);
    }
}
