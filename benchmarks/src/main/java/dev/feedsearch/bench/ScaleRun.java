package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.ServiceConfig;
import dev.feedsearch.query.rank.RankingConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The scale benchmark (issue 15), one engine and one corpus size per JVM ({@code measure}), then the table of
 * every part of a run ({@code report}). Run by {@code benchmarks/run-scale.sh}, which says what each figure is.
 * <pre>
 * ScaleRun measure --engine embedded|opensearch --size N --corpus FILE --dir WORKDIR [--url URL] [--samples N] [--warmup N]
 *                  [--os-refresh false|wait_for] [--ingest-jvm-opts "..."]      writes WORKDIR/result.json
 * ScaleRun report --out PREFIX --command TEXT [--note TEXT] PART.json...        writes PREFIX.md and PREFIX.json
 * </pre>
 */
public final class ScaleRun {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final int LIMIT = 20, FEED_CLIENTS = 2, FEED_REQUESTS = 10_000;
    static final double ZIPF_EXPONENT = 1.1;
    static final List<String> TAGS =
            List.of("rights", "freedom", "dignity", "equality", "education", "justice", "peace", "family");
    static final List<String> LANGS = List.of("en", "de", "ja", "es", "fr", "ru", "zh", "ar");
    static final String CURSOR = "cursor pages 2-5 (tag listing)";

    // ------------------------------------------------------------------ the result of one (engine, size)

    record Latency(double p50Ms, double p99Ms, double meanMs, long count) {
        static Latency of(Histogram h) {
            return new Latency(
                    h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6,
                    h.getMean() / 1e6,
                    h.getTotalCount());
        }
    }

    record KindResult(String kind, Latency engine, Latency raw) {}

    /** Wall time of `Main ingest` over the corpus, and of the same command over an empty file (JVM start, setup). */
    record Ingest(
            String command,
            double seconds,
            double fixedSeconds,
            long posts,
            long follows,
            double postsPerSecond,
            double postsPerSecondNet) {}

    /** KiB from /proc/PID/status; the node's fields are null when its pid could not be read. */
    record Memory(
            long rssAfterOpenKiB,
            long rssAfterRunKiB,
            long hwmKiB,
            long rssAnonKiB,
            long rssFileKiB,
            int heapMaxMiB,
            Long nodeRssKiB,
            Long nodeHwmKiB) {}

    record Feed(
            Latency latency,
            int clients,
            double timelinesHitRate,
            double popularHitRate,
            int popularWindowPosts,
            String clock) {}

    record Phases(double ingestSeconds, double openSeconds, double searchSeconds, double feedSeconds) {}

    record Part(
            String engine,
            int size,
            long indexedPosts,
            long diskBytes,
            String diskWhat,
            double bytesPerPost,
            Ingest ingest,
            Memory memory,
            int samples,
            int warmup,
            List<KindResult> kinds,
            Feed feed,
            Phases phases,
            String started,
            String loadAverage,
            String source) {}

    // ------------------------------------------------------------------ measure

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: ScaleRun measure|report ...");
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) opts.put(args[i].substring(2), args[++i]);
            else rest.add(args[i]);
        }
        switch (args[0]) {
            case "measure" -> measure(opts);
            case "feed" -> feedOnly(opts);
            case "report" ->
                ScaleReport.write(
                        Path.of(opts.get("out")),
                        opts.get("command"),
                        opts.get("note"),
                        rest.stream().map(Path::of).toList());
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void measure(Map<String, String> o) throws Exception {
        String engineName = o.get("engine"), url = o.get("url");
        int size = Integer.parseInt(o.get("size")), samples = Integer.parseInt(o.getOrDefault("samples", "1000"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", String.valueOf(Math.max(50, samples / 5))));
        Path corpus = Path.of(o.get("corpus")), dir = Path.of(o.get("dir"));
        boolean os = engineName.equals("opensearch");
        if (os && url == null) throw new IllegalArgumentException("--url is required for opensearch");
        String started = Instant.now().toString(), loadBefore = loadAverage();
        Mappings m = Mappings.load();
        Path dataDir = dir.resolve("data");

        long t0 = System.nanoTime();
        List<String> engineArgs = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        if (os) {
            OpenSearchRun.awaitNode(url);
            engineArgs.addAll(List.of(
                    "--engine",
                    "opensearch",
                    "--opensearch-url",
                    url,
                    "--replicas",
                    "0",
                    "--refresh",
                    o.getOrDefault("os-refresh", "false")));
        }
        List<String> jvm =
                List.of(o.getOrDefault("ingest-jvm-opts", "-Xmx2g").trim().split("\\s+"));
        Ingest ingest = ingest(jvm, engineArgs, corpus, dir, os ? url : null);
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        log(
                "ingest: %,d posts in %.1f s (%,.0f posts/s; fixed cost %.1f s)",
                ingest.posts(), ingest.seconds(), ingest.postsPerSecond(), ingest.fixedSeconds());

        long diskBytes =
                os ? OpenSearchRun.storeBytes(url, "posts-*,feedsearch-*") : directoryBytes(dataDir.resolve("index"));
        String diskWhat = os
                ? "primaries' store of posts-* and feedsearch-* (`_stats/store` after a flush; follow edges and the keys index included)"
                : "the index directory (data/index) as ingest left it (follow edges included)";

        t0 = System.nanoTime();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        PostIndex index = os
                ? OpenSearchPostIndex.open(
                        OpenSearchConfig.builder(url).replicas(0).build(), m, OpenSearchPostIndex.RejectedWrites.FAIL)
                : EmbeddedPostIndex.open(dataDir.resolve("index"), GroupAnalyzers.build(m));
        try (index;
                ScaleBaseline raw = os
                        ? new ScaleBaseline.OpenSearch(url, (OpenSearchPostIndex) index)
                        : ScaleBaseline.Lucene.open((EmbeddedPostIndex) index, dataDir.resolve("index"))) {
            long posts = index.stats().posts();
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            long rssAfterOpen = procStatus(ProcessHandle.current().pid(), "VmRSS");
            log("opened: %,d posts, RSS %,d KiB", posts, rssAfterOpen);

            t0 = System.nanoTime();
            List<KindResult> kinds = search(index, raw, size / 10, warmup, samples);
            double searchSeconds = (System.nanoTime() - t0) / 1e9;

            t0 = System.nanoTime();
            Feed feed = feed(index, langs, size / 10, ServiceConfig.DEFAULTS);
            double feedSeconds = (System.nanoTime() - t0) / 1e9;

            long self = ProcessHandle.current().pid();
            Long nodeRss = null, nodeHwm = null;
            if (os) {
                Long pid = nodePid(url);
                if (pid != null && Files.exists(Path.of("/proc/" + pid + "/status"))) {
                    nodeRss = procStatus(pid, "VmRSS");
                    nodeHwm = procStatus(pid, "VmHWM");
                }
            }
            Memory mem = new Memory(
                    rssAfterOpen,
                    procStatus(self, "VmRSS"),
                    procStatus(self, "VmHWM"),
                    procStatus(self, "RssAnon"),
                    procStatus(self, "RssFile"),
                    (int) (Runtime.getRuntime().maxMemory() >> 20),
                    nodeRss,
                    nodeHwm);
            Part part = new Part(
                    engineName,
                    size,
                    posts,
                    diskBytes,
                    diskWhat,
                    (double) diskBytes / posts,
                    ingest,
                    mem,
                    samples,
                    warmup,
                    kinds,
                    feed,
                    new Phases(ingestSeconds, openSeconds, searchSeconds, feedSeconds),
                    started,
                    loadBefore + " → " + loadAverage(),
                    ScaleReport.sourceRevision());
            JSON.writeValue(dir.resolve("result.json").toFile(), part);
            log("done: search %.0f s, feed %.0f s", searchSeconds, feedSeconds);
        }
    }

    /**
     * Only the feed part, over an embedded index a measure run left in --dir (to profile the feed, e.g. with JFR,
     * without re-ingesting); prints the result and writes nothing. {@code --config FILE}: the service config to run
     * it with (to compare cache sizes, say), else the defaults.
     */
    static void feedOnly(Map<String, String> o) throws Exception {
        Mappings m = Mappings.load();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        try (EmbeddedPostIndex index =
                EmbeddedPostIndex.open(Path.of(o.get("dir")).resolve("data/index"), GroupAnalyzers.build(m))) {
            ServiceConfig config =
                    o.containsKey("config") ? ServiceConfig.load(Path.of(o.get("config"))) : ServiceConfig.DEFAULTS;
            Feed feed = feed(index, langs, (int) (index.stats().posts() / 10), config);
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(feed));
        }
    }

    /** `feedsearch ingest` in a child JVM, timed by wall clock; first over an empty file for its fixed cost. */
    static Ingest ingest(List<String> jvm, List<String> engineArgs, Path corpus, Path dir, String wipeUrl)
            throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        if (wipeUrl != null) OpenSearchRun.wipe(wipeUrl);
        double fixed = runIngest(jvm, engineArgs, empty, dir.resolve("ingest-empty.out"));
        // a fresh start for the measured load: no index left by the empty run
        if (wipeUrl != null) OpenSearchRun.wipe(wipeUrl);
        else deleteTree(dir.resolve("data"));
        long t0 = System.nanoTime();
        runIngest(jvm, engineArgs, corpus, dir.resolve("ingest.out"));
        // refresh=false returns before the last batches are searchable: the load ends when they are
        if (wipeUrl != null) OpenSearchRun.send(wipeUrl, "POST", "/posts-*,feedsearch-*/_refresh", null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = Files.readString(dir.resolve("ingest.out"));
        Matcher mt = Pattern.compile("(\\d+) posts, (\\d+) follow edges").matcher(out);
        if (!mt.find()) throw new IllegalStateException("no ingest summary in: " + out);
        long posts = Long.parseLong(mt.group(1)), follows = Long.parseLong(mt.group(2));
        String command = "feedsearch ingest "
                + String.join(" ", engineArgs)
                        .replaceAll("--data-dir \\S+", "--data-dir DIR")
                        .replaceAll("--opensearch-url \\S+", "--opensearch-url URL")
                + " " + corpus.getFileName();
        return new Ingest(command, seconds, fixed, posts, follows, posts / seconds, posts / (seconds - fixed));
    }

    static double runIngest(List<String> jvm, List<String> engineArgs, Path file, Path out) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.feedsearch.app.Main", "ingest"));
        cmd.addAll(engineArgs);
        cmd.add(file.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile())
                .start();
        if (p.waitFor() != 0)
            throw new IllegalStateException("ingest failed (" + p.exitValue() + "): see " + out + ".err");
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One query of a kind, made from the sample number and the run's samplers. */
    interface Kind {
        SearchQuery query(int i);
    }

    /**
     * Every kind, query by query: engine and raw take turns on the same query (the first of the two alternating), so a
     * slow second on this shared machine lands on both. The first {@code warmup} samples are not recorded, and
     * check that engine and raw answer alike.
     */
    static List<KindResult> search(PostIndex index, ScaleBaseline raw, int users, int warmup, int samples)
            throws Exception {
        Instant newest = index.search(
                        SearchQuery.builder().sort(SortOrder.RECENT).limit(1).build())
                .hits()
                .getFirst()
                .post()
                .post()
                .createdAt();
        Zipf viewers = new Zipf(users, ZIPF_EXPONENT, 2), authors = new Zipf(users, ZIPF_EXPONENT, 3);
        List<String> qs = BenchQueries.QUERIES;
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put(
                "relevance",
                i -> SearchQuery.builder()
                        .text(qs.get(i % qs.size()))
                        .limit(LIMIT)
                        .build());
        kinds.put(
                "relevance + viewer",
                i -> SearchQuery.builder()
                        .text(qs.get(i % qs.size()))
                        .viewer(user(viewers))
                        .limit(LIMIT)
                        .build());
        kinds.put("recent", i -> recent().text(qs.get(i % qs.size())).build());
        kinds.put(
                "recent + viewer",
                i -> recent().text(qs.get(i % qs.size())).viewer(user(viewers)).build());
        kinds.put(
                "language filter",
                i -> recent().lang(LANGS.get(i % LANGS.size())).build());
        kinds.put("author listing", i -> recent().author(user(authors)).build());
        kinds.put("tag listing", i -> recent().tag(TAGS.get(i % TAGS.size())).build());
        kinds.put(
                "since (last 7 days)",
                i -> recent().since(newest.minusSeconds(7 * 86_400L)).build());
        Map<String, Histogram[]> h = new LinkedHashMap<>();
        for (String k : kinds.keySet()) h.put(k, histograms());
        h.put(CURSOR, histograms());
        for (int i = 0; i < warmup + samples; i++) {
            boolean record = i >= warmup, engineFirst = i % 2 == 0;
            for (Map.Entry<String, Kind> k : kinds.entrySet()) {
                SearchQuery q = k.getValue().query(i);
                pair(index, raw, q, engineFirst, record ? h.get(k.getKey()) : null, k.getKey());
            }
            // pages 2-5 of a tag listing: page 1 untimed, each later page from the engine's cursor, both sides timed
            SearchQuery first = recent().tag(TAGS.get((i + 3) % TAGS.size())).build();
            SortKey after = index.search(first).next().orElse(null);
            for (int page = 2; page <= 5 && after != null; page++) {
                SearchQuery q = first.toBuilder().after(after).build();
                after = pair(index, raw, q, engineFirst, record ? h.get(CURSOR) : null, CURSOR)
                        .next()
                        .orElse(null);
            }
            if (i % 100 == 99) log("search: %d of %d samples per kind", i + 1, warmup + samples);
        }
        List<KindResult> out = new ArrayList<>();
        h.forEach((k, v) -> out.add(new KindResult(k, Latency.of(v[0]), Latency.of(v[1]))));
        return out;
    }

    /** Engine and raw on one query, in the given order; checks their answers during the warm-up (record == null). */
    static SearchPage pair(
            PostIndex index, ScaleBaseline raw, SearchQuery q, boolean engineFirst, Histogram[] record, String kind)
            throws Exception {
        ScaleBaseline.Prepared prepared = raw.prepare(q);
        SearchPage page = null;
        List<String> rawKeys = null;
        for (int side = 0; side < 2; side++) {
            boolean engine = (side == 0) == engineFirst;
            long t0 = System.nanoTime();
            if (engine) page = index.search(q);
            else rawKeys = prepared.run();
            long t = System.nanoTime() - t0;
            if (record != null) record[engine ? 0 : 1].recordValue(t);
        }
        if (record == null) {
            List<String> engineKeys = ScaleBaseline.keys(page, q.sort());
            if (!engineKeys.equals(rawKeys)) {
                throw new IllegalStateException(kind + ": engine and raw answered differently for " + q + ":\n engine "
                        + engineKeys + "\n raw    " + rawKeys);
            }
        }
        return page;
    }

    /**
     * /v1/feed on the query service over this engine with its default caches, its clock an hour after the corpus'
     * newest post (so the popular window holds posts: checked), Zipf viewers, {@link #FEED_CLIENTS} closed-loop clients.
     */
    static Feed feed(PostIndex index, Set<String> langs, int users, ServiceConfig config) throws Exception {
        Clock clock = index instanceof EmbeddedPostIndex e ? HttpLoadRun.corpusClock(e) : corpusClock(index);
        int window = popularWindowPosts(index, clock);
        try (FeedsearchServer server = FeedsearchServer.builder()
                .index(index)
                .config(config)
                .languages(langs)
                .port(0)
                .clock(clock)
                .build()
                .start()) {
            if (index instanceof EmbeddedPostIndex e) HttpLoadRun.requirePopularWindow(e, server);
            else if (window < 100)
                throw new IllegalStateException(
                        "the popular window holds " + window + " posts: the feed benchmark would not run it");
            ExecutorService pool = Executors.newFixedThreadPool(FEED_CLIENTS);
            try {
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .executor(pool)
                        .build();
                Zipf viewers = new Zipf(users, ZIPF_EXPONENT, 4);
                String base = "http://127.0.0.1:" + server.port() + "/v1/feed?limit=" + LIMIT + "&viewer=";
                IntFunction<String> urls = i -> base + user(viewers);
                HttpLoadRun.run(
                        client,
                        urls,
                        FEED_CLIENTS,
                        FEED_REQUESTS / 5 / FEED_CLIENTS,
                        System.nanoTime() + 60_000_000_000L); // warm-up
                double[] before = cacheGets(server);
                Histogram h = HttpLoadRun.run(
                        client, urls, FEED_CLIENTS, FEED_REQUESTS / FEED_CLIENTS, System.nanoTime() + 120_000_000_000L);
                double[] after = cacheGets(server);
                return new Feed(
                        Latency.of(h),
                        FEED_CLIENTS,
                        rate(after[0] - before[0], after[1] - before[1]),
                        rate(after[2] - before[2], after[3] - before[3]),
                        window,
                        clock.instant().toString());
            } finally {
                pool.shutdownNow(); // not daemon threads
            }
        }
    }

    /** HttpLoadRun.corpusClock for any engine (that one takes the embedded engine). */
    static Clock corpusClock(PostIndex index) throws IOException {
        Instant newest = index.search(
                        SearchQuery.builder().sort(SortOrder.RECENT).limit(1).build())
                .hits()
                .getFirst()
                .post()
                .post()
                .createdAt();
        return Clock.fixed(newest.plusSeconds(3_600), ZoneOffset.UTC);
    }

    /** Posts the feed's popular window holds at that clock (up to 1,000), in the languages HttpLoadRun checks. */
    static int popularWindowPosts(PostIndex index, Clock clock) throws IOException {
        Instant since = clock.instant().minusMillis((long) (RankingConfig.DEFAULTS.popularWindowHours() * 3_600_000));
        return index.popularPublic(Set.of("en", "de", "fr", "es", "ja", "zh", "ru", "ar"), since, 1_000)
                .size();
    }

    /** hits and misses of the timeline and popular-candidate caches, in that order. */
    static double[] cacheGets(FeedsearchServer s) {
        return new double[] {
            HttpLoadRun.gets(s, "timelines", "hit"),
            HttpLoadRun.gets(s, "timelines", "miss"),
            HttpLoadRun.gets(s, "popular_candidates", "hit"),
            HttpLoadRun.gets(s, "popular_candidates", "miss")
        };
    }

    static double rate(double hit, double miss) {
        return hit + miss == 0 ? Double.NaN : hit / (hit + miss);
    }

    static String user(Zipf z) {
        return "u" + (1 + z.next());
    }

    static SearchQuery.Builder recent() {
        return SearchQuery.builder().sort(SortOrder.RECENT).limit(LIMIT);
    }

    static Histogram[] histograms() {
        return new Histogram[] {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)};
    }

    /** The 1, 5 and 15 minute load averages: on a shared 2-core machine, how much else ran beside the part. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static long procStatus(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** The node's own pid (`_nodes/_local/process`), or null: /proc then tells its RSS if it runs on this machine. */
    static Long nodePid(String url) {
        try {
            JsonNode nodes = PostJson.MAPPER
                    .readTree(OpenSearchRun.send(url, "GET", "/_nodes/_local/process", null))
                    .path("nodes");
            for (JsonNode n : nodes)
                if (n.path("process").has("id"))
                    return n.path("process").path("id").asLong();
        } catch (Exception e) {
            log("node pid not readable: %s", e);
        }
        return null;
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f :
                    files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(f);
        }
    }

    static void log(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    private ScaleRun() {}
}
