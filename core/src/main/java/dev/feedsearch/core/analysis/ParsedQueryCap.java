package dev.feedsearch.core.analysis;

import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.ParsedQuery.Clause;
import dev.feedsearch.core.index.ParsedQuery.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link QueryTextCap}'s bound for a query written with operators: all its units together may have at most
 * {@link QueryTextCap#MAX_POSITIONS} positions, since each is matched in every group's fields as a plain query's
 * words are. Exclusions are counted first (dropping one would show what the user asked not to see), then the plain
 * words (cut as a plain query's text is), then phrases and OR groups in order. What does not fit stops being
 * required: a phrase is cut to the words that fit, an OR group that does not fit whole is dropped whole (fewer
 * alternatives would narrow the results), an exclusion that does not fit is dropped. Both engines cut the same way.
 */
public final class ParsedQueryCap {
    private ParsedQueryCap() {}

    /** True when no analysis can pass the bound (so no analyzers are needed to cut it). */
    public static boolean fits(ParsedQuery q) {
        int codePoints = 0;
        for (Unit u : q.excluded())
            codePoints += u.text().codePointCount(0, u.text().length());
        for (Clause c : q.required())
            for (Unit u : c.anyOf())
                codePoints += u.text().codePointCount(0, u.text().length());
        return codePoints <= QueryTextCap.MAX_POSITIONS;
    }

    public static ParsedQuery cap(ParsedQuery q, List<GroupAnalyzers.TextField> fields) {
        if (fits(q)) return q;
        // exclusions may take half when something is required, so that the required part keeps room
        int max = QueryTextCap.MAX_POSITIONS, exclusionRoom = q.required().isEmpty() ? max : max / 2, left = max;
        List<Unit> excluded = new ArrayList<>();
        for (Unit u : q.excluded()) {
            int n = QueryTextCap.positions(u.text(), fields);
            if (n > exclusionRoom) continue;
            excluded.add(u);
            exclusionRoom -= n;
            left -= n;
        }
        List<Clause> required = new ArrayList<>();
        String words = q.requiredWords();
        if (words != null && left > 0) {
            String cut = QueryTextCap.cap(words, fields, left);
            if (!cut.isEmpty()) {
                required.add(Clause.of(new ParsedQuery.Words(cut)));
                left -= QueryTextCap.positions(cut, fields);
            }
        }
        for (Clause c : q.structuredClauses()) {
            if (c.anyOf().size() == 1 && c.anyOf().getFirst() instanceof ParsedQuery.Phrase p) {
                String cut = left > 0 ? QueryTextCap.cap(p.text(), fields, left) : "";
                if (cut.isEmpty()) continue;
                required.add(Clause.of(new ParsedQuery.Phrase(cut)));
                left -= QueryTextCap.positions(cut, fields);
                continue;
            }
            int n = 0;
            for (Unit u : c.anyOf()) n += QueryTextCap.positions(u.text(), fields);
            if (n > left) continue;
            required.add(c);
            left -= n;
        }
        if (required.isEmpty() && !q.required().isEmpty()) {
            // a lone OR group too long to fit whole: each alternative cut to its share, so something stays required
            Clause first = q.required().getFirst();
            int share = Math.max(1, left / first.anyOf().size());
            List<Unit> units = new ArrayList<>();
            for (Unit u : first.anyOf()) {
                String cut = QueryTextCap.cap(u.text(), fields, share);
                if (cut.isEmpty()) continue;
                units.add(u instanceof ParsedQuery.Phrase ? new ParsedQuery.Phrase(cut) : new ParsedQuery.Words(cut));
            }
            if (!units.isEmpty()) required.add(new Clause(units));
        }
        return new ParsedQuery(required, excluded);
    }
}
