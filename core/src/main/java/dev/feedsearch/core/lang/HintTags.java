package dev.feedsearch.core.lang;

import java.util.Locale;

/**
 * Reads a client's language hint, a BCP-47 tag, as one of the codes the detector returns. Kept apart from
 * the rules because it is tag syntax and aliases only; see {@link ScriptFirstDetector#normalizeHint}.
 */
final class HintTags {

    private HintTags() {}

    /** See {@link ScriptFirstDetector#normalizeHint}. */
    static String normalize(String hint) {
        if (hint == null) return null;
        String h = hint.strip();
        int dash = indexOfSeparator(h);
        String primary = (dash < 0 ? h : h.substring(0, dash)).toLowerCase(Locale.ROOT);
        String code = switch (primary) {
            case "no", "nn", "nob", "nno" -> "nb";
            case "iw" -> "he";
            case "in" -> "id";
            case "ms", "zsm", "zlm", "msa" -> "id"; // Malay shares the Indonesian analysis group
            case "cmn", "yue", "wuu", "zho" -> "zh";
            case "jpn" -> "ja";
            case "kor" -> "ko";
            default -> primary;
        };
        return ScriptFirstDetector.SUPPORTED.contains(code) ? code : null;
    }

    private static int indexOfSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '_') return i;
        }
        return -1;
    }
}
