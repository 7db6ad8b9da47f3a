package dev.feedsearch.core.lang;

import java.util.Locale;
import java.util.Set;

/**
 * Letter counts per script group over a text's first {@value #MAX_SCAN_CODE_POINTS} code points, with the letters and letter patterns that tell the candidate
 * languages of a script apart or rule them all out. Only counting happens here; what the counts mean for
 * the answer is decided in {@link ScriptFirstDetector}.
 *
 * <p>A census is filled once by {@link #of} and only read afterwards, so it can be handed around freely.
 */
final class ScriptCensus {

    /** The script groups the detector tells apart; Han, kana and Hangul share {@code CJK}. */
    enum Group {
        LATIN,
        CYRILLIC,
        ARABIC,
        CJK,
        THAI,
        GREEK,
        HEBREW,
        BENGALI,
        DEVANAGARI,
        OTHER
    }

    /** Han, kana and Hangul letters count this many times when choosing the dominant script. */
    static final int CJK_WEIGHT = 3;

    /** How many code points are inspected for the script census. */
    static final int MAX_SCAN_CODE_POINTS = 1024;

    private final int[] counts = new int[Group.values().length];
    private int han, kana, hangul;
    /** Letters of an alphabetic script that no supported language of that script writes. */
    private int latinForeign, cyrillicForeign, arabicForeign;
    /** Cyrillic markers: ы/э/ё (Russian, Belarusian), і (Ukrainian, Belarusian), ъ before a consonant (Bulgarian). */
    private int ruOnly, cyrI, hardSignBeforeConsonant;
    /** Cyrillic і ї є ґ (Ukrainian, not Russian). */
    private int ukOnly;
    /** Arabic-script letters of Persian, not Arabic (پ چ ژ گ ک ی), and of Arabic, not Persian (ة ك ي ى). */
    private int faOnly, arOnly;

    private int previous;

    private ScriptCensus() {}

    /** Han letters (CJK ideographs). */
    int han() {
        return han;
    }

    /** Hiragana and Katakana letters. */
    int kana() {
        return kana;
    }

    /** Hangul letters. */
    int hangul() {
        return hangul;
    }

    /** Cyrillic ы/э/ё: letters Russian writes and Bulgarian does not. */
    int ruOnly() {
        return ruOnly;
    }

    int count(Group g) {
        return counts[g.ordinal()];
    }

    int total() {
        int t = 0;
        for (int c : counts) t += c;
        return t;
    }

    Group dominant() {
        Group best = Group.OTHER;
        int bestCount = 0;
        for (Group g : Group.values()) {
            int weighted = g == Group.CJK ? counts[g.ordinal()] * CJK_WEIGHT : counts[g.ordinal()];
            if (weighted > bestCount) {
                best = g;
                bestCount = weighted;
            }
        }
        return best;
    }

    /** True when the text shows letters or letter patterns that no candidate language of the script has. */
    boolean foreignTo(Group g) {
        int letters = count(g);
        int foreign = switch (g) {
            case LATIN -> latinForeign;
            case CYRILLIC -> cyrillicForeign;
            case ARABIC -> arabicForeign;
            default -> 0;
        };
        // at least 2% of the letters, and for Latin at least 3 (a "Tōkyō" or "Māori" in an English post is
        // not enough; Latvian, Lithuanian or Icelandic text has them everywhere)
        if (foreign >= (g == Group.LATIN ? 3 : 1) && foreign * 50 >= letters) return true;
        if (g == Group.CYRILLIC) {
            if (hardSignBeforeConsonant > 0 && ruOnly == 0) return true; // Bulgarian
            if (cyrI > 0 && ruOnly > 0 && Math.min(cyrI, ruOnly) * 100 >= letters) return true; // Belarusian
        }
        return false;
    }

    /**
     * For the two-candidate families: the candidate whose own letters appear (at least twice) while the
     * other's do not, or null.
     */
    String lettersPointTo(Group g) {
        int a, b;
        String first, second;
        if (g == Group.CYRILLIC) {
            a = ukOnly;
            b = ruOnly;
            first = "uk";
            second = "ru";
        } else if (g == Group.ARABIC) {
            a = faOnly;
            b = arOnly;
            first = "fa";
            second = "ar";
        } else {
            return null;
        }
        if (a >= 2 && b == 0) return first;
        if (b >= 2 && a == 0) return second;
        return null;
    }

    static ScriptCensus of(String text) {
        ScriptCensus c = new ScriptCensus();
        int n = text.length();
        int seen = 0;
        for (int i = 0; i < n && seen < MAX_SCAN_CODE_POINTS; seen++) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            c.add(cp);
        }
        return c;
    }

    private void add(int cp) {
        int prev = previous;
        previous = cp;
        if (cp < 0x80) {
            if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') counts[Group.LATIN.ordinal()]++;
            return;
        }
        if (!Character.isLetter(cp)) return;
        switch (Character.UnicodeScript.of(cp)) {
            case LATIN -> {
                counts[Group.LATIN.ordinal()]++;
                if (isForeignLatin(cp)) latinForeign++;
            }
            case CYRILLIC -> {
                counts[Group.CYRILLIC.ordinal()]++;
                cyrillic(prev, cp);
            }
            case ARABIC -> {
                counts[Group.ARABIC.ordinal()]++;
                if (isForeignArabic(cp)) arabicForeign++;
                switch (cp) {
                    case 0x067E, 0x0686, 0x0698, 0x06AF, 0x06A9, 0x06CC -> faOnly++;
                    case 0x0629, 0x0643, 0x064A, 0x0649 -> arOnly++;
                    default -> {}
                }
            }
            case HAN -> {
                counts[Group.CJK.ordinal()]++;
                han++;
            }
            case HIRAGANA, KATAKANA -> {
                counts[Group.CJK.ordinal()]++;
                kana++;
            }
            case HANGUL -> {
                counts[Group.CJK.ordinal()]++;
                hangul++;
            }
            case THAI -> counts[Group.THAI.ordinal()]++;
            case GREEK -> counts[Group.GREEK.ordinal()]++;
            case HEBREW -> counts[Group.HEBREW.ordinal()]++;
            case BENGALI -> counts[Group.BENGALI.ordinal()]++;
            case DEVANAGARI -> counts[Group.DEVANAGARI.ordinal()]++;
            case COMMON, INHERITED, UNKNOWN -> {}
            default -> counts[Group.OTHER.ordinal()]++;
        }
    }

    private void cyrillic(int prev, int cp) {
        int lower = Character.toLowerCase(cp);
        if (isForeignCyrillic(lower)) cyrillicForeign++;
        switch (lower) {
            case 'ы', 'э', 'ё' -> ruOnly++;
            case 'і' -> {
                cyrI++;
                ukOnly++;
            }
            case 'ї', 'є', 'ґ' -> ukOnly++;
            default -> {
                // Russian writes ъ only before е ё ю я; Bulgarian uses it as a vowel, before consonants
                if (Character.toLowerCase(prev) == 'ъ' && "аеёиоуыэюяъь".indexOf(lower) < 0) hardSignBeforeConsonant++;
            }
        }
    }

    /**
     * Latin letters that none of the supported Latin-script languages writes (Icelandic ð þ, Esperanto
     * circumflexes, Latvian/Lithuanian/Maori macrons and cedillas, Welsh ŵ ŷ, pinyin carons ...).
     */
    private static final String FOREIGN_LATIN = "ðþĉĝĥĵŝŭāēīūōķļņģėįųŵŷǎǐǒǔǹẅẁẃ";

    static boolean isForeignLatin(int cp) {
        int lower = Character.toLowerCase(cp);
        if (lower >= 0x250 && lower <= 0x2AF)
            return true; // IPA extensions (ɛ ɔ ŋ-like ɲ ə ...), used by African orthographies
        return FOREIGN_LATIN.indexOf(lower) >= 0;
    }

    /** Cyrillic letters outside the Russian and Ukrainian alphabets (Serbian ј љ њ ћ ђ џ, Belarusian ў, Kazakh қ ғ ...). */
    static boolean isForeignCyrillic(int lower) {
        if (lower >= 0x430 && lower <= 0x44F) return false; // а..я
        return switch (lower) {
            case 'ё', 'є', 'і', 'ї', 'ґ' -> false;
            default -> true;
        };
    }

    /** Arabic-script letters used by neither Arabic nor Persian (Urdu ٹ ڈ ڑ ں ے ھ, Pashto, Kurdish, Uyghur ...). */
    static boolean isForeignArabic(int cp) {
        if (cp >= 0x0621 && cp <= 0x064A) return false; // the Arabic alphabet (with hamza forms and ى)
        return switch (cp) {
            case 0x067E,
                    0x0686,
                    0x0698,
                    0x06AF, // Persian پ چ ژ گ
                    0x06A9,
                    0x06CC,
                    0x0671,
                    0x0640, // ک ی ٱ and the tatweel
                    0x06C0 -> false; // ۀ
            default -> cp >= 0x0600 && cp <= 0x06FF || cp >= 0x0750 && cp <= 0x077F || cp >= 0x08A0 && cp <= 0x08FF;
        };
    }

    /**
     * Frequent Bulgarian (and Macedonian) words that Russian and Ukrainian do not write as words: the verb
     * forms е, са, има, няма, the reflexive се, the future particle ще, and pronouns and prepositions.
     */
    private static final Set<String> BULGARIAN_WORDS = Set.of(
            "е",
            "са",
            "се",
            "има",
            "няма",
            "ще",
            "това",
            "тези",
            "този",
            "който",
            "която",
            "което",
            "които",
            "към",
            "със",
            "във",
            "всеки",
            "всяка",
            "всички",
            "човек",
            "трябва",
            "нейния",
            "неговата",
            "аз",
            "ние",
            "вие");

    /**
     * How many of the first 64 words are {@link #BULGARIAN_WORDS} (counting stops at 2). Words, not letters,
     * so the whole text is read here rather than in the census.
     */
    static int bulgarianWords(String text) {
        int found = 0, words = 0, n = text.length(), i = 0;
        while (i < n && words < 64 && found < 2) {
            while (i < n && !Character.isLetter(text.charAt(i))) i++;
            int start = i;
            while (i < n && Character.isLetter(text.charAt(i))) i++;
            if (i > start) {
                words++;
                if (i - start <= 8
                        && BULGARIAN_WORDS.contains(text.substring(start, i).toLowerCase(Locale.ROOT))) found++;
            }
        }
        return found;
    }
}
