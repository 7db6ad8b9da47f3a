package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedsearch.bench.CorpusAuthors.Author;
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
 *
 * <p>The authors and the follow graph are made by {@link CorpusAuthors}, the texts by {@link CorpusText};
 * all three draw from one {@link Random} in a fixed order.
 */
public final class CorpusGenerator {

    /** Posts are spread over the 30 days before this instant. */
    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    static final Duration POST_SPAN = Duration.ofDays(30);
    /** Follow edges are created over the 60 days before {@link #END}. */
    static final Duration FOLLOW_SPAN = Duration.ofDays(60);

    /** Text lengths in characters (code points): alphabetic scripts, and Chinese/Japanese/Korean. */
    static final int MIN_CHARS = 40, MAX_CHARS = 280, CJK_MIN_CHARS = 15, CJK_MAX_CHARS = 140;

    private static final List<String> COMMON_TAGS =
            List.of("rights", "freedom", "dignity", "equality", "justice", "peace", "udhr", "humanrights");

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
        return new Lang(
                truth, List.of(variants.split(" ")), List.of(hints.split(" ")), weight, List.of(tags.split(" ")));
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
        System.err.printf(
                "wrote %,d posts and %,d follow lines to %s in %.1f s%n",
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
                String text = Normalizer.normalize(n.path("text").asText(), Normalizer.Form.NFC)
                        .strip();
                text = text.replaceAll("\\s+", " ");
                if (text.codePointCount(0, text.length()) >= 12)
                    byVariant.computeIfAbsent(code, k -> new ArrayList<>()).add(text);
            }
        }
        for (String v : wanted) {
            if (!byVariant.containsKey(v)) throw new IOException("UDHR variant '" + v + "' not found in " + udhr);
        }
        return byVariant;
    }

    // ---------------------------------------------------------------------------------------------

    private final Options o;
    private final Random rnd;
    private final int[] langCumulative;
    private final CorpusAuthors authors;
    private final CorpusText texts;

    static final class Stats {
        int posts, followLines, replies, unfollows;
        final int[] hints = new int[3];
        final Map<String, Integer> perLang = new TreeMap<>();
        final Map<String, Integer> visibility = new TreeMap<>();
    }

    CorpusGenerator(Options o, Map<String, List<String>> udhr) {
        this.o = o;
        this.rnd = new Random(o.seed());
        langCumulative = new int[LANGS.size()];
        int c = 0;
        for (int i = 0; i < LANGS.size(); i++)
            langCumulative[i] = c += LANGS.get(i).weight();
        authors = new CorpusAuthors(o.authors(), rnd, this::pickLang);
        texts = new CorpusText(udhr, rnd);
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
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                Writer tw = truth) {
            if (o.follows()) authors.writeFollows(w, stats);
            writePosts(w, tw, stats);
        }
        return stats;
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
            Author author = authors.pickAuthorWriting(lang);

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
                    Author b = authors.pickAuthor();
                    if (b != author) mentions.add(b.id);
                }
            }

            List<String> tags = pickTags(lang);
            String text = texts.text(lang, tags, mentions);

            double v = rnd.nextDouble();
            Visibility visibility = v < 0.85 ? Visibility.PUBLIC : v < 0.95 ? Visibility.FOLLOWERS : Visibility.PRIVATE;
            String hint = hint(lang, stats);
            long likes = zipf(2000, 1.3, 0.4 + 3 * author.activity);
            long reposts = Math.min(likes, zipf(500, 1.6, 0.3 + author.activity));
            long replies = zipf(200, 1.8, 0.3 + author.activity);
            long version = rnd.nextDouble() < 0.05 ? 2 + rnd.nextInt(3) : 1;

            Post p = new Post(
                    id,
                    author.id,
                    text,
                    hint,
                    createdAt,
                    visibility,
                    tags,
                    new ArrayList<>(mentions),
                    replyTo,
                    likes,
                    reposts,
                    replies,
                    version,
                    false);
            w.write(PostJson.MAPPER.writeValueAsString(PostJson.encode(p)));
            w.write('\n');
            if (truth != null) truth.write(id + "\t" + lang.truth() + "\n");

            if (visibility == Visibility.PUBLIC) {
                recent.addLast(new Recent(id, author.id, lang));
                if (recent.size() > 500) recent.removeFirst();
            }
            stats.posts++;
            stats.perLang.merge(
                    lang.truth().equals("und") ? "und:" + lang.hints().get(0) : lang.truth(), 1, Integer::sum);
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

    private Lang pickLang() {
        int x = rnd.nextInt(langCumulative[langCumulative.length - 1]);
        for (int i = 0; i < langCumulative.length; i++) if (x < langCumulative[i]) return LANGS.get(i);
        throw new AssertionError();
    }

    /** A heavy-tailed count: mostly small, sometimes large, capped; {@code scale} stretches it. */
    private long zipf(long cap, double alpha, double scale) {
        double u = rnd.nextDouble();
        double x = (Math.pow(1 - u, -1 / alpha) - 1) * scale;
        return Math.min(cap, (long) Math.floor(x));
    }
}
