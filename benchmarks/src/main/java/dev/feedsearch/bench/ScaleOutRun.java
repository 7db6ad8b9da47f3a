package dev.feedsearch.bench;

import dev.feedsearch.bench.ScaleOutProcs.Child;
import dev.feedsearch.core.model.PostJson;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Issue 18's scale-out run: one OpenSearch node loaded with N posts by the product's own {@code ingest}, one
 * {@code serve --role indexer} fed by DynamoDB Local streams, and R {@code serve --role query} replicas, each in a JVM
 * of its own. Measures, in this order, with the same HTTP client:
 * <ol>
 *   <li>a bare Javalin endpoint in its own JVM serving a cached search page's bytes (before and after the replicas);
 *   <li>per replica: cached {@code /v1/search} (Zipf mix of 50 queries), uncached {@code /v1/search} (the same words,
 *       each request with a distinct {@code until}, so no result-cache key repeats) and {@code /v1/feed} (Zipf
 *       viewers); each a closed loop for a fixed time after a warm-up, with the replica's result-cache hit/miss
 *       counters, its CPU time and the OpenSearch node's read around the measured window;
 *   <li>change-feed lag under a live stream ({@link ScaleOutStream#lag});
 *   <li>the indexer's events/s over bursts of DynamoDB writes ({@link ScaleOutStream#burst}).
 * </ol>
 * Writes OUT.md and OUT.json ({@link ScaleOutReport}). Usage (all {@code --key value}): --url --size --corpus --dir
 * --out [--replicas 2] [--clients 4] [--seconds 20] [--warmup 5] [--lag-seconds 60] [--bg-rate 50] [--burst 20000]
 * [--bursts 2] [--os-root-pid PID] [--commit SHA] [--command TEXT] [--ingest-jvm-opts "..."] [--skip-load true]
 */
public final class ScaleOutRun {
    static final String CURSOR_KEYS = "scale-out-bench-cursor-key-0123456789";
    static final List<String> SERVE_JVM = List.of(
            "-Xmx1g",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism="
                    + Math.max(2, Runtime.getRuntime().availableProcessors()),
            "--enable-native-access=ALL-UNNAMED");

    /** One measured closed-loop phase. */
    record Phase(
            String target,
            String kind,
            Histogram latency,
            double seconds,
            double targetCpuSeconds,
            double openSearchCpuSeconds,
            double machineBusy,
            Map<String, Double> cacheCounts,
            long errors,
            String firstError) {
        double rps() {
            return latency.getTotalCount() / seconds;
        }

        double p(double pct) {
            return latency.getValueAtPercentile(pct) / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        String url = o.get("url");
        int size = Integer.parseInt(o.get("size"));
        int replicas = Integer.parseInt(o.getOrDefault("replicas", "2"));
        int clients = Integer.parseInt(o.getOrDefault("clients", "4"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
        Path corpus = Path.of(o.get("corpus")), dir = Path.of(o.get("dir")), out = Path.of(o.get("out"));
        Long osRoot = o.containsKey("os-root-pid") ? Long.parseLong(o.get("os-root-pid")) : null;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("pids"));
        ScaleOutReport report = new ScaleOutReport(o, size, replicas, clients, seconds, warmup);
        report.started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        report.loadBefore = ScaleOutProcs.loadAverage();
        log("load average at start: %s", report.loadBefore);
        OpenSearchRun.awaitNode(url);
        Long osPid = osRoot == null ? null : ScaleOutProcs.openSearchPid(osRoot).orElse(null);
        log("OpenSearch node pid: %s", osPid);

        boolean loadIndex = !Boolean.parseBoolean(o.getOrDefault("skip-load", "false"));
        if (loadIndex) OpenSearchRun.wipe(url);

        try {
            measure(o, report, url, size, replicas, clients, seconds, warmup, corpus, dir, osPid, loadIndex);
        } catch (Throwable t) {
            report.failure = t.toString();
            log("failed: %s", t);
            t.printStackTrace();
        }
        report.ended = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        report.loadAfter = ScaleOutProcs.loadAverage();
        log("load average at end: %s", report.loadAfter);
        report.write(out);
        log("results: %s.md, %s.json", out, out);
        System.exit(report.failure == null ? 0 : 1); // DynamoDB Local leaves non-daemon threads
    }

    static void measure(
            Map<String, String> o,
            ScaleOutReport report,
            String url,
            int size,
            int replicas,
            int clients,
            int seconds,
            int warmup,
            Path corpus,
            Path dir,
            Long osPid,
            boolean loadIndex)
            throws Exception {
        // closed in reverse: the serve processes stop before DynamoDB Local, so the indexer never sees it vanish
        try (ScaleOutStream stream = ScaleOutStream.start(dir, corpus);
                ScaleOutProcs procs = new ScaleOutProcs(dir)) {
            Runtime.getRuntime().addShutdownHook(new Thread(procs::close));
            Map<String, String> env = new LinkedHashMap<>(Map.of(
                    "AWS_ACCESS_KEY_ID", "local",
                    "AWS_SECRET_ACCESS_KEY", "local",
                    "AWS_REGION", "us-east-1",
                    "FEEDSEARCH_CURSOR_KEYS", CURSOR_KEYS));
            List<String> engine = List.of("--engine", "opensearch", "--opensearch-url", url, "--replicas", "0");
            List<String> indexerArgs = new ArrayList<>(List.of("serve", "--role", "indexer", "--port", "0"));
            indexerArgs.addAll(engine);
            indexerArgs.addAll(List.of(
                    "--data-dir",
                    dir.resolve("indexer").toString(),
                    "--wait-for-lease",
                    "--source",
                    "dynamodb",
                    "--dynamodb-endpoint",
                    stream.endpoint(),
                    "--posts-table",
                    ScaleOutStream.POSTS,
                    "--follows-table",
                    ScaleOutStream.FOLLOWS));
            if (loadIndex) {
                // An indexer's first start on a DynamoDB source backfills: it scans the tables and removes from the
                // index every post the table lacks. So it first runs once over the empty index and empty tables (the
                // backfill is then recorded as done in the cluster's checkpoints), then `ingest` loads the corpus,
                // and the indexer that is measured resumes from those checkpoints with no backfill.
                Child first = procs.start("indexer-first", SERVE_JVM, "dev.feedsearch.app.Main", indexerArgs, env);
                awaitReady(first);
                procs.stop(first);
                report.ingest = load(o, url, corpus, dir.resolve("load"));
            }
            Child indexer = procs.start("indexer", SERVE_JVM, "dev.feedsearch.app.Main", indexerArgs, env);
            awaitReady(indexer);
            if (Files.readString(dir.resolve("indexer.err")).contains("backfilled posts into the index"))
                throw new IllegalStateException(
                        "the measured indexer backfilled: the loaded index is not what it serves");
            // cached pages kept 60 s (default 1 s): the cached rows then measure the cache, not re-reads of the mix
            Path config = dir.resolve("replica-config.json");
            Files.writeString(config, "{\"cache\": {\"refresh_ms\": 60000}}");
            List<Child> reps = new ArrayList<>();
            for (int r = 1; r <= replicas; r++) {
                List<String> a = new ArrayList<>(List.of("serve", "--role", "query", "--port", "0"));
                a.addAll(engine);
                a.addAll(List.of("--data-dir", dir.resolve("replica-" + r).toString(), "--config", config.toString()));
                reps.add(procs.start("replica-" + r, SERVE_JVM, "dev.feedsearch.app.Main", a, env));
            }
            for (Child r : reps) {
                String ready = ScaleOutProcs.get(r.base() + "/ready");
                report.ready.put(r.name(), ready);
                long posts = PostJson.MAPPER.readTree(ready).path("posts").asLong();
                if (posts < 0.95 * size)
                    throw new IllegalStateException(
                            r.name() + " sees " + posts + " posts, not ~" + size + ": " + ready);
            }
            log("replica /ready: %s", report.ready);

            List<String> queries = new ArrayList<>();
            for (String q : BenchQueries.QUERIES)
                queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=20");
            for (String q : BenchQueries.QUERIES)
                queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&sort=recent&limit=20");
            Path body = dir.resolve("bare-body.json");
            Files.writeString(body, ScaleOutProcs.get(reps.getFirst().base() + "/v1/search?" + queries.getFirst()));
            Child bare =
                    procs.start("bare", SERVE_JVM, BareEndpoint.class.getName(), List.of(body.toString()), Map.of());

            ExecutorService clientThreads = Executors.newFixedThreadPool(clients);
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads)
                    .build();
            Measurer m = new Measurer(client, clients, warmup, seconds, osPid);
            try {
                AtomicLong distinct = new AtomicLong();
                Instant far = Instant.parse("2100-01-01T00:00:00Z");
                record Target(Child child, String kind, IntFunction<String> urls) {}
                List<Target> targets = new ArrayList<>();
                targets.add(new Target(bare, "bare", i -> bare.base() + "/bare"));
                for (Child r : reps) {
                    Zipf mix = new Zipf(queries.size(), 1.1, 1);
                    targets.add(
                            new Target(r, "search cached", i -> r.base() + "/v1/search?" + queries.get(mix.next())));
                    Zipf words = new Zipf(queries.size(), 1.1, 2);
                    targets.add(new Target(
                            r,
                            "search uncached",
                            i -> r.base() + "/v1/search?" + queries.get(words.next()) + "&until="
                                    + far.minusSeconds(distinct.incrementAndGet())));
                    Zipf viewers = new Zipf(Math.max(1, size / 10), 1.1, 3);
                    targets.add(
                            new Target(r, "feed", i -> r.base() + "/v1/feed?limit=20&viewer=u" + (1 + viewers.next())));
                }
                // every JVM here started cold, and C2 compiles at up to a core for a minute and more: warm them all
                // together first, so each row's own warm-up only settles its caches
                int warmAll = Integer.parseInt(o.getOrDefault("warmup-all", "60"));
                AtomicLong turn = new AtomicLong();
                log("warm-up of every target, round robin, %d s", warmAll);
                Load w = closedLoop(
                        client,
                        i -> targets.get((int) (turn.getAndIncrement() % targets.size()))
                                .urls()
                                .apply(i),
                        clients,
                        System.nanoTime() + warmAll * 1_000_000_000L);
                log("warm-up: %,d requests, %d errors %s", w.latency().getTotalCount(), w.errors(), w.firstError());
                for (Target t : targets) report.phases.add(m.measure(t.child(), t.kind(), t.urls()));
                // the first rows compare a replica after its own 6 s of cached searches with a bare JVM that had
                // little else to compile: measure the cached rows again beside a last bare row, everything warm
                for (Target t : targets)
                    if (t.kind().equals("search cached"))
                        report.phases.add(m.measure(t.child(), "search cached (again)", t.urls()));
                report.phases.add(m.measure(bare, "bare (again)", i -> bare.base() + "/bare"));
            } finally {
                clientThreads.shutdownNow();
            }
            report.lag = stream.lag(
                    indexer,
                    reps,
                    Integer.parseInt(o.getOrDefault("lag-seconds", "60")),
                    Integer.parseInt(o.getOrDefault("bg-rate", "50")));
            int bursts = Integer.parseInt(o.getOrDefault("bursts", "2"));
            for (int b = 0; b < bursts; b++)
                report.bursts.add(stream.burst(indexer, reps, Integer.parseInt(o.getOrDefault("burst", "10000")), b));
            for (Child r : reps) report.replicaMetrics.put(r.name(), ScaleOutProcs.get(r.base() + "/metrics"));
        }
    }

    /** `feedsearch ingest` of the corpus in a child JVM (--refresh false), then one _refresh; timed by wall clock. */
    static ScaleRun.Ingest load(Map<String, String> o, String url, Path corpus, Path dir) throws Exception {
        Files.createDirectories(dir);
        List<String> engineArgs = List.of(
                "--data-dir",
                dir.resolve("data").toString(),
                "--engine",
                "opensearch",
                "--opensearch-url",
                url,
                "--replicas",
                "0",
                "--refresh",
                "false");
        List<String> jvm = List.of(o.getOrDefault(
                        "ingest-jvm-opts",
                        "-Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED")
                .trim()
                .split("\\s+"));
        log("loading %s into OpenSearch with feedsearch ingest (output: %s)", corpus, dir);
        long t0 = System.nanoTime();
        ScaleRun.runIngest(jvm, engineArgs, corpus, dir.resolve("ingest.out"));
        OpenSearchRun.send(url, "POST", "/posts-*,feedsearch-*/_refresh", null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Matcher mt = Pattern.compile("(\\d+) posts, (\\d+) follow edges")
                .matcher(Files.readString(dir.resolve("ingest.out")));
        if (!mt.find()) throw new IllegalStateException("no ingest summary in " + dir.resolve("ingest.out"));
        long posts = Long.parseLong(mt.group(1)), follows = Long.parseLong(mt.group(2));
        log("ingest: %,d posts, %,d follow edges in %.0f s", posts, follows, seconds);
        return new ScaleRun.Ingest(
                "feedsearch ingest --engine opensearch --replicas 0 --refresh false " + corpus.getFileName(),
                seconds,
                Double.NaN,
                posts,
                follows,
                posts / seconds,
                Double.NaN);
    }

    /** Waits until a serve process's /ready answers 200 (its streams opened, any backfill done). */
    static void awaitReady(Child c) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            try {
                ScaleOutProcs.get(c.base() + "/ready");
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(500);
            }
        }
    }

    /** Runs closed-loop phases against one process at a time, with counters read around the measured window. */
    record Measurer(HttpClient client, int clients, int warmup, int seconds, Long osPid) {
        Phase measure(Child target, String kind, IntFunction<String> urls) throws Exception {
            log("%s: %s (%d s warm-up, %d s measured, %d clients)", target.name(), kind, warmup, seconds, clients);
            closedLoop(client, urls, clients, System.nanoTime() + warmup * 1_000_000_000L);
            Map<String, Double> before = cacheCounts(target);
            double cpu0 = ScaleOutProcs.cpuSeconds(target.pid());
            double os0 = osPid == null ? Double.NaN : ScaleOutProcs.cpuSeconds(osPid);
            long[] m0 = ScaleOutProcs.machineTicks();
            long t0 = System.nanoTime();
            Load load = closedLoop(client, urls, clients, t0 + seconds * 1_000_000_000L);
            Histogram h = load.latency();
            double wall = (System.nanoTime() - t0) / 1e9;
            long[] m1 = ScaleOutProcs.machineTicks();
            double cpu = ScaleOutProcs.cpuSeconds(target.pid()) - cpu0;
            double os = osPid == null ? Double.NaN : ScaleOutProcs.cpuSeconds(osPid) - os0;
            Map<String, Double> after = cacheCounts(target), delta = new LinkedHashMap<>();
            after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0.0)));
            double busy = m1[1] == m0[1] ? Double.NaN : (m1[0] - m0[0]) / (double) (m1[1] - m0[1]);
            Phase p = new Phase(target.name(), kind, h, wall, cpu, os, busy, delta, load.errors(), load.firstError());
            log(
                    "  %,.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors %s; target CPU %.2f cores, OpenSearch %.2f, machine busy %.0f%%; caches %s",
                    p.rps(),
                    p.p(50),
                    p.p(99),
                    load.errors(),
                    load.firstError() == null ? "" : "(" + load.firstError() + ")",
                    cpu / wall,
                    os / wall,
                    100 * busy,
                    delta);
            return p;
        }

        /** The replica's cache_gets_total per cache and result ({} for the bare endpoint). */
        static Map<String, Double> cacheCounts(Child target) throws Exception {
            Map<String, Double> c = new LinkedHashMap<>();
            if (target.name().equals("bare")) return c;
            String text = ScaleOutProcs.get(target.base() + "/metrics");
            for (String cache : List.of(
                    "rendered_searches", "search_results", "timelines", "popular_candidates", "viewer_contexts"))
                for (String result : List.of("hit", "miss"))
                    c.put(
                            cache + "." + result,
                            ScaleOutProcs.metric(text, "cache_gets_total", "cache", cache, "result", result));
            return c;
        }
    }

    record Load(Histogram latency, long errors, String firstError) {}

    /**
     * A closed loop: {@code clients} threads, each sending its next request when the last answered, until
     * {@code deadlineNanos}. Every answer's latency is recorded; answers other than 200 are counted (with the first
     * one kept) rather than ending the run, since an overloaded replica answering 503 is a result too.
     */
    static Load closedLoop(HttpClient client, IntFunction<String> urls, int clients, long deadlineNanos)
            throws Exception {
        Histogram total = new Histogram(60_000_000_000L, 3);
        java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> first = new java.util.concurrent.atomic.AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<Histogram>> parts = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                parts.add(pool.submit(() -> {
                    Histogram h = new Histogram(60_000_000_000L, 3);
                    for (int i = 0; System.nanoTime() < deadlineNanos; i++) {
                        String url;
                        synchronized (urls) {
                            url = urls.apply(i); // the Zipf samplers are not thread-safe
                        }
                        long t0 = System.nanoTime();
                        var r = client.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                        h.recordValue(System.nanoTime() - t0);
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                            first.compareAndSet(
                                    null, r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                        }
                    }
                    return h;
                }));
            }
            for (var f : parts) total.add(f.get());
        } finally {
            pool.shutdown();
        }
        return new Load(total, errors.get(), first.get());
    }

    static void log(String format, Object... args) {
        System.err.println(
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + String.format(Locale.ROOT, format, args));
    }

    private ScaleOutRun() {}
}
