package dev.feedsearch.bench.gate;

import dev.feedsearch.bench.BenchQueries;
import dev.feedsearch.bench.HttpLoadRun;
import dev.feedsearch.bench.Zipf;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The service over HTTP against a bare Javalin endpoint that returns a search response's bytes, with the same
 * client, connections and closed loop: the search hot cache (Zipf query mix), search with caching off (every
 * request reaches the index) and the feed for Zipf viewers with its clock at the corpus' end, so that the popular
 * window holds posts and the feed's most expensive path runs (checked at open).
 */
public final class HttpProbe implements Probe {
    private static final int CLIENTS = 2, SLICES = 5;

    private GateContext ctx;
    private EmbeddedPostIndex index;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Javalin bare;
    private ExecutorService clientThreads;
    private HttpClient client;
    private final Map<String, IntFunction<String>> targets = new LinkedHashMap<>();
    private FeedsearchServer feedServer;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public List<String> metrics() {
        return List.of("http.search_cached.rps", "http.search_uncached.p99", "http.feed.p99");
    }

    @Override
    public void open(GateContext context) throws Exception {
        ctx = context;
        Mappings m = Mappings.load();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        index = ctx.engine().get();
        FeedsearchServer cached = start(
                FeedsearchServer.builder().index(index).languages(langs).port(0).cacheRefresh(Duration.ofHours(1)));
        FeedsearchServer uncached = start(
                FeedsearchServer.builder().index(index).languages(langs).port(0).cacheRefresh(Duration.ZERO));
        feedServer = start(
                FeedsearchServer.builder().index(index).languages(langs).port(0).clock(HttpLoadRun.corpusClock(index)));
        HttpLoadRun.requirePopularWindow(index, feedServer);
        clientThreads = Executors.newFixedThreadPool(CLIENTS);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads)
                .build();
        List<String> queries = new ArrayList<>();
        for (String q : BenchQueries.QUERIES)
            queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=20");
        for (String q : BenchQueries.QUERIES)
            queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&sort=recent&limit=20");
        String cachedBase = "http://127.0.0.1:" + cached.port(), uncachedBase = "http://127.0.0.1:" + uncached.port();
        String feedBase = "http://127.0.0.1:" + feedServer.port();
        byte[] body = client.send(
                        HttpRequest.newBuilder(URI.create(cachedBase + "/v1/search?" + queries.getFirst()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        bare = Javalin.create(c -> {
                    c.startup.showJavalinBanner = false;
                    c.jetty.host = "127.0.0.1";
                    c.routes.get(
                            "/bare", ctx -> ctx.contentType("application/json").result(body));
                })
                .start(0);
        String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
        int users = ctx.quick() ? 2_000 : 10_000;
        Zipf queryMix = new Zipf(queries.size(), 1.1, 1), viewerMix = new Zipf(users, 1.1, 2);
        targets.put("bare", i -> bareUrl);
        targets.put("search_cached", i -> cachedBase + "/v1/search?" + queries.get(queryMix.next()));
        targets.put("search_uncached", i -> uncachedBase + "/v1/search?" + queries.get(queryMix.next()));
        targets.put("feed", i -> feedBase + "/v1/feed?limit=20&viewer=u" + (1 + viewerMix.next()));
        for (IntFunction<String> t : targets.values()) load(t, ctx.perTarget()); // warm-up
    }

    private FeedsearchServer start(FeedsearchServer.Builder b) {
        FeedsearchServer s = b.build().start();
        open.add(s);
        return s;
    }

    /** Latencies and the time they took: req/s is the count over the time, summed over a round's slices. */
    private record Load(Histogram latency, long nanos) {
        double rps() {
            return latency.getTotalCount() / (nanos / 1e9);
        }

        Load plus(Load o) {
            Histogram h = latency.copy();
            h.add(o.latency);
            return new Load(h, nanos + o.nanos);
        }
    }

    /** {@link #CLIENTS} closed-loop clients for {@code time} (HttpLoadRun's loop, bounded by time instead of count). */
    private Load load(IntFunction<String> urls, Duration time) throws Exception {
        long t0 = System.nanoTime();
        Histogram h = HttpLoadRun.run(client, urls, CLIENTS, Integer.MAX_VALUE, t0 + time.toNanos());
        return new Load(h, System.nanoTime() - t0);
    }

    /**
     * Each target gets the per-side time in {@link #SLICES} slices, the targets taking turns, so that a busy moment on
     * a shared machine falls on all of them alike.
     */
    @Override
    public Round round(int round) throws Exception {
        List<String> order = new ArrayList<>(targets.keySet());
        Collections.rotate(order, round);
        Map<String, Load> r = new HashMap<>();
        Duration slice = ctx.perTarget().dividedBy(SLICES);
        for (int s = 0; s < SLICES; s++) {
            for (String t : order) r.merge(t, load(targets.get(t), slice), Load::plus);
        }
        Load bareLoad = r.get("bare");
        double bareP99 = bareLoad.latency().getValueAtPercentile(99);
        Map<String, Double> figures = new HashMap<>();
        for (var e : r.entrySet()) {
            figures.put(
                    "http." + e.getKey() + ".p50_ms",
                    Timed.ms(e.getValue().latency().getValueAtPercentile(50)));
            figures.put(
                    "http." + e.getKey() + ".p99_ms",
                    Timed.ms(e.getValue().latency().getValueAtPercentile(99)));
            figures.put("http." + e.getKey() + ".rps", e.getValue().rps());
        }
        figures.put("http.feed.timelines_hit_rate", HttpLoadRun.hitRate(feedServer, "timelines"));
        figures.put("http.feed.popular_hit_rate", HttpLoadRun.hitRate(feedServer, "popular_candidates"));
        return new Round(
                Map.of(
                        "http.search_cached.rps", r.get("search_cached").rps() / bareLoad.rps(),
                        "http.search_uncached.p99",
                                r.get("search_uncached").latency().getValueAtPercentile(99) / bareP99,
                        "http.feed.p99", r.get("feed").latency().getValueAtPercentile(99) / bareP99),
                figures);
    }

    @Override
    public void close() throws Exception {
        if (bare != null) bare.stop();
        if (clientThreads != null) clientThreads.shutdownNow(); // not daemons: the JVM would not exit
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }
}
