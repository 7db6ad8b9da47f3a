package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.lang.ScriptFirstDetector.Settings;
import dev.feedsearch.core.model.PostJson;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Accuracy and cost of language-detection settings, side by side, on two sets:
 * <ol>
 *   <li>a benchmark corpus ({@link CorpusGenerator} output and its truth file): the posts with their client
 *       hints, in the mix the stream benchmarks index;</li>
 *   <li>every UDHR variant cut into posts of 40–280 characters, no hints: how many posts of supported
 *       languages keep their language, and how many posts of unsupported Latin-script languages come out
 *       {@code und} (the set the defaults of {@link Settings#DEFAULTS} were tuned on).</li>
 * </ol>
 * CPU per detection is the whole process's CPU time over a pass of the corpus on one thread (after a warm-up
 * pass): lingua runs its model lookups as tasks in {@code ForkJoinPool.commonPool()}, not on the caller.
 * Usage: DetectionTuning CORPUS.jsonl TRUTH.tsv UDHR.jsonl OUT.md SETTINGS...; each SETTINGS is
 * {@code words:share:ratio[:maxChars[:shortlist[:lettersDecide]]]}: the function-word rule ({@code 0:0:1} = off), and
 * optionally the prefix lingua reads, the Latin shortlist and whether Arabic/Cyrillic letters decide before lingua, on
 * top of the defaults.
 */
public final class DetectionTuning {

    record Post(String text, String hint, String truth) {}

    public static void main(String[] args) throws Exception {
        List<Post> corpus = corpus(Path.of(args[0]), Path.of(args[1]));
        List<Post> udhr = udhr(Path.of(args[2]));
        StringBuilder md = new StringBuilder(String.format(
                Locale.ROOT,
                "Corpus: %s (%,d posts, client hints as sent). UDHR: %,d posts cut from every variant, no hints.%n%n",
                Path.of(args[0]).getFileName(),
                corpus.size(),
                udhr.size()));
        md.append(
                "| settings (words:share:ratio[:maxChars[:shortlist[:letters]]]) | corpus: supported right | corpus: und right | corpus: decided by function words "
                        + "| corpus: lingua asked | CPU µs per detection | UDHR supported right | UDHR unsupported Latin → und |\n|---|---|---|---|---|---|---|---|\n");
        for (int i = 4; i < args.length; i++) {
            String[] p = args[i].split(":");
            Settings d = Settings.DEFAULTS;
            Settings s = new Settings(
                    d.minDistance(),
                    d.weakDistance(),
                    d.weakWordRate(),
                    d.minDistanceTwoCandidates(),
                    d.hintMargin(),
                    p.length > 3 ? Integer.parseInt(p[3]) : d.maxChars(),
                    p.length > 4 ? Integer.parseInt(p[4]) : d.shortlist(),
                    Integer.parseInt(p[0]),
                    Double.parseDouble(p[1]),
                    Double.parseDouble(p[2]),
                    p.length > 5 ? Boolean.parseBoolean(p[5]) : d.lettersDecide());
            ScriptFirstDetector detector = new ScriptFirstDetector(s).preload();
            Tally c = tally(detector, corpus, true);
            tally(detector, corpus, true); // warm-up for the timing
            long cpu = cpuNanos();
            tally(detector, corpus, true);
            double micros = (cpuNanos() - cpu) / 1e3 / corpus.size();
            Tally u = tally(detector, udhr, false);
            String row = String.format(
                    Locale.ROOT,
                    "| %s | %.2f%% | %.1f%% | %.1f%% | %.1f%% | %.1f | %.2f%% | %.1f%% |%n",
                    args[i],
                    c.supportedRate(),
                    c.undRate(),
                    100.0 * c.bySource.getOrDefault(ScriptFirstDetector.Source.FUNCTION_WORDS, 0) / corpus.size(),
                    100.0 * c.linguaAsked / corpus.size(),
                    micros,
                    u.supportedRate(),
                    u.undLatinRate());
            System.err.print(row + "  corpus misses: " + c.misses + "\n  UDHR unsupported Latin, not und: "
                    + top(u.undMissesByVariant, 12) + "\n");
            md.append(row);
        }
        System.out.print(md);
        Files.writeString(Path.of(args[3]), md.toString());
    }

    static final class Tally {
        int supported, supportedRight, und, undRight, undLatin, undLatinRight, linguaAsked;
        final Map<ScriptFirstDetector.Source, Integer> bySource = new EnumMap<>(ScriptFirstDetector.Source.class);
        final Map<String, Integer> misses = new TreeMap<>();
        final Map<String, Integer> undMissesByVariant = new HashMap<>();

        double supportedRate() {
            return 100.0 * supportedRight / Math.max(1, supported);
        }

        double undRate() {
            return 100.0 * undRight / Math.max(1, und);
        }

        double undLatinRate() {
            return 100.0 * undLatinRight / Math.max(1, undLatin);
        }
    }

    static Tally tally(ScriptFirstDetector detector, List<Post> posts, boolean withHints) {
        Tally t = new Tally();
        for (Post p : posts) {
            ScriptFirstDetector.Detection d = detector.analyze(p.text(), withHints ? p.hint() : null);
            t.bySource.merge(d.source(), 1, Integer::sum);
            if (!Double.isNaN(d.distance())) t.linguaAsked++; // NaN: lingua was not asked
            boolean right = d.lang().equals(p.truth().startsWith("und") ? "und" : p.truth());
            if (p.truth().startsWith("und")) {
                t.und++;
                if (right) t.undRight++;
                if (d.script().equals("LATIN")) {
                    t.undLatin++;
                    if (right) t.undLatinRight++;
                    else t.undMissesByVariant.merge(p.truth(), 1, Integer::sum);
                }
            } else {
                t.supported++;
                if (right) t.supportedRight++;
                else t.misses.merge(p.truth() + "→" + d.lang(), 1, Integer::sum);
            }
        }
        return t;
    }

    static String top(Map<String, Integer> m, int k) {
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(k)
                .forEach(e ->
                        sb.append(e.getKey()).append(' ').append(e.getValue()).append(", "));
        return sb.toString();
    }

    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static List<Post> corpus(Path corpus, Path truthFile) throws Exception {
        Map<String, String> truth = new HashMap<>();
        for (String line : Files.readAllLines(truthFile)) {
            int tab = line.indexOf('\t');
            if (tab > 0) truth.put(line.substring(0, tab), line.substring(tab + 1));
        }
        List<Post> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(corpus)) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = PostJson.MAPPER.readTree(line);
                String t = n.has("id") ? truth.get(n.get("id").asText()) : null;
                if (t == null || !n.path("text").isTextual()) continue;
                out.add(new Post(
                        n.get("text").asText(),
                        n.path("lang").isTextual() ? n.get("lang").asText() : null,
                        t));
            }
        }
        return out;
    }

    /** Every UDHR paragraph cut to a post of 40–280 characters at a word boundary (seeded); truth from the variant's tag. */
    static List<Post> udhr(Path udhr) throws Exception {
        Random rnd = new Random(7);
        List<Post> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(udhr)) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = PostJson.MAPPER.readTree(line);
                String text = n.path("text").asText("");
                if (text.length() < 40) continue;
                String lang = ScriptFirstDetector.normalizeHint(n.path("bcp47").asText(""));
                int len = 40 + rnd.nextInt(241);
                if (text.length() > len) {
                    int space = text.lastIndexOf(' ', len);
                    text = text.substring(0, space > 30 ? space : len);
                }
                out.add(new Post(
                        text,
                        null,
                        lang != null ? lang : "und:" + n.path("language").asText("?")));
            }
        }
        return out;
    }
}
