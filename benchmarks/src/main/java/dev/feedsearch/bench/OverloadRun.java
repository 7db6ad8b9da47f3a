package dev.feedsearch.bench;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Overload: does the service stay answerable when clients send the most expensive queries it accepts? One probe
 * client alternates {@code /health} and an ordinary search, first on a quiet server (the baseline, same run), then
 * while {@code flood} clients send 1,000-character queries in several scripts, 32-word sentences and unfiltered
 * listings in a closed loop with caching off. Reports both phases' p50/p99 (HdrHistogram), their ratio, and what
 * the flood got back (200, 503 overloaded/timeout). Target: /health p50 ≤ 10 ms under the flood.
 * Usage: OverloadRun INDEX_DIR SECONDS_PER_PHASE FLOOD_CLIENTS OUT_FILE
 */
public final class OverloadRun {
    static final List<String> ORDINARY =
            List.of("rights", "freedom", "education", "自由", "droits", "Menschenrechte", "derechos");

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int flood = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Mappings m = Mappings.load();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        String sentence =
                "everyone has the right to education and to freedom of thought conscience and religion and to "
                        + "take part in the government of his country directly or through freely chosen representatives";
        List<String> expensive = List.of(
                "q=" + enc(sentence),
                "q=" + enc("自由平等権利".repeat(166)),
                "q=" + enc("ทุกคนมีสิทธิ".repeat(83)),
                "q=" + enc("right ".repeat(166).strip()),
                "sort=recent&limit=100",
                "q=" + enc("the of and to in") + "&limit=100");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(m));
                FeedsearchServer server = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ZERO)
                        .build()
                        .start()) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient probe =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Phase quiet = probe(probe, base, seconds);
            ExecutorService floodThreads = Executors.newFixedThreadPool(flood);
            // its own executor: the flood threads block in send, and a client needs free threads to complete responses
            HttpClient floodClient =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
            for (int c = 0; c < flood; c++) {
                int client = c;
                floodThreads.submit(() -> {
                    for (int i = client; !stop.get(); i++) {
                        try {
                            HttpResponse<String> r = floodClient.send(
                                    HttpRequest.newBuilder(URI.create(
                                                    base + "/v1/search?" + expensive.get(i % expensive.size())))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            String code = r.statusCode() == 200 ? "" : " " + codeOf(r.body());
                            outcomes.computeIfAbsent(r.statusCode() + code, k -> new AtomicLong())
                                    .incrementAndGet();
                        } catch (Exception e) {
                            outcomes.computeIfAbsent("error " + e.getClass().getSimpleName(), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(2_000); // the flood reaches its steady state
            Phase flooded = probe(probe, base, seconds);
            stop.set(true);
            floodThreads.shutdown();
            if (!floodThreads.awaitTermination(60, TimeUnit.SECONDS))
                throw new IllegalStateException("the flood did not stop");
            long answered =
                    outcomes.values().stream().mapToLong(AtomicLong::get).sum();
            if (answered < flood)
                throw new IllegalStateException(
                        "the flood got only " + answered + " answers: it never loaded the server");
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(
                    out,
                    report(
                            quiet,
                            flooded,
                            flood,
                            seconds,
                            new TreeMap<>(outcomes),
                            index.stats().posts()));
            System.out.println(Files.readString(out));
        }
    }

    record Phase(Histogram health, Histogram ordinary, long failures) {}

    /** One client, sequential: /health, then an ordinary search, for the given time. */
    static Phase probe(HttpClient client, String base, int seconds) throws Exception {
        Histogram health = new Histogram(60_000_000_000L, 3), ordinary = new Histogram(60_000_000_000L, 3);
        long failures = 0, end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            int hs = client.send(
                            HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            long t1 = System.nanoTime();
            int qs = client.send(
                            HttpRequest.newBuilder(
                                            URI.create(base + "/v1/search?q=" + enc(ORDINARY.get(i % ORDINARY.size()))))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            long t2 = System.nanoTime();
            health.recordValue(t1 - t0);
            if (qs == 200) ordinary.recordValue(t2 - t1);
            if (hs != 200 || qs != 200) failures++;
            Thread.sleep(20); // a probe, not a load: the flood is what loads the server
        }
        return new Phase(health, ordinary, failures);
    }

    static String report(
            Phase quiet, Phase flooded, int flood, int seconds, Map<String, AtomicLong> outcomes, long posts) {
        StringBuilder b = new StringBuilder();
        b.append("# Overload: /health and ordinary searches while ")
                .append(flood)
                .append(" clients send the most expensive accepted queries\n\n");
        b.append(String.format(
                Locale.ROOT,
                "%,d posts, embedded engine, caching off, default limits (%d searches at once, 200 ms wait for a slot, "
                        + "5 s budget), %d s per phase, %d cores. Written by `benchmarks/run-overload.sh` (OverloadRun).%n%n",
                posts,
                2 * Runtime.getRuntime().availableProcessors(),
                seconds,
                Runtime.getRuntime().availableProcessors()));
        b.append(
                "| probe | quiet p50 | quiet p99 | flooded p50 | flooded p99 | p50 ratio | samples (quiet / flooded) |\n|---|---|---|---|---|---|---|\n");
        row(b, "/health", quiet.health(), flooded.health());
        row(b, "ordinary /v1/search (200s only)", quiet.ordinary(), flooded.ordinary());
        b.append(String.format(
                Locale.ROOT,
                "%nProbe requests refused or failed: quiet %d, flooded %d (an ordinary search may be refused with 503 when "
                        + "every slot is taken: that is the bound working).%n%n",
                quiet.failures(),
                flooded.failures()));
        b.append("What the flood got back:\n\n| answer | count |\n|---|---|\n");
        outcomes.forEach(
                (k, v) -> b.append("| ").append(k).append(" | ").append(v.get()).append(" |\n"));
        double healthP50 = flooded.health().getValueAtPercentile(50) / 1e6;
        b.append(String.format(
                Locale.ROOT,
                "%n| target | measured | |%n|---|---|---|%n| /health p50 under the flood ≤ 10 ms | %.2f ms | %s |%n",
                healthP50,
                healthP50 <= 10 ? "met" : "**not met**"));
        return b.toString();
    }

    static void row(StringBuilder b, String name, Histogram quiet, Histogram flooded) {
        double q50 = quiet.getValueAtPercentile(50) / 1e6, f50 = flooded.getValueAtPercentile(50) / 1e6;
        b.append(String.format(
                Locale.ROOT,
                "| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f× | %d / %d |%n",
                name,
                q50,
                quiet.getValueAtPercentile(99) / 1e6,
                f50,
                flooded.getValueAtPercentile(99) / 1e6,
                f50 / Math.max(q50, 1e-3),
                quiet.getTotalCount(),
                flooded.getTotalCount()));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The error code of a JSON error body, for the outcome table. */
    static String codeOf(String body) {
        int i = body.indexOf("\"code\":\"");
        if (i < 0) return "?";
        int j = body.indexOf('"', i + 8);
        return j < 0 ? "?" : body.substring(i + 8, j);
    }
}
