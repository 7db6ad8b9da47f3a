package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.bench.ScaleOutRun.Phase;
import dev.feedsearch.bench.ScaleOutStream.Burst;
import dev.feedsearch.bench.ScaleOutStream.Lag;
import dev.feedsearch.core.model.PostJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** What the scale-out run measured, as OUT.md (for people) and OUT.json (for {@code plan} and scripts). */
final class ScaleOutReport {
    final Map<String, String> options;
    final int size, replicas, clients, seconds, warmup;
    final int cores = Runtime.getRuntime().availableProcessors();
    String started, ended, loadBefore, loadAfter;
    ScaleRun.Ingest ingest;
    final Map<String, String> ready = new LinkedHashMap<>();
    final List<Phase> phases = new ArrayList<>();
    Lag lag;
    final List<Burst> bursts = new ArrayList<>();
    final Map<String, String> replicaMetrics = new LinkedHashMap<>();
    String failure;

    ScaleOutReport(Map<String, String> options, int size, int replicas, int clients, int seconds, int warmup) {
        this.options = options;
        this.size = size;
        this.replicas = replicas;
        this.clients = clients;
        this.seconds = seconds;
        this.warmup = warmup;
    }

    private List<Phase> of(String kind) {
        return phases.stream().filter(p -> p.kind().equals(kind)).toList();
    }

    /**
     * The bare row measured beside {@code p}: the first bare row for the first round of rows, the last one for the
     * rows measured again at the end, when every JVM has run its path for minutes.
     */
    private double bareBeside(Phase p) {
        boolean again = p.kind().endsWith("(again)");
        return phases.stream()
                .filter(b -> b.target().equals("bare") && b.kind().endsWith("(again)") == again)
                .mapToDouble(Phase::rps)
                .findFirst()
                .orElse(Double.NaN);
    }

    private double bareRps() {
        return phases.stream()
                .filter(p -> p.target().equals("bare"))
                .mapToDouble(Phase::rps)
                .average()
                .orElse(Double.NaN);
    }

    static double hitRate(Phase p, String cache) {
        double h = p.cacheCounts().getOrDefault(cache + ".hit", 0.0),
                m = p.cacheCounts().getOrDefault(cache + ".miss", 0.0);
        return h + m == 0 ? Double.NaN : h / (h + m);
    }

    /**
     * The share of searches answered without the engine: every search first looks for its rendered body, and one
     * not found there may still find its pages in the result cache.
     */
    static double searchHitRate(Phase p) {
        double rh = p.cacheCounts().getOrDefault("rendered_searches.hit", 0.0),
                rm = p.cacheCounts().getOrDefault("rendered_searches.miss", 0.0),
                sh = p.cacheCounts().getOrDefault("search_results.hit", 0.0);
        return rh + rm == 0 ? Double.NaN : (rh + sh) / (rh + rm);
    }

    /** Requests per second of the target's own CPU: req/s ÷ the cores its process used in the window. */
    static double perUsedCore(Phase p) {
        return p.latency().getTotalCount() / p.targetCpuSeconds();
    }

    static double ms(Histogram h, double pct) {
        return h.getValueAtPercentile(pct) / 1e3;
    }

    private String ratios(String kind) {
        return String.join(
                ", ",
                of(kind).stream()
                        .map(p -> f("%s %.0f%%", p.target(), 100 * p.rps() / bareBeside(p)))
                        .toList());
    }

    /** The lowest (most conservative) figure over the replicas. */
    private double minOver(String kind, java.util.function.ToDoubleFunction<Phase> f) {
        return of(kind).stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    double indexerEventsPerSec() {
        return bursts.isEmpty() ? Double.NaN : bursts.getLast().sustainedPerSec();
    }

    void write(Path out) throws Exception {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                Path.of(out + ".json"),
                PostJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json()));
        Files.writeString(Path.of(out + ".md"), markdown());
    }

    ObjectNode json() {
        ObjectNode j = PostJson.MAPPER.createObjectNode();
        j.put("command", options.getOrDefault("command", ""));
        j.put("source_commit", options.getOrDefault("commit", "unknown"));
        j.put("started", started).put("ended", ended);
        j.put("load_average_start", loadBefore).put("load_average_end", loadAfter);
        j.put("posts", size).put("query_replicas", replicas).put("cores", cores);
        j.put("clients", clients).put("seconds_per_phase", seconds).put("warmup_seconds", warmup);
        if (ingest != null) {
            j.putObject("load")
                    .put("command", ingest.command())
                    .put("seconds", ingest.seconds())
                    .put("posts", ingest.posts())
                    .put("follow_edges", ingest.follows());
        }
        ObjectNode plan = j.putObject("plan_inputs");
        plan.put("qps_per_core", minOver("search uncached", ScaleOutReport::perUsedCore));
        plan.put("qps_per_core_cached", minOver("search cached", ScaleOutReport::perUsedCore));
        plan.put("qps_per_core_uncached", minOver("search uncached", ScaleOutReport::perUsedCore));
        plan.put(
                "opensearch_cpu_ms_per_uncached_query",
                of("search uncached").stream()
                        .mapToDouble(p ->
                                1000 * p.openSearchCpuSeconds() / p.latency().getTotalCount())
                        .max()
                        .orElse(Double.NaN));
        plan.put("indexer_events_per_second", indexerEventsPerSec());
        plan.put(
                "derivation",
                "qps_per_core = requests ÷ CPU seconds the query replica's own process used in the measured window "
                        + "(/proc/PID/stat utime+stime), the lowest over replicas; qps_per_core is the uncached figure "
                        + "(every request a result-cache miss that goes to OpenSearch: conservative), cached given "
                        + "beside it. OpenSearch's CPU is not in it (opensearch_cpu_ms_per_uncached_query is). "
                        + "indexer_events_per_second = the last burst's sustained rate: events applied between 20% and "
                        + "80% of the burst ÷ time, from the indexer's feedsearch_indexer_events_total.");
        ObjectNode search = j.putObject("search");
        search.put("bare_rps", bareRps());
        ArrayNode ps = search.putArray("phases");
        for (Phase p : phases) {
            ObjectNode n = ps.addObject();
            n.put("target", p.target()).put("kind", p.kind());
            n.put("requests", p.latency().getTotalCount()).put("seconds", p.seconds());
            n.put("rps", p.rps()).put("p50_ms", p.p(50)).put("p99_ms", p.p(99)).put("p999_ms", p.p(99.9));
            n.put("target_cpu_cores", p.targetCpuSeconds() / p.seconds());
            n.put("rps_per_available_core", p.rps() / cores);
            n.put("rps_per_used_core", perUsedCore(p));
            n.put("opensearch_cpu_cores", p.openSearchCpuSeconds() / p.seconds());
            n.put("machine_busy", p.machineBusy());
            if (!p.target().equals("bare")) {
                n.put("ratio_to_bare", p.rps() / bareBeside(p));
                n.put("search_results_hit_rate", hitRate(p, "search_results"));
                n.put("rendered_searches_hit_rate", hitRate(p, "rendered_searches"));
                n.put("search_answered_from_cache", searchHitRate(p));
                n.put("timelines_hit_rate", hitRate(p, "timelines"));
                ObjectNode c = n.putObject("cache_gets");
                p.cacheCounts().forEach(c::put);
            }
        }
        if (lag != null) {
            ObjectNode l = j.putObject("change_feed_lag");
            l.put("seconds", lag.seconds()).put("background_posts_per_second", lag.rate());
            l.put("background_writes", lag.backgroundWrites()).put("indexer_events_applied", lag.indexerEventsDelta());
            l.put("probe_timeouts", lag.probeTimeouts());
            histograms(l.putObject("lag_gauge_ms"), lag.feedLagMicros());
            histograms(l.putObject("write_to_visible_ms"), lag.writeToVisibleMicros());
            histograms(l.putObject("dynamodb_put_ms"), Map.of("probe puts", lag.putMicros()));
        }
        ArrayNode bs = j.putArray("indexer_bursts");
        for (Burst b : bursts) {
            ObjectNode n = bs.addObject();
            n.put("posts", b.posts()).put("put_seconds", b.putSeconds()).put("put_per_second", b.putPerSec());
            n.put("apply_seconds", b.applySeconds()).put("whole_events_per_second", b.wholePerSec());
            n.put("sustained_events_per_second", b.sustainedPerSec());
            n.put("indexer_cpu_cores", b.indexerCpuSeconds() / b.applySeconds());
            histograms(n.putObject("lag_gauge_ms"), b.feedLagMicros());
        }
        if (failure != null) j.put("failure", failure);
        ObjectNode r = j.putObject("replica_ready");
        ready.forEach(r::put);
        return j;
    }

    private static void histograms(ObjectNode into, Map<String, Histogram> hs) {
        hs.forEach((k, h) -> into.putObject(k)
                .put("n", h.getTotalCount())
                .put("p50", ms(h, 50))
                .put("p99", ms(h, 99))
                .put("max", h.getMaxValue() / 1e3));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Scale-out: query replicas beside one indexer (issue 18)\n\n");
        if (failure != null)
            md.append(f("**The run stopped early** (%s): what follows is what it measured before.%n%n", failure));
        md.append(f(
                "`%s` at source commit `%s`, %s → %s. Load average (1/5/15 min) at start **%s**, at end **%s**, on %d "
                        + "cores: the machine is shared with other sessions' builds and benchmarks, so read ratios "
                        + "and per-CPU figures before absolute req/s.%n%n",
                options.getOrDefault("command", "benchmarks/run-scale-out.sh"),
                options.getOrDefault("commit", "unknown"),
                started,
                ended,
                loadBefore,
                loadAfter,
                cores));
        md.append(f(
                "Topology, each its own process on this one machine: 1 OpenSearch node (test-node recipe, 512 MB "
                        + "heap) holding %,d posts; `serve --role indexer` fed by DynamoDB Local streams (DynamoDB "
                        + "Local in the benchmark's JVM, in memory); %d × `serve --role query` (`-Xmx1g`, default "
                        + "config but `cache.refresh_ms` 60000, so that the cached rows measure the cache: with the default 1 s a key "
                        + "of the mix is often re-read before it repeats at these request rates); a bare Javalin endpoint in its own JVM serving the bytes of "
                        + "a cached search page. The load client is the benchmark JVM (%d closed-loop connections, "
                        + "%d s warm-up then %d s measured per row, one target at a time).%n%n",
                size, replicas, clients, warmup, seconds));
        if (ingest != null)
            md.append(f(
                    "Load: `%s` (%,d posts, %,d follow edges) in %.0f s, then one `_refresh`.%n%n",
                    ingest.command(), ingest.posts(), ingest.follows(), ingest.seconds()));
        md.append("## Search per replica\n\n");
        md.append("Query mix: 25 words across scripts (`BenchQueries`) × {relevance, `sort=recent`}, `limit=20`, "
                + "no viewer, Zipf (s = 1.1) over the 50. Cached: exactly that mix, so pages repeat and are served "
                + "from the replica's caches (its rendered bodies, whose pages in `search_results` are kept 60 s here; the default is 1 s; a page is dropped earlier when one of its hits changes). Uncached: the "
                + "same words, each request with its own `until=` (a distinct instant in 2100), so no result-cache "
                + "key repeats and every request goes to OpenSearch. The hit rate of a search row is the share answered without the engine: from the rendered bodies (a hit skips parsing, ranking and JSON), or failing those from the result cache. Feed: `/v1/feed?limit=20&viewer=uN`, Zipf "
                + "viewers; the replica's wall clock is weeks after the corpus, so the 48 h popular window is empty "
                + "(the cheaper feed path). Hit rates are from each replica's own `/metrics` "
                + "(`cache_gets_total`), read before and after the measured window.\n\n");
        md.append("| target | kind | req/s | p50 ms | p99 ms | ÷ bare req/s | cache hit rate | target CPU "
                + "(cores) | req/s per used core | OpenSearch CPU (cores) | machine busy |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        double bare = bareRps();
        for (Phase p : phases) {
            boolean isBare = p.target().equals("bare");
            md.append(f(
                    "| %s | %s | %,.0f | %.2f | %.2f | %s | %s | %.2f | %,.0f | %s | %.0f%% |%n",
                    p.target(),
                    p.kind(),
                    p.rps(),
                    p.p(50),
                    p.p(99),
                    isBare ? "—" : f("%.0f%%", 100 * p.rps() / bareBeside(p)),
                    isBare
                            ? "—"
                            : p.kind().equals("feed")
                                    ? f("timelines %.1f%%", 100 * hitRate(p, "timelines"))
                                    : f(
                                            "%.1f%% (rendered %.1f%%)",
                                            100 * searchHitRate(p), 100 * hitRate(p, "rendered_searches")),
                    p.targetCpuSeconds() / p.seconds(),
                    perUsedCore(p),
                    Double.isNaN(p.openSearchCpuSeconds()) ? "—" : f("%.2f", p.openSearchCpuSeconds() / p.seconds()),
                    100 * p.machineBusy()));
        }
        md.append(f(
                "%nCached `/v1/search` on a replica ÷ the bare endpoint measured beside it (issue 18's target ≥ 70%%): "
                        + "first round %s; measured again at the end, every JVM warm, %s. The mean of the two bare "
                        + "rows is %,.0f req/s.%n%n",
                ratios("search cached"), ratios("search cached (again)"), bare));
        if (lag != null) {
            md.append("## Change-feed lag under a live stream\n\n");
            md.append(f(
                    "%d s of %d corpus posts/s put into DynamoDB (%,d puts; the indexer's events counter rose by %,.0f "
                            + "meanwhile, probes included), and on each replica, one probe at a time: a post with a "
                            + "unique word, timed from just before its DynamoDB put until that replica's "
                            + "`/v1/search?q=WORD` (polled every 20 ms, each poll a distinct `until`, so never a cached "
                            + "page) returns it. The gauge is each replica's own "
                            + "`feedsearch_change_feed_lag_seconds` (time since it last read the change journal up to "
                            + "its head), sampled from its `/metrics` every 100 ms. Probe timeouts (30 s): %d.%n%n",
                    lag.seconds(), lag.rate(), lag.backgroundWrites(), lag.indexerEventsDelta(), lag.probeTimeouts()));
            md.append("| replica | what | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
            lag.writeToVisibleMicros().forEach((k, h) -> md.append(row(k, "write → visible in its /v1/search", h)));
            lag.feedLagMicros().forEach((k, h) -> md.append(row(k, "change-feed lag gauge", h)));
            md.append(row("(writer)", "DynamoDB Local put of a probe", lag.putMicros()));
            md.append("\nWrite → visible is the whole path: DynamoDB Local stream poll, the indexer's batch, its "
                    + "`apply` with `--refresh wait_for` (up to the 1 s refresh interval), then a search on the "
                    + "replica. The replica's own share is the gauge.\n\n");
        }
        if (!bursts.isEmpty()) {
            md.append("## Indexer events/s\n\n");
            md.append(
                    "Bursts of corpus posts put by 4 threads with `BatchWriteItem` (25 a request) as fast as "
                            + "DynamoDB Local takes them; the indexer's `feedsearch_indexer_events_total{source=\"dynamodb:posts\"}` "
                            + "(events applied) read every 200 ms until it rose by the burst. Sustained = between 20% and "
                            + "80% of the burst. The replicas keep following the journal meanwhile (their lag gauge below).\n\n");
            md.append("| burst | posts | put/s (DynamoDB Local) | put s | applied s | events/s whole | events/s "
                    + "sustained | indexer CPU (cores) | replica lag gauge p99 / max ms |\n");
            md.append("|---|---|---|---|---|---|---|---|---|\n");
            for (int i = 0; i < bursts.size(); i++) {
                Burst b = bursts.get(i);
                md.append(f(
                        "| %d | %,d | %,.0f | %.1f | %.1f | %,.0f | %,.0f | %.2f | %s |%n",
                        i + 1,
                        b.posts(),
                        b.putPerSec(),
                        b.putSeconds(),
                        b.applySeconds(),
                        b.wholePerSec(),
                        b.sustainedPerSec(),
                        b.indexerCpuSeconds() / b.applySeconds(),
                        String.join(
                                ", ",
                                b.feedLagMicros().values().stream()
                                        .map(h -> f("%.0f / %.0f", ms(h, 99), h.getMaxValue() / 1e3))
                                        .toList())));
            }
            md.append('\n');
        }
        md.append("## For `feedsearch plan`\n\n");
        md.append(f(
                "- **qps per core (query tier): %,.0f** uncached (cached: %,.0f). Derived as requests ÷ CPU seconds "
                        + "the replica's own process used in the measured window (`/proc/PID/stat`), the lower of the "
                        + "replicas; the uncached figure is the conservative one (every request a result-cache miss). "
                        + "Wall-clock req/s ÷ the %d cores of this machine is lower (in the JSON, "
                        + "`rps_per_available_core`), because OpenSearch, the client and other sessions share those "
                        + "cores. OpenSearch's own CPU per uncached query: %.2f ms (data-node sizing).%n",
                minOver("search uncached", ScaleOutReport::perUsedCore),
                minOver("search cached", ScaleOutReport::perUsedCore),
                cores,
                of("search uncached").stream()
                        .mapToDouble(p ->
                                1000 * p.openSearchCpuSeconds() / p.latency().getTotalCount())
                        .max()
                        .orElse(Double.NaN)));
        md.append(f(
                "- **indexer events/s: %,.0f**, the last burst's sustained rate (the JVM warmest by then).%n%n",
                indexerEventsPerSec()));
        return md.toString();
    }

    private static String row(String who, String what, Histogram h) {
        return f(
                "| %s | %s | %d | %.1f | %.1f | %.1f |%n",
                who, what, h.getTotalCount(), ms(h, 50), ms(h, 99), h.getMaxValue() / 1e3);
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
