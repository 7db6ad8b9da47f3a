package dev.feedsearch.core.lang;

/**
 * What the detector reads of a post: decomposed text is recognised (for NFC), URLs, mentions and hashtags
 * are set aside, and lingua gets a prefix cut at a word boundary. Plain string work, no language rules.
 */
final class PostText {

    private PostText() {}

    /** True when the text holds combining diacritics (decomposed text, e.g. from macOS), which lingua reads badly. */
    static boolean hasCombiningMark(String s) {
        int n = Math.min(s.length(), ScriptCensus.MAX_SCAN_CODE_POINTS * 2);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x0300 && c <= 0x036F) return true;
        }
        return false;
    }

    /** The first {@code max} characters, cut back to a word boundary when one is near. */
    static String prefix(String s, int max) {
        if (s.length() <= max) return s;
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
        int space = s.lastIndexOf(' ', end);
        if (space > max * 3 / 4) end = space;
        return s.substring(0, end);
    }

    /**
     * Removes URLs, {@code @mentions} and {@code #hashtags} (they say little about the post's language),
     * unless nothing with a letter would be left.
     */
    static String stripNoise(String text) {
        StringBuilder sb = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = i;
            boolean noise = isNoiseStart(text, i);
            while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
            if (noise) {
                if (sb == null) sb = new StringBuilder(n).append(text, 0, start);
            } else if (sb != null) {
                sb.append(text, start, i);
            }
            int ws = i;
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            if (sb != null) sb.append(text, ws, i);
        }
        if (sb == null) return text;
        for (int j = 0; j < sb.length(); j++) {
            if (Character.isLetter(sb.charAt(j))) return sb.toString();
        }
        return text;
    }

    private static boolean isNoiseStart(String s, int i) {
        char c = s.charAt(i);
        if (c == '@' || c == '#' || c == '＃') return true;
        return s.startsWith("http://", i) || s.startsWith("https://", i) || s.startsWith("www.", i);
    }
}
