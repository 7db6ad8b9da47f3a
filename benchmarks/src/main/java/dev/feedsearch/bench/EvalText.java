package dev.feedsearch.bench;

import com.ibm.icu.text.Transliterator;
import com.ibm.icu.util.ULocale;
import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text rules the relevance judgments are made with: what a word is, what the prose of a post is (its text
 * without #hashtags), how accents are stripped, what makes two forms one word family. Deliberately simpler than
 * the product's analyzers, so the judgments do not inherit the behaviour they are meant to judge.
 */
final class EvalText {
    private EvalText() {}

    /** Letters and combining marks; ZWNJ/ZWJ stay inside a word (Persian writes them mid-word, Unicode word breaks keep them). */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\u200C\\u200D]+");

    private static final Pattern HASHTAG = Pattern.compile("(?<![\\p{L}\\p{M}\\p{N}_])#[\\p{L}\\p{M}\\p{N}_]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    /** Scripts whose words are separated by spaces and long enough to be queried as whole words. */
    static final Set<Character.UnicodeScript> WORD_SCRIPTS = Set.of(
            Character.UnicodeScript.LATIN,
            Character.UnicodeScript.CYRILLIC,
            Character.UnicodeScript.GREEK,
            Character.UnicodeScript.ARABIC,
            Character.UnicodeScript.HEBREW,
            Character.UnicodeScript.DEVANAGARI,
            Character.UnicodeScript.BENGALI);
    /** Scripts where a user plausibly types a word without its diacritics. */
    static final Set<Character.UnicodeScript> STRIPPABLE_SCRIPTS =
            Set.of(Character.UnicodeScript.LATIN, Character.UnicodeScript.CYRILLIC, Character.UnicodeScript.GREEK);

    static String nfc(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /** Lower case by the language's own rules (Turkish dotless i), after NFC. */
    static String lower(String s, String lang) {
        return nfc(s).toLowerCase(Locale.forLanguageTag(lang));
    }

    /** The text without its #hashtags: what the author wrote as prose. */
    static String prose(String text) {
        return HASHTAG.matcher(text).replaceAll(" ").strip().replaceAll("\\s{2,}", " ");
    }

    /** Lower-cased words of a text, in order, with repeats. */
    static List<String> words(String text, String lang) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(lower(text, lang));
        while (m.find()) out.add(m.group());
        return out;
    }

    static Set<String> wordSet(String text, String lang) {
        return new LinkedHashSet<>(words(text, lang));
    }

    /** Letters in a word (marks and joiners do not count). */
    static int letters(String word) {
        return (int) word.codePoints().filter(Character::isLetter).count();
    }

    /** The one script all letters of the word are written in, or null if mixed. */
    static Character.UnicodeScript script(String word) {
        Character.UnicodeScript s = null;
        for (int cp : word.codePoints().toArray()) {
            if (!Character.isLetter(cp)) continue;
            Character.UnicodeScript c = Character.UnicodeScript.of(cp);
            if (s == null) s = c;
            else if (s != c) return null;
        }
        return s;
    }

    /**
     * The word as typed without diacritics: NFD, combining marks removed. The Cyrillic й and ї keep theirs: each is a
     * key of its own on Russian and Ukrainian keyboards, never typed as и or і (ё is: еще for ещё is common).
     */
    static String stripMarks(String word) {
        StringBuilder sb = new StringBuilder();
        for (int cp : nfc(word).codePoints().toArray()) {
            if ("йЙїЇ".indexOf(cp) >= 0) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(MARKS.matcher(Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD))
                        .replaceAll(""));
            }
        }
        return nfc(sb.toString());
    }

    /** Length of the common prefix, in code points. */
    static int commonPrefix(String a, String b) {
        int[] x = a.codePoints().toArray(), y = b.codePoints().toArray();
        int n = 0;
        while (n < x.length && n < y.length && x[n] == y[n]) n++;
        return n;
    }

    /**
     * Two surface forms of one family: a shared prefix of at least max(5, 70% of the shorter form). Arabic and Hebrew
     * words start with clitics (al-, wa-, ha-, ve-) that make five shared letters cheap (والمرض, والمرأة), so there
     * one form must also be a prefix of the other: the family differs by a suffix only.
     */
    static boolean sameFamily(String a, String b) {
        int shorter = Math.min(a.codePointCount(0, a.length()), b.codePointCount(0, b.length()));
        if (commonPrefix(a, b) < Math.max(5, (int) Math.ceil(0.7 * shorter))) return false;
        Character.UnicodeScript s = script(a);
        return (s != Character.UnicodeScript.ARABIC && s != Character.UnicodeScript.HEBREW)
                || a.startsWith(b)
                || b.startsWith(a);
    }

    /** An English word and its simple plural or singular (rights/right, freedom/freedoms, equality/equalities). */
    static Set<String> numberForms(String w) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(w);
        if (w.endsWith("ies") && w.length() > 4) forms.add(w.substring(0, w.length() - 3) + "y");
        else if (w.endsWith("s") && !w.endsWith("ss")) forms.add(w.substring(0, w.length() - 1));
        else if (w.endsWith("y") && w.length() > 2 && "aeiou".indexOf(w.charAt(w.length() - 2)) < 0)
            forms.add(w.substring(0, w.length() - 1) + "ies");
        else forms.add(w + (w.endsWith("sh") || w.endsWith("ch") || w.endsWith("x") ? "es" : "s"));
        return forms;
    }

    /** Maximal runs of Han characters (Chinese, and the kanji of Japanese between kana). */
    static List<String> hanRuns(String text) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int cp : text.codePoints().toArray()) {
            if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN && Character.isLetter(cp)) {
                run.appendCodePoint(cp);
            } else if (!run.isEmpty()) {
                runs.add(run.toString());
                run.setLength(0);
            }
        }
        if (!run.isEmpty()) runs.add(run.toString());
        return runs;
    }

    /**
     * Where ICU's dictionary segmentation puts word boundaries in a run of Han characters, as code-point offsets
     * (0 and the run's length included). Only used to pick query strings a person would type: whole words or a few
     * whole words, not a cut across two (志是政). The product's own analysis plays no part in it.
     */
    static BitSet hanWordBoundaries(String run, String lang) {
        // ICU's BreakIterator stays qualified: the JDK's (imported) segments Thai below
        com.ibm.icu.text.BreakIterator it =
                com.ibm.icu.text.BreakIterator.getWordInstance(ULocale.forLanguageTag(lang));
        it.setText(run);
        BitSet out = new BitSet();
        for (int b = it.first(); b != com.ibm.icu.text.BreakIterator.DONE; b = it.next())
            out.set(run.codePointCount(0, b));
        return out;
    }

    private static final Transliterator TO_SIMPLIFIED = Transliterator.getInstance("Traditional-Simplified");

    /**
     * What "contains the query's characters" compares: NFC, and for Chinese, Traditional folded to Simplified (人權 is
     * 人权: the same word to a reader of either, and the corpus holds both).
     */
    static String cjkFold(String lang, String s) {
        if (!lang.equals("zh")) return nfc(s);
        synchronized (TO_SIMPLIFIED) {
            return TO_SIMPLIFIED.transliterate(nfc(s));
        }
    }

    /** Korean words: space-separated, punctuation trimmed, Hangul only. */
    static List<String> hangulWords(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.split("\\s+")) {
            String w = t.replaceAll("^[^\\p{L}]+|[^\\p{L}]+$", "");
            if (!w.isEmpty()
                    && w.codePoints().allMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HANGUL))
                out.add(w);
        }
        return out;
    }

    /** Thai words by the JDK's dictionary-based word breaker. */
    static List<String> thaiWords(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getWordInstance(Locale.of("th"));
        it.setText(text);
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String w = text.substring(start, end);
            if (w.codePoints().allMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.THAI))
                out.add(w);
        }
        return out;
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
