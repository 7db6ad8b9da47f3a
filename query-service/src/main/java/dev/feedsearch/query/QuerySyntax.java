package dev.feedsearch.query;

import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.ParsedQuery.Clause;
import dev.feedsearch.core.index.ParsedQuery.Unit;
import dev.feedsearch.core.model.Hashtags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the operators of {@code q}: {@code "phrases"} (straight, curly and national quotes), {@code -word} and
 * {@code -"phrase"} exclusions, {@code OR} between words or phrases (all else is AND), and the filters
 * {@code from:}, {@code to:}, {@code @user}, {@code #tag}, {@code lang:}, {@code since:}, {@code until:}, {@code is:reply} and
 * {@code -is:reply}. A backslash makes the next character plain text; an unknown {@code word:word} is plain text.
 * Filter values are returned as written: {@link SearchParams} validates them as it does the URL parameters.
 * Refusals are 400s naming {@code q}.
 */
public final class QuerySyntax {
    /** Phrases, OR alternatives and exclusions one query may hold: each is matched in every group's fields. */
    public static final int MAX_UNITS = 32;

    /** Each opening quote and the quotes that close it (German „…“, Swedish ”…”, Danish »…«, Japanese 「…」). */
    private static final Map<Integer, String> CLOSERS = Map.of(
            (int) '"',
            "\"\u201d\u201c",
            (int) '\u201c',
            "\u201d\u201c\"",
            (int) '\u201d',
            "\u201d\"",
            (int) '\u201e',
            "\u201c\u201d\"",
            (int) '\u00ab',
            "\u00bb",
            (int) '\u00bb',
            "\u00ab",
            (int) '\u300c',
            "\u300d",
            (int) '\u300e',
            "\u300f",
            (int) '\uff02',
            "\uff02");
    /** Quotes that open a phrase even inside a run of text: CJK writing has no spaces to start a token. */
    private static final String OPEN_ANYWHERE = "\u300c\u300e";

    private static final Set<String> FILTERS = Set.of("from", "to", "lang", "since", "until", "is");

    /**
     * What {@code q} asks for.
     *
     * @param query    the text part (null when q has no words, phrases or exclusions)
     * @param plain    true when q used no operator but {@code #tags}: its text is then read exactly as before
     *                 operators existed (the hashtags taken out of q as written)
     * @param reply    {@code is:reply} true, {@code -is:reply} false, else null
     */
    public record Parsed(
            ParsedQuery query,
            boolean plain,
            String from,
            String to,
            String lang,
            String since,
            String until,
            Set<String> mentions,
            Set<String> tags,
            Boolean reply) {
        public Parsed {
            mentions = Set.copyOf(mentions);
            tags = Set.copyOf(tags);
        }

        boolean hasFilter() {
            return from != null
                    || to != null
                    || lang != null
                    || since != null
                    || until != null
                    || reply != null
                    || !mentions.isEmpty()
                    || !tags.isEmpty();
        }
    }

    private QuerySyntax() {}

    /** The kinds of token {@link #tokens} reads. */
    private enum Kind {
        WORD,
        PHRASE
    }

    /** @param literal an escape was used: the token is text, never an operator */
    private record Token(Kind kind, String text, boolean negated, boolean literal) {}

    public static Parsed parse(String q) {
        List<Token> tokens = tokens(q);
        List<List<Unit>> required = new ArrayList<>();
        List<Unit> excluded = new ArrayList<>();
        Set<String> mentions = new LinkedHashSet<>(), tags = new LinkedHashSet<>();
        String[] filters = new String[5]; // from, lang, since, until, to
        Boolean reply = null;
        boolean plain = true;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.literal() || t.kind() == Kind.PHRASE || t.negated()) plain = false;
            if (t.kind() == Kind.WORD && !t.literal()) {
                String w = t.text();
                if (isOr(t)
                        && i > 0
                        && isPositiveUnit(tokens.get(i - 1))
                        && i + 1 < tokens.size()
                        && isPositiveUnit(tokens.get(i + 1))
                        && !required.isEmpty()) {
                    required.getLast().add(unitOf(tokens.get(++i), tags));
                    plain = false;
                    continue;
                }
                int colon = w.indexOf(':');
                String name = colon > 0 ? w.substring(0, colon).toLowerCase(Locale.ROOT) : null;
                if (name != null && FILTERS.contains(name) && colon < w.length() - 1) {
                    String value = w.substring(colon + 1);
                    plain = false;
                    if (name.equals("is")) {
                        if (!value.equalsIgnoreCase("reply"))
                            throw bad("is: takes only reply (is:reply, -is:reply), got '" + w + "'");
                        if (reply != null && reply == t.negated())
                            throw bad("q asks for is:reply and -is:reply at once");
                        reply = !t.negated();
                        continue;
                    }
                    if (t.negated()) throw bad("only is:reply can be negated, got '-" + w + "'");
                    switch (name) {
                        case "to" ->
                            filters[4] = once(filters[4], value.startsWith("@") ? value.substring(1) : value, "to:");
                        case "from" ->
                            filters[0] = once(filters[0], value.startsWith("@") ? value.substring(1) : value, "from:");
                        case "lang" -> filters[1] = once(filters[1], value, "lang:");
                        case "since" -> filters[2] = once(filters[2], value, "since:");
                        default -> filters[3] = once(filters[3], value, "until:");
                    }
                    continue;
                }
                if (w.length() > 1 && w.startsWith("@")) {
                    if (t.negated()) throw bad("only is:reply can be negated, got '-" + w + "'");
                    mentions.add(w.substring(1));
                    plain = false;
                    continue;
                }
                if (t.negated() && Hashtags.PATTERN.matcher(w).matches()) {
                    throw bad("only is:reply can be negated, got '-" + w + "'");
                }
            }
            if (t.negated()) {
                Unit u = t.kind() == Kind.PHRASE ? new ParsedQuery.Phrase(t.text()) : new ParsedQuery.Words(t.text());
                if (!u.text().isBlank()) excluded.add(u);
                continue;
            }
            Unit u = unitOf(t, tags);
            if (u != null) required.add(new ArrayList<>(List.of(u)));
        }
        List<Clause> clauses = required.stream().map(Clause::new).toList();
        long units = excluded.size()
                + clauses.stream()
                        .filter(c -> c.anyOf().size() > 1 || c.anyOf().getFirst() instanceof ParsedQuery.Phrase)
                        .mapToLong(c -> c.anyOf().size())
                        .sum();
        if (units > MAX_UNITS)
            throw bad("q holds more than " + MAX_UNITS + " phrases, OR alternatives and exclusions (" + units + ")");
        ParsedQuery query = clauses.isEmpty() && excluded.isEmpty() ? null : new ParsedQuery(clauses, excluded);
        Parsed p = new Parsed(
                query, plain, filters[0], filters[4], filters[1], filters[2], filters[3], mentions, tags, reply);
        if (clauses.isEmpty() && !p.hasFilter()) {
            throw bad(
                    excluded.isEmpty()
                            ? "q has nothing to search for (no words, phrases or filters)"
                            : "q holds only exclusions: add a word, a phrase or a filter to exclude from");
        }
        return p;
    }

    private static String once(String had, String value, String name) {
        if (had != null && !had.equals(value))
            throw bad(name + " is given twice with different values ('" + had + "', '" + value + "')");
        return value;
    }

    private static boolean isOr(Token t) {
        return t.kind() == Kind.WORD && !t.literal() && !t.negated() && t.text().equals("OR");
    }

    /** A token that reads as a required word or phrase (not an operator, not a filter). */
    private static boolean isPositiveUnit(Token t) {
        if (t.negated()) return false;
        if (t.kind() == Kind.PHRASE) return !t.text().isBlank();
        if (t.literal()) return true;
        String w = t.text();
        if (w.equals("OR")
                || (w.length() > 1 && w.startsWith("@"))
                || !Hashtags.strip(w).equals(w)) return false;
        int colon = w.indexOf(':');
        return !(colon > 0
                && colon < w.length() - 1
                && FILTERS.contains(w.substring(0, colon).toLowerCase(Locale.ROOT)));
    }

    /** A required word or phrase; a word's #tags become tag filters (null when nothing else is left). */
    private static Unit unitOf(Token t, Set<String> tags) {
        if (t.kind() == Kind.PHRASE) return t.text().isBlank() ? null : new ParsedQuery.Phrase(t.text());
        String w = t.text();
        if (!t.literal()) {
            tags.addAll(Hashtags.in(w));
            w = Hashtags.strip(w);
        }
        return w.isEmpty() ? null : new ParsedQuery.Words(w);
    }

    private static ApiException bad(String message) {
        return ApiException.badRequest("q", message);
    }

    // ------------------------------------------------------------------ tokens

    private static List<Token> tokens(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = q.length();
        while (i < n) {
            int cp = q.codePointAt(i);
            if (space(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            boolean negated = false;
            if (cp == '-' && i + 1 < n && !space(q.codePointAt(i + 1))) {
                negated = true;
                i++;
                cp = q.codePointAt(i);
            }
            if (CLOSERS.containsKey(cp)) {
                i = phrase(q, i, negated, out);
                continue;
            }
            StringBuilder w = new StringBuilder();
            boolean literal = false;
            while (i < n) {
                int c = q.codePointAt(i);
                if (space(c) || (OPEN_ANYWHERE.indexOf(c) >= 0 && !w.isEmpty())) break;
                if (c == '\\' && i + 1 < n) {
                    literal = true;
                    i++;
                    c = q.codePointAt(i);
                }
                w.appendCodePoint(c);
                i += Character.charCount(c);
            }
            out.add(new Token(Kind.WORD, w.toString(), negated, literal));
        }
        return out;
    }

    /** Reads the phrase opening at {@code i} (to its closing quote, or the end: an unbalanced quote closes there). */
    private static int phrase(String q, int i, boolean negated, List<Token> out) {
        String closers = CLOSERS.get(q.codePointAt(i));
        i += Character.charCount(q.codePointAt(i));
        StringBuilder p = new StringBuilder();
        while (i < q.length()) {
            int c = q.codePointAt(i);
            i += Character.charCount(c);
            if (closers.indexOf(c) >= 0) break;
            if (c == '\\' && i < q.length()) {
                c = q.codePointAt(i);
                i += Character.charCount(c);
            }
            p.appendCodePoint(c);
        }
        out.add(new Token(Kind.PHRASE, p.toString().strip(), negated, false));
        return i;
    }

    private static boolean space(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }
}
