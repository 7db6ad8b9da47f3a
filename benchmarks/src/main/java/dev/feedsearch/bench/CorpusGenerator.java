package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a synthetic social-post corpus (the Post/follow JSONL contract of ARCHITECTURE.md) whose texts
 * are real: paragraphs of the Universal Declaration of Human Rights in ~30 supported and a few unsupported
 * languages, cut and merged into post-sized pieces. Authors, times, engagement, visibility, tags,
 * mentions, replies and follows are synthetic. The output is a pure function of the UDHR file and the
 * options (same seed, same bytes); posts are streamed, so millions are fine.
 *
 * <pre>
 * java -cp ... dev.feedsearch.bench.CorpusGenerator --udhr udhr-paragraphs.jsonl --out posts.jsonl \
 *      [--truth truth.tsv] [--posts 3000] [--authors 100] [--seed 42] [--no-follows]
 * </pre>
 * The UDHR file is the JSONL described in {@code corpora/udhr/README.md} (one paragraph a line with
 * {@code code} and {@code text}); it is read from the path given, never assumed. The truth file has one
 * line per post: {@code id<TAB>language}, the ISO 639-1 code of the text's language for the supported
 * languages and {@code und} for the others.
 */
public final class CorpusGenerator {

    /** Posts are spread over the 30 days before this instant. */
    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration POST_SPAN = Duration.ofDays(30);
    /** Follow edges are created over the 60 days before {@link #END}. */
    static final Duration FOLLOW_SPAN = Duration.ofDays(60);

    /** Text lengths in characters (code points): alphabetic scripts, and Chinese/Japanese/Korean. */
    static final int MIN_CHARS = 40, MAX_CHARS = 280, CJK_MIN_CHARS = 15, CJK_MAX_CHARS = 140;

    private static final List<String> COMMON_TAGS = List.of(
            "rights", "freedom", "dignity", "equality", "justice", "peace", "udhr", "humanrights");

    private static final List<String> EMOJI = List.of("🙏", "✊", "🕊️", "❤️", "📢", "🌍", "✨");

    /** Japanese framings written for the demo: 東京 and 人権 inside longer runs of kanji and kana. */
    private static final List<String> JA_FRAMES = List.of(
            "東京都内の勉強会で読んだ一節：",
            "今日は東京で人権について考えた。",
            "東京駅の掲示板に貼ってあった言葉：",
            "人権週間なので東京の図書館で世界人権宣言を読み直した。",
            "東京大学の講義で紹介された条文：");

    /**
     * One language of the corpus.
     *
     * @param truth    ISO 639-1 code (supported) or {@code und}
     * @param variants UDHR file codes to draw paragraphs from
     * @param hints    BCP-47 tags a client might send for it (first one per variant when it matters)
     * @param weight   relative share of posts
     * @param tags     language-specific tag vocabulary
     */
    record Lang(String truth, List<String> variants, List<String> hints, int weight, List<String> tags) {
        /** Chinese and Japanese: cut at clause punctuation, joined without spaces. */
        boolean clauses() {
            return truth.equals("ja") || truth.equals("zh");
        }

        /** Chinese, Japanese, Korean: a character says more, posts are shorter. */
        boolean dense() {
            return clauses() || truth.equals("ko");
        }
    }

    static final List<Lang> LANGS = List.of(
            lang("en", "eng", "en en-US en-GB", 10, "london newyork"),
            lang("ja", "jpn", "ja ja-JP", 6, "tokyo 東京 人権 osaka"),
            lang("es", "spa", "es es-ES es-MX", 5, "derechos libertad madrid"),
            lang("pt", "por_BR por_PT", "pt-BR pt-PT pt", 5, "direitos liberdade lisboa saopaulo"),
            lang("de", "deu_1996", "de de-DE de-AT", 4, "menschenrechte würde berlin"),
            lang("fr", "fra", "fr fr-FR fr-CA", 4, "droits liberté paris"),
            lang("ko", "kor", "ko ko-KR", 4, "인권 서울 seoul"),
            lang("zh", "cmn_hans cmn_hant", "zh-Hans zh-Hant zh-CN zh-TW", 4, "人权 北京 beijing"),
            lang("ar", "arb", "ar ar-EG ar-SA", 4, "حقوق_الإنسان القاهرة"),
            lang("ru", "rus", "ru ru-RU", 3, "права москва"),
            lang("id", "ind", "id id-ID", 3, "hakasasi jakarta"),
            lang("tr", "tur", "tr tr-TR", 3, "insanhakları istanbul"),
            lang("it", "ita", "it it-IT", 3, "diritti roma"),
            lang("th", "tha", "th th-TH", 3, "สิทธิมนุษยชน bangkok"),
            lang("nl", "nld", "nl nl-NL nl-BE", 2, "mensenrechten amsterdam"),
            lang("sv", "swe", "sv sv-SE", 2, "mänskligarättigheter stockholm"),
            lang("da", "dan", "da da-DK", 2, "menneskerettigheder københavn"),
            lang("nb", "nob", "nb no nb-NO", 2, "menneskerettigheter oslo"),
            lang("pl", "pol", "pl pl-PL", 2, "prawaczłowieka warszawa"),
            lang("uk", "ukr", "uk uk-UA", 2, "права київ"),
            lang("cs", "ces", "cs cs-CZ", 2, "lidskáprava praha"),
            lang("hu", "hun", "hu hu-HU", 2, "emberijogok budapest"),
            lang("fi", "fin", "fi fi-FI", 2, "ihmisoikeudet helsinki"),
            lang("ro", "ron_2006", "ro ro-RO", 2, "drepturi bucurești"),
            lang("el", "ell_monotonic", "el el-GR", 2, "ανθρώπινα_δικαιώματα αθήνα"),
            lang("fa", "pes_1", "fa fa-IR", 2, "حقوق_بشر تهران"),
            lang("he", "heb", "he he-IL", 2, "זכויות_אדם telaviv"),
            lang("hi", "hin", "hi hi-IN", 2, "मानवाधिकार delhi"),
            lang("bn", "ben", "bn bn-BD", 2, "মানবাধিকার dhaka"),
            lang("vi", "vie", "vi vi-VN", 2, "nhânquyền hanoi"),
            // unsupported: their posts must come out und (generic ICU group)
            lang("und", "cat", "ca", 1, "drets barcelona"),
            lang("und", "swh", "sw", 1, "haki nairobi"),
            lang("und", "quz", "qu", 1, "cusco"),
            lang("und", "tgl", "tl", 1, "karapatan manila"),
            lang("und", "bul", "bg", 1, "права софия"),
            lang("und", "hye", "hy", 1, "yerevan"),
            lang("und", "kat", "ka", 1, "tbilisi"),
            lang("und", "tam", "ta", 1, "chennai"));

    private static Lang lang(String truth, String variants, String hints, int weight, String tags) {
        return new Lang(truth, List.of(variants.split(" ")), List.of(hints.split(" ")), weight, List.of(tags.split(" ")));
    }

    record Options(Path udhr, Path out, Path truth, int posts, int authors, long seed, boolean follows) {
        static Options parse(String[] args) {
            Path udhr = null, out = null, truth = null;
            int posts = 3000, authors = 100;
            long seed = 42;
            boolean follows = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--udhr" -> udhr = Path.of(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--truth" -> truth = Path.of(value(args, ++i, a));
                    case "--posts" -> posts = Integer.parseInt(value(args, ++i, a));
                    case "--authors" -> authors = Integer.parseInt(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--no-follows" -> follows = false;
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (udhr == null || out == null) throw new IllegalArgumentException("--udhr and --out are required");
            if (posts < 1) throw new IllegalArgumentException("--posts must be at least 1");
            if (authors < 2) throw new IllegalArgumentException("--authors must be at least 2");
            return new Options(udhr, out, truth, posts, authors, seed, follows);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
            return args[i];
        }
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().equals("help") ? "" : "error: " + e.getMessage() + "\n")
                    + "usage: CorpusGenerator --udhr udhr-paragraphs.jsonl --out posts.jsonl [--truth truth.tsv]"
                    + " [--posts 3000] [--authors 100] [--seed 42] [--no-follows]");
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        Stats s = new CorpusGenerator(o, loadUdhr(o.udhr())).write();
        System.err.printf("wrote %,d posts and %,d follow lines to %s in %.1f s%n",
                s.posts, s.followLines, o.out(), (System.nanoTime() - t0) / 1e9);
        System.err.println("posts per language: " + s.perLang);
        System.err.println("visibility: " + s.visibility + "; hints null/right/wrong: " + Arrays.toString(s.hints)
                + "; replies: " + s.replies + "; unfollows: " + s.unfollows);
    }

    /** Paragraph texts per UDHR variant code, NFC-normalised (some variants are stored decomposed). */
    static Map<String, List<String>> loadUdhr(Path udhr) throws IOException {
        Set<String> wanted = new LinkedHashSet<>();
        for (Lang l : LANGS) wanted.addAll(l.variants());
        Map<String, List<String>> byVariant = new LinkedHashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(udhr, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = mapper.readTree(line);
                String code = n.path("code").asText();
                if (!wanted.contains(code)) continue;
                String text = Normalizer.normalize(n.path("text").asText(), Normalizer.Form.NFC).strip();
                text = text.replaceAll("\\s+", " ");
                if (text.codePointCount(0, text.length()) >= 12) byVariant.computeIfAbsent(code, k -> new ArrayList<>()).add(text);
            }
        }
        for (String v : wanted) {
            if (!byVariant.containsKey(v)) throw new IOException("UDHR variant '" + v + "' not found in " + udhr);
        }
        return byVariant;
    }

    // ---------------------------------------------------------------------------------------------

    private final Options o;
    private final Map<String, List<String>> udhr;
    private final Random rnd;
    private final int[] langCumulative;
    private final Author[] authors;
    private final double[] activityCumulative;

    static final class Author {
        final String id;
        final double activity;
        final Lang primary;
        Lang secondary; // set once, in the constructor

        Author(String id, double activity, Lang primary) {
            this.id = id;
            this.activity = activity;
            this.primary = primary;
        }
    }

    static final class Stats {
        int posts, followLines, replies, unfollows;
        final int[] hints = new int[3];
        final Map<String, Integer> perLang = new TreeMap<>();
        final Map<String, Integer> visibility = new TreeMap<>();
    }

    CorpusGenerator(Options o, Map<String, List<String>> udhr) {
        this.o = o;
        this.udhr = udhr;
        this.rnd = new Random(o.seed());
        langCumulative = new int[LANGS.size()];
        int c = 0;
        for (int i = 0; i < LANGS.size(); i++) langCumulative[i] = c += LANGS.get(i).weight();

        // authors: Zipf-ish activity over a shuffled rank; primary languages dealt from a weighted deck so
        // that every language has writers; 40% also write a second language
        int n = o.authors();
        List<Integer> ranks = new ArrayList<>();
        for (int i = 1; i <= n; i++) ranks.add(i);
        Collections.shuffle(ranks, rnd);
        List<Lang> deck = new ArrayList<>();
        for (Lang l : LANGS) for (int k = 0; k < l.weight(); k++) deck.add(l);
        Collections.shuffle(deck, rnd);
        authors = new Author[n];
        activityCumulative = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double activity = 1.0 / Math.pow(ranks.get(i), 0.8);
            authors[i] = new Author("u" + (i + 1), activity, deck.get(i % deck.size()));
            if (rnd.nextDouble() < 0.4) {
                Lang second = pickLang();
                if (second != authors[i].primary) authors[i].secondary = second;
            }
            activityCumulative[i] = acc += activity;
        }
    }

    Stats write() throws IOException {
        Stats stats = new Stats();
        Path out = o.out().toAbsolutePath();
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Writer truth = null;
        if (o.truth() != null) {
            Path t = o.truth().toAbsolutePath();
            if (t.getParent() != null) Files.createDirectories(t.getParent());
            truth = Files.newBufferedWriter(t, StandardCharsets.UTF_8);
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8); Writer tw = truth) {
            if (o.follows()) writeFollows(w, stats);
            writePosts(w, tw, stats);
        }
        return stats;
    }

    // --- follows -----------------------------------------------------------------------------------

    private void writeFollows(Writer w, Stats stats) throws IOException {
        record Line(Instant at, FollowEdge edge) {}
        List<Line> lines = new ArrayList<>();
        long spanSeconds = FOLLOW_SPAN.toSeconds();
        for (Author a : authors) {
            int k = Math.min(authors.length - 1, 5 + rnd.nextInt(26));
            Set<Author> followees = new LinkedHashSet<>();
            int guard = 0;
            while (followees.size() < k && guard++ < k * 50) {
                Author b = pickAuthor(); // popular authors are followed more (Zipf on activity)
                if (b == a) continue;
                // people mostly follow people who write in a language they write
                boolean shared = b.primary == a.primary || b.primary == a.secondary || b.secondary == a.primary;
                if (!shared && rnd.nextDouble() < 0.5) continue;
                followees.add(b);
            }
            for (Author b : followees) {
                Instant at = END.minusSeconds(FOLLOW_SPAN.toSeconds()).plusSeconds((long) (rnd.nextDouble() * spanSeconds));
                lines.add(new Line(at, new FollowEdge(a.id, b.id, at, 1, false)));
                if (rnd.nextDouble() < 0.03) { // an unfollow, later, at a higher version
                    Instant later = at.plusSeconds((long) (rnd.nextDouble() * Duration.between(at, END).toSeconds()));
                    lines.add(new Line(later, new FollowEdge(a.id, b.id, at, 2, true)));
                    stats.unfollows++;
                }
            }
        }
        lines.sort((x, y) -> x.at().compareTo(y.at()));
        for (Line l : lines) {
            w.write(PostJson.MAPPER.writeValueAsString(PostJson.encode(l.edge())));
            w.write('\n');
        }
        stats.followLines = lines.size();
    }

    // --- posts -------------------------------------------------------------------------------------

    /** A recent public post that later posts may reply to. */
    private record Recent(String id, String authorId, Lang lang) {}

    private void writePosts(Writer w, Writer truth, Stats stats) throws IOException {
        int n = o.posts();
        long spanMillis = POST_SPAN.toMillis();
        Instant start = END.minus(POST_SPAN);
        Deque<Recent> recent = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            // sorted times without holding the posts: slot i of n, jittered inside its slot, whole seconds
            long ms = (long) ((i + rnd.nextDouble()) * spanMillis / n);
            Instant createdAt = Instant.ofEpochSecond(start.plusMillis(ms).getEpochSecond());
            String id = "p" + (i + 1);

            Lang lang = pickLang();
            Author author = pickAuthorWriting(lang);

            String replyTo = null;
            Set<String> mentions = new LinkedHashSet<>();
            if (!recent.isEmpty() && rnd.nextDouble() < 0.12) {
                Recent target = pickReplyTarget(recent, lang, author);
                if (target != null) {
                    replyTo = target.id();
                    if (rnd.nextDouble() < 0.7) mentions.add(target.authorId());
                    stats.replies++;
                }
            }
            if (rnd.nextDouble() < 0.15) {
                int m = 1 + rnd.nextInt(2);
                for (int k = 0; k < m; k++) {
                    Author b = pickAuthor();
                    if (b != author) mentions.add(b.id);
                }
            }

            List<String> tags = pickTags(lang);
            String text = text(lang, tags, mentions);

            double v = rnd.nextDouble();
            Visibility visibility = v < 0.85 ? Visibility.PUBLIC : v < 0.95 ? Visibility.FOLLOWERS : Visibility.PRIVATE;
            String hint = hint(lang, stats);
            long likes = zipf(2000, 1.3, 0.4 + 3 * author.activity);
            long reposts = Math.min(likes, zipf(500, 1.6, 0.3 + author.activity));
            long replies = zipf(200, 1.8, 0.3 + author.activity);
            long version = rnd.nextDouble() < 0.05 ? 2 + rnd.nextInt(3) : 1;

            Post p = new Post(id, author.id, text, hint, createdAt, visibility, tags, new ArrayList<>(mentions),
                    replyTo, likes, reposts, replies, version, false);
            w.write(PostJson.MAPPER.writeValueAsString(PostJson.encode(p)));
            w.write('\n');
            if (truth != null) truth.write(id + "\t" + lang.truth() + "\n");

            if (visibility == Visibility.PUBLIC) {
                recent.addLast(new Recent(id, author.id, lang));
                if (recent.size() > 500) recent.removeFirst();
            }
            stats.posts++;
            stats.perLang.merge(lang.truth().equals("und") ? "und:" + lang.hints().get(0) : lang.truth(), 1, Integer::sum);
            stats.visibility.merge(visibility.wire(), 1, Integer::sum);
        }
    }

    /** A recent public post, mostly in the same language, not by the replying author. */
    private Recent pickReplyTarget(Deque<Recent> recent, Lang lang, Author author) {
        boolean sameLang = rnd.nextDouble() < 0.8;
        Recent[] all = recent.toArray(new Recent[0]);
        for (int tries = 0; tries < 20; tries++) {
            // favour the most recent posts
            int back = (int) Math.min(all.length - 1, Math.floor(-Math.log(1 - rnd.nextDouble()) * 40));
            Recent r = all[all.length - 1 - back];
            if (r.authorId().equals(author.id)) continue;
            if (sameLang && r.lang() != lang) continue;
            return r;
        }
        return null;
    }

    private String hint(Lang lang, Stats stats) {
        double h = rnd.nextDouble();
        if (h < 0.70) {
            stats.hints[0]++;
            return null;
        }
        if (h < 0.95) {
            stats.hints[1]++;
            return lang.hints().get(rnd.nextInt(lang.hints().size()));
        }
        stats.hints[2]++; // a wrong hint: the client's setting, not the text's language
        Lang other;
        do {
            other = LANGS.get(rnd.nextInt(LANGS.size()));
        } while (other == lang || other.truth().equals("und") || other.truth().equals(lang.truth()));
        return other.hints().get(0);
    }

    private List<String> pickTags(Lang lang) {
        double r = rnd.nextDouble();
        int k = r < 0.3 ? 0 : r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
        Set<String> tags = new LinkedHashSet<>();
        for (int guard = 0; tags.size() < k && guard < 20; guard++) {
            List<String> from = rnd.nextDouble() < 0.6 ? lang.tags() : COMMON_TAGS;
            tags.add(from.get(rnd.nextInt(from.size())));
        }
        return new ArrayList<>(tags);
    }

    /**
     * The post text: a span of UDHR text (merged across paragraphs when short), lightly decorated with
     * mentions, a Japanese framing, hashtags and an emoji; the whole stays within the length range.
     */
    private String text(Lang lang, List<String> tags, Set<String> mentions) {
        boolean dense = lang.dense();
        int min = dense ? CJK_MIN_CHARS : MIN_CHARS;
        int max = dense ? CJK_MAX_CHARS : MAX_CHARS;
        int target = targetLength(min, max);

        StringBuilder prefix = new StringBuilder();
        if (!mentions.isEmpty() && rnd.nextDouble() < 0.6) {
            for (String m : mentions) prefix.append('@').append(m).append(' ');
        }
        if (lang.truth().equals("ja") && rnd.nextDouble() < 0.3) prefix.append(JA_FRAMES.get(rnd.nextInt(JA_FRAMES.size())));
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
        List<String> ps = udhr.get(lang.variants().get(rnd.nextInt(lang.variants().size())));
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
        while (!s.isEmpty() && ",;:、，；：".indexOf(s.charAt(s.length() - 1)) >= 0) s = s.substring(0, s.length() - 1).strip();
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

    private Lang pickLang() {
        int x = rnd.nextInt(langCumulative[langCumulative.length - 1]);
        for (int i = 0; i < langCumulative.length; i++) if (x < langCumulative[i]) return LANGS.get(i);
        throw new AssertionError();
    }

    /** An author, by activity (a few write or get followed a lot, most rarely). */
    private Author pickAuthor() {
        double x = rnd.nextDouble() * activityCumulative[activityCumulative.length - 1];
        int i = Arrays.binarySearch(activityCumulative, x);
        return authors[i >= 0 ? i : -i - 1];
    }

    /** An author who writes {@code lang}: primary writers four times as likely as secondary ones. */
    private Author pickAuthorWriting(Lang lang) {
        Writers ws = writers.computeIfAbsent(lang, this::writersOf);
        if (ws.authors.length == 0) return pickAuthor(); // nobody writes it (very few authors)
        double x = rnd.nextDouble() * ws.cumulative[ws.cumulative.length - 1];
        int i = Arrays.binarySearch(ws.cumulative, x);
        return ws.authors[i >= 0 ? i : -i - 1];
    }

    private record Writers(Author[] authors, double[] cumulative) {}

    private final Map<Lang, Writers> writers = new LinkedHashMap<>();

    private Writers writersOf(Lang lang) {
        List<Author> as = new ArrayList<>();
        List<Double> cum = new ArrayList<>();
        double acc = 0;
        for (Author a : authors) {
            double wgt = a.primary == lang ? 4 * a.activity : a.secondary == lang ? a.activity : 0;
            if (wgt == 0) continue;
            as.add(a);
            cum.add(acc += wgt);
        }
        return new Writers(as.toArray(new Author[0]), cum.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** A heavy-tailed count: mostly small, sometimes large, capped; {@code scale} stretches it. */
    private long zipf(long cap, double alpha, double scale) {
        double u = rnd.nextDouble();
        double x = (Math.pow(1 - u, -1 / alpha) - 1) * scale;
        return Math.min(cap, (long) Math.floor(x));
    }
}
