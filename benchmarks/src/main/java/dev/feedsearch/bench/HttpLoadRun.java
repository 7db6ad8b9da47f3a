package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.rank.RankingConfig;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * HTTP load, all targets in one run with the same client: a bare Javalin endpoint (same response body
 * size), /v1/search with the hot cache (Zipfian query mix), /v1/search with caching off (every request
 * misses), and /v1/feed for Zipfian viewers. Closed loop with {@code clients} connections; latencies in
 * HdrHistograms; a table (markdown) and a percentile plot (PNG).
 * Usage: HttpLoadRun INDEX_DIR REQUESTS CLIENTS USERS OUT_DIR
 */
public final class HttpLoadRun {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int requests = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int users = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Files.createDirectories(out);
        Mappings m = Mappings.load();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(m));
                FeedsearchServer cached = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ofHours(1))
                        .build()
                        .start();
                FeedsearchServer uncached = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ZERO)
                        .build()
                        .start();
                // the baseline of the relevance window's cost: the same uncached search re-ranked within each page
                FeedsearchServer pageLocal = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ZERO)
                        .ranking(withoutWindow())
                        .build()
                        .start();
                // the feed as served (default caches), its clock an hour after the corpus' newest post: the popular
                // window (48 h) then holds posts, so the feed's most expensive path runs (with the wall clock it was
                // empty)
                FeedsearchServer feedServer = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .clock(corpusClock(index))
                        .build()
                        .start()) {
            requirePopularWindow(index, feedServer);
            ExecutorService clientThreads = Executors.newFixedThreadPool(clients);
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads)
                    .build();
            List<String> queries = new ArrayList<>();
            for (String q : BenchQueries.QUERIES)
                queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=20");
            for (String q : BenchQueries.QUERIES)
                queries.add("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&sort=recent&limit=20");
            String cachedBase = "http://127.0.0.1:" + cached.port(),
                    uncachedBase = "http://127.0.0.1:" + uncached.port();
            byte[] body = client.send(
                            HttpRequest.newBuilder(URI.create(cachedBase + "/v1/search?" + queries.getFirst()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            Javalin bare = Javalin.create(c -> {
                        c.startup.showJavalinBanner = false;
                        c.jetty.host = "127.0.0.1";
                        c.routes.get(
                                "/bare",
                                ctx -> ctx.contentType("application/json").result(body));
                    })
                    .start(0);
            try {
                Zipf queryMix = new Zipf(queries.size(), 1.1, 1), viewerMix = new Zipf(users, 1.1, 2);
                Map<String, IntFunction<String>> targets = new LinkedHashMap<>();
                String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
                targets.put("bare Javalin (same body)", i -> bareUrl);
                targets.put(
                        "/v1/search cached (Zipf mix)", i -> cachedBase + "/v1/search?" + queries.get(queryMix.next()));
                targets.put("/v1/search uncached", i -> uncachedBase + "/v1/search?" + queries.get(queryMix.next()));
                String pageLocalBase = "http://127.0.0.1:" + pageLocal.port();
                targets.put(
                        "/v1/search uncached, rescore_window 0",
                        i -> pageLocalBase + "/v1/search?" + queries.get(queryMix.next()));
                String feedBase = "http://127.0.0.1:" + feedServer.port();
                targets.put(
                        "/v1/feed (Zipf viewers, popular window open)",
                        i -> feedBase + "/v1/feed?limit=20&viewer=u" + (1 + viewerMix.next()));
                Map<String, Histogram> results = new LinkedHashMap<>();
                Map<String, Double> rps = new LinkedHashMap<>();
                for (Map.Entry<String, IntFunction<String>> t : targets.entrySet()) {
                    run(client, t.getValue(), requests / 5, clients); // warm-up
                    long t0 = System.nanoTime();
                    results.put(t.getKey(), run(client, t.getValue(), requests, clients));
                    rps.put(t.getKey(), requests / ((System.nanoTime() - t0) / 1e9));
                }
                StringBuilder md = new StringBuilder();
                md.append(String.format(
                        Locale.ROOT,
                        "index: %d posts; %d requests per target after %d warm-up, %d client connections, closed loop; %d users%n%n",
                        index.stats().posts(),
                        requests,
                        requests / 5,
                        clients,
                        users));
                md.append("| target | p50 ms | p99 ms | p99.9 ms | req/s |\n|---|---|---|---|---|\n");
                for (String k : results.keySet()) {
                    Histogram h = results.get(k);
                    md.append(String.format(
                            Locale.ROOT,
                            "| %s | %.3f | %.3f | %.3f | %.0f |%n",
                            k,
                            h.getValueAtPercentile(50) / 1e6,
                            h.getValueAtPercentile(99) / 1e6,
                            h.getValueAtPercentile(99.9) / 1e6,
                            rps.get(k)));
                }
                List<String> keys = new ArrayList<>(results.keySet());
                md.append(String.format(
                        Locale.ROOT,
                        "%ncached /v1/search ÷ bare endpoint, req/s: %.0f%%%n",
                        100 * rps.get(keys.get(1)) / rps.get(keys.get(0))));
                md.append(String.format(
                        Locale.ROOT,
                        "uncached /v1/search with the relevance window (%d) ÷ without, p50 latency: %.2f×%n",
                        RankingConfig.DEFAULTS.rescoreWindow(),
                        results.get(keys.get(2)).getValueAtPercentile(50)
                                / (double) results.get(keys.get(3)).getValueAtPercentile(50)));
                md.append(String.format(
                        Locale.ROOT,
                        "feed caches: timelines hit rate %.1f%%, popular candidates hit rate %.1f%% (%d reads)%n",
                        100 * hitRate(feedServer, "timelines"),
                        100 * hitRate(feedServer, "popular_candidates"),
                        (long) gets(feedServer, "popular_candidates", "miss")));
                Files.writeString(out.resolve("http.md"), md.toString());
                LatencyPlot.write(
                        results,
                        "feedsearch HTTP latency by percentile ("
                                + index.stats().posts() + " posts)",
                        out.resolve("http-latency.png"));
                for (Map.Entry<String, Histogram> e : results.entrySet()) {
                    try (var ps = new PrintStream(out.resolve("hgrm-" + keys.indexOf(e.getKey()) + ".txt")
                            .toFile())) {
                        ps.println("# " + e.getKey());
                        e.getValue().outputPercentileDistribution(ps, 1e6);
                    }
                }
                System.out.print(md);
            } finally {
                bare.stop();
                clientThreads.shutdownNow(); // its threads are not daemons: the JVM would not exit
            }
        }
    }

    /** A clock an hour past the newest post: the corpus' "now". */
    public static Clock corpusClock(EmbeddedPostIndex index) throws IOException {
        var newest = index.search(
                        SearchQuery.builder().sort(SortOrder.RECENT).limit(1).build())
                .hits()
                .getFirst()
                .post()
                .post()
                .createdAt();
        return Clock.fixed(newest.plusSeconds(3_600), ZoneOffset.UTC);
    }

    /** Fails unless the popular window the feed reads holds posts (a benchmark must reach the path it claims). */
    public static void requirePopularWindow(EmbeddedPostIndex index, FeedsearchServer feed) throws IOException {
        var since = corpusClock(index).instant().minusMillis((long)
                (RankingConfig.DEFAULTS.popularWindowHours() * 3_600_000));
        int n = index.popularPublic(Set.of("en", "de", "fr", "es", "ja", "zh", "ru", "ar"), since, 100)
                .size();
        if (n < 100)
            throw new IllegalStateException(
                    "the popular window holds " + n + " posts: the feed benchmark would not run it");
    }

    public static double gets(FeedsearchServer s, String cache, String result) {
        var c = s.metrics()
                .find("cache.gets")
                .tag("cache", cache)
                .tag("result", result)
                .functionCounter();
        return c == null ? 0 : c.count();
    }

    public static double hitRate(FeedsearchServer s, String cache) {
        double hit = gets(s, cache, "hit"), miss = gets(s, cache, "miss");
        return hit + miss == 0 ? 0 : hit / (hit + miss);
    }

    /** The default ranking with the relevance window off (hits re-ranked within each engine page). */
    static RankingConfig withoutWindow() {
        var tree = PostJson.MAPPER.valueToTree(RankingConfig.DEFAULTS);
        ((ObjectNode) tree).put("rescore_window", 0);
        return PostJson.MAPPER.convertValue(tree, RankingConfig.class);
    }

    /** {@code n} requests from {@code clients} threads, each sending its next request when the last answered. */
    private static Histogram run(HttpClient client, IntFunction<String> urls, int n, int clients) throws Exception {
        return run(client, urls, clients, n / clients, Long.MAX_VALUE);
    }

    /**
     * A closed loop: {@code clients} threads, each sending its next request when the last answered, until it has sent
     * {@code perClient} or {@link System#nanoTime()} reaches {@code deadlineNanos}. Fails on any status but 200.
     */
    public static Histogram run(
            HttpClient client, IntFunction<String> urls, int clients, int perClient, long deadlineNanos)
            throws Exception {
        Histogram total = new Histogram(60_000_000_000L, 3);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Histogram>> parts = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                parts.add(pool.submit(() -> {
                    Histogram h = new Histogram(60_000_000_000L, 3);
                    for (int i = 0; i < perClient && System.nanoTime() < deadlineNanos; i++) {
                        String url;
                        synchronized (urls) {
                            url = urls.apply(i);
                        } // the Zipf samplers are not thread-safe
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = client.send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        h.recordValue(System.nanoTime() - t0);
                        if (r.statusCode() != 200)
                            throw new IllegalStateException(url + " -> " + r.statusCode() + " " + new String(r.body()));
                    }
                    return h;
                }));
            }
            for (Future<Histogram> f : parts) total.add(f.get());
        } finally {
            pool.shutdown();
        }
        return total;
    }
}
