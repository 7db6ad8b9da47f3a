package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.bench.ScaleRun.KindResult;
import dev.feedsearch.bench.ScaleRun.Part;
import dev.feedsearch.query.rank.RankingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** scale.md and scale.json from the parts ScaleRun measure wrote in one run of benchmarks/run-scale.sh. */
final class ScaleReport {
    static final double RELEVANCE_P50_MS = 1, RELEVANCE_P99_MS = 5, ENGINE_RAW = 1.5, FEED_P99_MS = 20, SCALE_P50 = 1.5;

    /** One target beside its figure. */
    record Verdict(String target, String engine, String measured, boolean met) {}

    static void write(Path prefix, String command, String note, List<Path> partFiles) throws Exception {
        List<Part> parts = new ArrayList<>();
        for (Path f : partFiles) parts.add(ScaleRun.JSON.readValue(f.toFile(), Part.class));
        Map<String, List<Part>> byEngine = new LinkedHashMap<>();
        for (Part p : parts)
            byEngine.computeIfAbsent(p.engine(), e -> new ArrayList<>()).add(p);
        byEngine.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.size(), b.size())));

        List<Verdict> verdicts = new ArrayList<>();
        for (Map.Entry<String, List<Part>> e : byEngine.entrySet()) {
            String engine = e.getKey();
            List<Part> ps = e.getValue();
            Part largest = ps.getLast(), smallest = ps.getFirst();
            String at = String.format(Locale.ROOT, " at %,d", largest.size());
            KindResult rel = kind(largest, "relevance");
            verdicts.add(new Verdict(
                    "in-process relevance p50 ≤ 1 ms" + at,
                    engine,
                    ms(rel.engine().p50Ms()),
                    rel.engine().p50Ms() <= RELEVANCE_P50_MS));
            verdicts.add(new Verdict(
                    "in-process relevance p99 ≤ 5 ms" + at,
                    engine,
                    ms(rel.engine().p99Ms()),
                    rel.engine().p99Ms() <= RELEVANCE_P99_MS));
            for (Part p : ps) {
                List<String> over = new ArrayList<>();
                double worst = 0;
                for (KindResult k : p.kinds()) {
                    double r = ratio(k);
                    worst = Math.max(worst, r);
                    if (r > ENGINE_RAW) over.add(String.format(Locale.ROOT, "%s %.2f×", k.kind(), r));
                }
                verdicts.add(new Verdict(
                        String.format(Locale.ROOT, "engine ÷ raw p50 ≤ 1.5× for every kind, at %,d", p.size()),
                        engine,
                        over.isEmpty()
                                ? String.format(Locale.ROOT, "worst %.2f×", worst)
                                : "over: " + String.join(", ", over),
                        over.isEmpty()));
            }
            for (Part p : ps) {
                double p99 = p.feed().latency().p99Ms();
                verdicts.add(new Verdict(
                        String.format(Locale.ROOT, "feed p99 ≤ 20 ms, popular window open, at %,d", p.size()),
                        engine,
                        ms(p99),
                        p99 <= FEED_P99_MS));
            }
            if (ps.size() > 1) {
                List<String> over = new ArrayList<>();
                double worst = 0;
                for (KindResult k : largest.kinds()) {
                    double r = k.engine().p50Ms()
                            / kind(smallest, k.kind()).engine().p50Ms();
                    worst = Math.max(worst, r);
                    if (r > SCALE_P50) over.add(String.format(Locale.ROOT, "%s %.2f×", k.kind(), r));
                }
                verdicts.add(new Verdict(
                        String.format(Locale.ROOT, "each kind's %,d ÷ %,d p50 ≤ 1.5×", largest.size(), smallest.size()),
                        engine,
                        over.isEmpty()
                                ? String.format(Locale.ROOT, "worst %.2f×", worst)
                                : "over: " + String.join(", ", over),
                        over.isEmpty()));
            }
        }

        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
        String source = sourceRevision();
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder b = new StringBuilder();
        b.append("# Scale: ingest, disk, memory, search and feed latency by corpus size\n\n");
        b.append(String.format(
                Locale.ROOT,
                "Written by `%s` on %s; %d cores (a shared VM: absolute figures move by up to 2× between runs, "
                        + "the same-run ratios much less), %s; source when this report was written %s. Parts measured, each by its own JVM, in this order:%n%n",
                command,
                LocalDate.now(),
                cores,
                jvm,
                source));
        b.append(
                "| engine | posts | ingest | open | searches (samples per kind + warm-up) | feed | started | load average 1/5/15 min, start → end | source measured |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Part p : parts) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.0f s | %.1f s | %.0f s (%,d + %,d) | %.0f s | %s | %s | %s |%n",
                    p.engine(),
                    p.size(),
                    p.phases().ingestSeconds(),
                    p.phases().openSeconds(),
                    p.phases().searchSeconds(),
                    p.samples(),
                    p.warmup(),
                    p.phases().feedSeconds(),
                    p.started(),
                    p.loadAverage() == null ? "not recorded" : p.loadAverage(),
                    p.source() == null ? "not recorded" : p.source()));
        }
        if (note != null) b.append("\n").append(note).append("\n");
        b.append("\n## Targets (issue 15)\n\n| target | engine | measured | |\n|---|---|---|---|\n");
        for (Verdict v : verdicts)
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s |%n",
                    v.target(),
                    v.engine(),
                    v.measured(),
                    v.met() ? "met" : "**not met**"));

        b.append("\n## Ingest, disk, memory\n\n");
        b.append(
                "| engine | posts | follow edges | ingest posts/s (wall) | net of the fixed cost | bytes per post on disk | RSS after open | RSS after the run (peak) | of it anon / file-backed | heap max | node RSS (peak) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Part p : parts) {
            var m = p.memory();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %,.0f (%.0f s) | %,.0f (fixed %.1f s) | %,.0f | %s | %s (%s) | %s / %s | %d MiB | %s |%n",
                    p.engine(),
                    p.indexedPosts(),
                    p.ingest().follows(),
                    p.ingest().postsPerSecond(),
                    p.ingest().seconds(),
                    p.ingest().postsPerSecondNet(),
                    p.ingest().fixedSeconds(),
                    p.bytesPerPost(),
                    mib(m.rssAfterOpenKiB()),
                    mib(m.rssAfterRunKiB()),
                    mib(m.hwmKiB()),
                    mib(m.rssAnonKiB()),
                    mib(m.rssFileKiB()),
                    m.heapMaxMiB(),
                    m.nodeRssKiB() == null ? "not read" : mib(m.nodeRssKiB()) + " (" + mib(m.nodeHwmKiB()) + ")"));
        }
        b.append("\n");
        for (Part p : parts)
            b.append(String.format(
                    Locale.ROOT,
                    "- %s %,d: ingest = `%s`; disk = %s.%n",
                    p.engine(),
                    p.size(),
                    p.ingest().command(),
                    p.diskWhat()));
        b.append("""
                - Ingest is the product's own command (`dev.feedsearch.app.Main ingest`, which runs `JsonlIngester`) in a child
                  JVM, timed by wall clock from its start until the posts are searchable (OpenSearch: plus one `_refresh`, since
                  the load runs with `--refresh false`); "net" subtracts the wall time of the same command over an empty file
                  (JVM start, mappings, engine setup). posts/s counts posts only; the corpus' follow edges are loaded in the same
                  run (their count is beside it).
                - RSS is the benchmark JVM's own VmRSS from /proc/self/status, minus nothing: besides the engine it holds the raw
                  baseline's reader, the query service with its caches and the load generator. "After open" is once the engine
                  (and the raw reader) are open, before any search; file-backed RSS is the memory-mapped index pages touched.
                  For OpenSearch the engine in this JVM is a client; the node's RSS is read from /proc/PID/status with the pid
                  `_nodes/_local/process` reports.
                """);

        b.append("\n## Search latency by kind (in-process `PostIndex.search`, ms)\n");
        for (Map.Entry<String, List<Part>> e : byEngine.entrySet()) {
            List<Part> ps = e.getValue();
            b.append("\n### ")
                    .append(e.getKey())
                    .append(
                            e.getKey().equals("embedded")
                                    ? " (raw: bare Lucene `IndexSearcher`, same Lucene query)"
                                    : " (raw: `_search` of the engine's own body)")
                    .append("\n\n| kind |");
            for (Part p : ps)
                b.append(String.format(
                        Locale.ROOT, " %,d engine p50 / p99 | raw p50 / p99 | engine ÷ raw p50 (p99) |", p.size()));
            if (ps.size() > 1)
                b.append(String.format(
                        Locale.ROOT,
                        " %,d ÷ %,d engine p50 |",
                        ps.getLast().size(),
                        ps.getFirst().size()));
            b.append("\n|---|")
                    .append("---|---|---|".repeat(ps.size()))
                    .append(ps.size() > 1 ? "---|" : "")
                    .append("\n");
            for (KindResult k0 : ps.getFirst().kinds()) {
                b.append("| ").append(k0.kind()).append(" |");
                for (Part p : ps) {
                    KindResult k = kind(p, k0.kind());
                    b.append(String.format(
                            Locale.ROOT,
                            " %.3f / %.3f | %.3f / %.3f | %.2f× (%.2f×) |",
                            k.engine().p50Ms(),
                            k.engine().p99Ms(),
                            k.raw().p50Ms(),
                            k.raw().p99Ms(),
                            ratio(k),
                            k.engine().p99Ms() / k.raw().p99Ms()));
                }
                if (ps.size() > 1)
                    b.append(String.format(
                            Locale.ROOT,
                            " %.2f× |",
                            kind(ps.getLast(), k0.kind()).engine().p50Ms()
                                    / k0.engine().p50Ms()));
                b.append("\n");
            }
        }

        b.append("\n## Feed (`/v1/feed` on the query service, popular window open)\n\n");
        b.append(
                "| engine | posts | p50 ms | p99 ms | requests | timelines hit rate | popular candidates hit rate | posts in the popular window (≤ 1,000 read) | service clock |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Part p : parts) {
            var f = p.feed();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.2f | %.2f | %,d | %.1f%% | %.1f%% | %,d | %s |%n",
                    p.engine(),
                    p.size(),
                    f.latency().p50Ms(),
                    f.latency().p99Ms(),
                    f.latency().count(),
                    100 * f.timelinesHitRate(),
                    100 * f.popularHitRate(),
                    f.popularWindowPosts(),
                    f.clock()));
        }

        b.append(String.format(
                Locale.ROOT,
                """

                ## How it was measured

                - Corpus: `CorpusGenerator --posts N --authors N/10 --seed 42` (UDHR paragraphs in ~30 languages, posts over one
                  month, Zipf-popular authors and follow edges), loaded once per engine and size into a fresh index.
                - Searches: one thread, the samples per kind of the first table after its warm-up samples (not recorded; during them every page of
                  engine and raw is compared: the same ids for newest first, the same scores for relevance, or the run fails).
                  Per sample, every kind in turn, and within a kind engine and raw on the same query one after the other (which
                  goes first alternates). Page size %d. Kinds: relevance = `q` from the %d `BenchQueries` words (round-robin,
                  25 words across scripts); + viewer = the same with a viewer; recent = `q` with `sort=recent`; language filter =
                  `sort=recent&lang=` one of %s; author listing = `sort=recent&author=`; tag listing = `sort=recent&tag=` one of
                  %s; since = `sort=recent&since=` the newest post − 7 days (about a quarter of the corpus); cursor pages 2–5 =
                  a tag listing's pages 2–5, each from the previous engine page's cursor (page 1 untimed), each page a sample.
                - Viewers and listed authors: Zipf over the N/10 users (exponent %.1f, rank r → `u<r+1>`): a few hot users, a long
                  tail, as the generator makes authors' popularity.
                - Raw baselines: embedded — a bare Lucene `IndexSearcher` on its own `DirectoryReader` of the same index, running
                  the Lucene query the engine builds (its filter clauses mirrored from `EmbeddedPostIndex.buildQuery`, which is
                  private, and the engine's own `textQuery`), prebuilt before the clock starts (including the viewer's followee
                  and hidden-author look-ups, which the engine does per search), top %d by score or by (created desc, id)
                  collecting one page, then each hit's stored source loaded but not decoded. OpenSearch — a plain HTTP client
                  POSTing the body the engine builds for the same query (`searchRequest`, serialized before the clock) to
                  `_search` on the same indices (the `posts` alias, or one group's index for a language filter). engine ÷ raw is judged on p50; p99 in brackets.
                - Feed: `FeedsearchServer` over the engine with its default caches, its clock fixed one hour after the newest
                  post (the feed's %.0f h popular window then holds posts; the run fails if it holds fewer than 100), %d
                  closed-loop HTTP clients, Zipf viewers as above, %,d warm-up requests then up to %,d measured (or 2 min); hit
                  rates over the measured requests only. Latency includes the local HTTP hop.
                """,
                ScaleRun.LIMIT,
                BenchQueries.QUERIES.size(),
                ScaleRun.LANGS,
                ScaleRun.TAGS,
                ScaleRun.ZIPF_EXPONENT,
                ScaleRun.LIMIT,
                RankingConfig.DEFAULTS.popularWindowHours(),
                ScaleRun.FEED_CLIENTS,
                ScaleRun.FEED_REQUESTS / 5,
                ScaleRun.FEED_REQUESTS));

        ObjectNode json = ScaleRun.JSON.createObjectNode();
        json.put("command", command)
                .put("date", LocalDate.now().toString())
                .put("cores", cores)
                .put("jvm", jvm)
                .put("source", source);
        if (note != null) json.put("note", note);
        ArrayNode targets = json.putArray("targets");
        for (Verdict v : verdicts) targets.add(ScaleRun.JSON.valueToTree(v));
        json.set("parts", ScaleRun.JSON.valueToTree(parts));
        Files.createDirectories(prefix.toAbsolutePath().getParent());
        Files.writeString(Path.of(prefix + ".md"), b.toString());
        ScaleRun.JSON.writeValue(Path.of(prefix + ".json").toFile(), json);
        System.out.print(b);
    }

    /** The commit measured, and whether the working tree differed from it (results files aside): figures belong to a state. */
    static String sourceRevision() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty=+uncommitted", "--exclude=*")
                    .redirectErrorStream(true)
                    .start();
            String rev = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? "`" + rev + "`" : "unknown (git: " + rev + ")";
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    static KindResult kind(Part p, String kind) {
        return p.kinds().stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
    }

    static double ratio(KindResult k) {
        return k.engine().p50Ms() / k.raw().p50Ms();
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f ms", v);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%,d MiB", kib >> 10);
    }

    private ScaleReport() {}
}
