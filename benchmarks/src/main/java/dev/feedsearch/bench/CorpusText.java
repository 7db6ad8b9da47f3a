package dev.feedsearch.bench;

import static dev.feedsearch.bench.CorpusGenerator.CJK_MAX_CHARS;
import static dev.feedsearch.bench.CorpusGenerator.CJK_MIN_CHARS;
import static dev.feedsearch.bench.CorpusGenerator.MAX_CHARS;
import static dev.feedsearch.bench.CorpusGenerator.MIN_CHARS;

import dev.feedsearch.bench.CorpusGenerator.Lang;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The texts of {@link CorpusGenerator}'s posts: spans of UDHR paragraphs, decorated. It draws from the
 * generator's own {@link Random}, in the generator's call order, so a seed still gives the same bytes.
 */
final class CorpusText {

    private static final List<String> EMOJI = List.of("🙏", "✊", "🕊️", "❤️", "📢", "🌍", "✨");

    /** Japanese framings written for the demo: 東京 and 人権 inside longer runs of kanji and kana. */
    private static final List<String> JA_FRAMES = List.of(
            "東京都内の勉強会で読んだ一節：",
            "今日は東京で人権について考えた。",
            "東京駅の掲示板に貼ってあった言葉：",
            "人権週間なので東京の図書館で世界人権宣言を読み直した。",
            "東京大学の講義で紹介された条文：");

    private final Map<String, List<String>> udhr;
    private final Random rnd;

    CorpusText(Map<String, List<String>> udhr, Random rnd) {
        this.udhr = udhr;
        this.rnd = rnd;
    }

    /**
     * The post text: a span of UDHR text (merged across paragraphs when short), lightly decorated with
     * mentions, a Japanese framing, hashtags and an emoji; the whole stays within the length range.
     */
    String text(Lang lang, List<String> tags, Set<String> mentions) {
        boolean dense = lang.dense();
        int min = dense ? CJK_MIN_CHARS : MIN_CHARS;
        int max = dense ? CJK_MAX_CHARS : MAX_CHARS;
        int target = targetLength(min, max);

        StringBuilder prefix = new StringBuilder();
        if (!mentions.isEmpty() && rnd.nextDouble() < 0.6) {
            for (String m : mentions) prefix.append('@').append(m).append(' ');
        }
        if (lang.truth().equals("ja") && rnd.nextDouble() < 0.3)
            prefix.append(JA_FRAMES.get(rnd.nextInt(JA_FRAMES.size())));
        StringBuilder suffix = new StringBuilder();
        if (!tags.isEmpty() && rnd.nextDouble() < 0.35) {
            for (String t : tags) suffix.append(" #").append(t);
        }
        if (rnd.nextDouble() < 0.08) suffix.append(' ').append(EMOJI.get(rnd.nextInt(EMOJI.size())));

        int decoration = length(prefix) + length(suffix);
        int bodyMax = Math.max(min, max - decoration);
        String body = span(lang, Math.min(bodyMax, Math.max(min, target - decoration)), bodyMax);
        return prefix + body + suffix;
    }

    /** Mostly short posts, some long: 60% in the lower third of the range, 30% in the middle, 10% top. */
    private int targetLength(int min, int max) {
        double r = rnd.nextDouble();
        int third = (max - min) / 3;
        int lo = r < 0.6 ? min : r < 0.9 ? min + third : min + 2 * third;
        return lo + rnd.nextInt(third + 1);
    }

    /**
     * Consecutive segments (words, or clauses for Chinese/Japanese) from a random starting point of a
     * random paragraph, continuing into another paragraph of the language when the first runs out.
     */
    private String span(Lang lang, int target, int max) {
        boolean clauses = lang.clauses();
        // one variant per post (Simplified and Traditional Chinese are not mixed in one text)
        List<String> ps =
                udhr.get(lang.variants().get(rnd.nextInt(lang.variants().size())));
        StringBuilder sb = new StringBuilder();
        boolean full = false;
        for (int paragraphs = 0; paragraphs < 4 && !full && length(sb) < target; paragraphs++) {
            List<String> segments = segments(ps.get(rnd.nextInt(ps.size())), clauses);
            int startAt = paragraphs == 0 ? startIndex(segments) : 0;
            for (int i = startAt; i < segments.size() && length(sb) < target; i++) {
                String seg = segments.get(i);
                String sep = sb.isEmpty() || clauses ? "" : " ";
                if (length(sb) + sep.length() + length(seg) > max) {
                    // words and clauses stay whole; only a first segment longer than a post is cut
                    if (sb.isEmpty()) sb.append(cut(seg, max));
                    full = true;
                    break;
                }
                sb.append(sep).append(seg);
            }
        }
        String s = sb.toString().strip();
        // a clause cut mid-paragraph ends on a comma or semicolon: drop it
        while (!s.isEmpty() && ",;:、，；：".indexOf(s.charAt(s.length() - 1)) >= 0)
            s = s.substring(0, s.length() - 1).strip();
        return s;
    }

    /** A segment boundary that starts a sentence or clause, when there is one. */
    private int startIndex(List<String> segments) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 1; i < segments.size(); i++) {
            String prev = segments.get(i - 1);
            char last = prev.charAt(prev.length() - 1);
            if (".;:!?,。、，；：！？".indexOf(last) >= 0) starts.add(i);
        }
        // start later in the paragraph only in half of the posts, so openings stay common
        return rnd.nextBoolean() ? 0 : starts.get(rnd.nextInt(starts.size()));
    }

    static List<String> segments(String paragraph, boolean clauses) {
        List<String> out = new ArrayList<>();
        if (!clauses) {
            for (String s : paragraph.split(" ")) if (!s.isEmpty()) out.add(s);
            return out;
        }
        int from = 0;
        for (int i = 0; i < paragraph.length(); i++) {
            if ("。、，；：！？".indexOf(paragraph.charAt(i)) >= 0) {
                out.add(paragraph.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < paragraph.length()) out.add(paragraph.substring(from));
        return out;
    }

    private static int length(CharSequence s) {
        return Character.codePointCount(s, 0, s.length());
    }

    /** The first {@code n} code points of {@code s} (at least one). */
    private static String cut(String s, int n) {
        int cps = Math.max(1, n);
        if (length(s) <= cps) return s;
        return s.substring(0, s.offsetByCodePoints(0, cps));
    }
}
