package dev.feedsearch.query.rank;

import dev.feedsearch.core.model.Hashtags;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a post's prose (its text without #tags) holds the query as written, before any analysis: the share of the
 * query's words it contains in exactly that form (accents and all, case aside), and whether it holds them as one
 * phrase. The engine matched the post through stems and folded forms; these say which matches are the query
 * itself, so {@code résumé} puts posts that write {@code résumé} before those that write {@code resume}.
 *
 * @param exact  share of the query's words found in that form: whole words, or for scripts written without
 *               spaces between words (Han, kana, Hangul with its particles, Thai, …) as a substring; a word found
 *               only once accents are set aside on both sides counts half (proprieta finds proprietà, and still
 *               ranks it below a post that writes proprieta)
 * @param phrase 1 when a query of two or more words appears as one run of words, else 0
 */
public record TextMatch(double exact, double phrase) {
    public static final TextMatch NONE = new TextMatch(0, 0);

    public static TextMatch of(String query, String text) {
        if (query == null || text == null) return NONE;
        List<String> words = words(normalize(Hashtags.strip(query)));
        if (words.isEmpty()) return NONE;
        String prose = normalize(Hashtags.strip(text));
        List<String> proseWords = words(prose);
        Set<String> have = new HashSet<>(proseWords);
        Set<String> haveFolded = null;
        double found = 0;
        for (String w : words) {
            if (unspaced(w) ? prose.contains(w) : have.contains(w)) {
                found++;
                continue;
            }
            if (haveFolded == null) {
                haveFolded = new HashSet<>();
                for (String p : proseWords) haveFolded.add(fold(p));
            }
            if (!unspaced(w) && haveFolded.contains(fold(w))) found += 0.5;
        }
        double phrase = 0;
        if (words.size() > 1 && found > 0) {
            phrase = (" " + String.join(" ", proseWords) + " ").contains(" " + String.join(" ", words) + " ") ? 1 : 0;
        }
        return new TextMatch(found / words.size(), phrase);
    }

    /** Without combining marks (é is e, ñ is n); letters that are not a base plus a mark (ø, ł, ß) stay. */
    private static String fold(String word) {
        String d = Normalizer.normalize(word, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++)
            if (Character.getType(d.charAt(i)) != Character.NON_SPACING_MARK) out.append(d.charAt(i));
        return out.toString();
    }

    private static String normalize(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** Runs of letters, marks and digits (apostrophes inside a word kept: l'homme, don't). */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean inWord = Character.isLetterOrDigit(cp)
                    || Character.getType(cp) == Character.NON_SPACING_MARK
                    || Character.getType(cp) == Character.COMBINING_SPACING_MARK
                    || ((cp == '\'' || cp == '\u2019') && w.length() > 0);
            if (inWord) {
                w.appendCodePoint(cp);
            } else if (w.length() > 0) {
                out.add(w.toString());
                w.setLength(0);
            }
            i += Character.charCount(cp);
        }
        if (w.length() > 0) out.add(w.toString());
        return out;
    }

    private static boolean unspaced(String word) {
        return word.codePoints().anyMatch(cp -> switch (Character.UnicodeScript.of(cp)) {
            case HAN, HIRAGANA, KATAKANA, HANGUL, THAI, LAO, KHMER, MYANMAR -> true;
            default -> false;
        });
    }
}
