package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.bench.ScaleOutProcs.Child;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import java.io.BufferedReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * The write side of the scale-out run: DynamoDB Local (in this JVM, over HTTP on a loopback port, as the indexer
 * process reads it), its posts and follows tables with streams, and the two stream measurements:
 * <ul>
 *   <li>{@link #lag}: posts written at a steady rate while each replica's {@code feedsearch_change_feed_lag_seconds}
 *       is sampled from its own /metrics every 100 ms, and probe posts carrying a unique word, each timed from just
 *       before its DynamoDB put until a replica's /v1/search finds it (one probe at a time per replica, polled every
 *       20 ms with a distinct {@code until}, so no cached page can answer);
 *   <li>{@link #burst}: K posts written as fast as DynamoDB Local takes them (4 threads, BatchWriteItem of 25), and
 *       the indexer's {@code feedsearch_indexer_events_total{source="dynamodb:posts"}} read every 200 ms until it has applied all K.
 * </ul>
 * Posts are the corpus's own (the first posts of the file), under new ids.
 */
final class ScaleOutStream implements AutoCloseable {
    static final String POSTS = "posts", FOLLOWS = "follows";
    private final DynamoDBProxyServer server;
    private final DynamoDbClient ddb;
    private final String endpoint;
    private final List<String> posts;
    private int nextPost;
    private final AtomicLong ids = new AtomicLong();

    private ScaleOutStream(DynamoDBProxyServer server, DynamoDbClient ddb, String endpoint, List<String> posts) {
        this.server = server;
        this.ddb = ddb;
        this.endpoint = endpoint;
        this.posts = posts;
    }

    static ScaleOutStream start(Path dir, Path corpus) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
        server.start();
        String endpoint = "http://127.0.0.1:" + port;
        DynamoDbClient ddb = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        DynamoDbTables.createPosts(ddb, POSTS);
        DynamoDbTables.createFollows(ddb, FOLLOWS);
        List<String> posts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(corpus)) {
            for (String line; (line = r.readLine()) != null && posts.size() < 200_000; )
                if (line.contains("\"text\"")) posts.add(line);
        }
        ScaleOutRun.log("DynamoDB Local at %s (in this JVM), %,d corpus posts to write from", endpoint, posts.size());
        return new ScaleOutStream(server, ddb, endpoint, posts);
    }

    String endpoint() {
        return endpoint;
    }

    /** The next corpus post under a new id (a create, version 1). */
    private synchronized Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> nextItem(
            String prefix) throws Exception {
        ObjectNode p = (ObjectNode) PostJson.MAPPER.readTree(posts.get(nextPost++ % posts.size()));
        p.put("id", prefix + ids.incrementAndGet());
        return ItemMapper.toItem(p);
    }

    static double indexerEvents(Child indexer) throws Exception {
        return ScaleOutProcs.metric(
                ScaleOutProcs.get(indexer.base() + "/metrics"),
                "feedsearch_indexer_events_total",
                "source",
                "dynamodb:" + POSTS);
    }

    /** Samples each replica's change-feed lag gauge every 100 ms into {@code into} (µs) until stopped. */
    private static ScheduledExecutorService sampleLag(List<Child> reps, Map<String, Histogram> into) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        for (Child r : reps) into.put(r.name(), new Histogram(3));
        s.scheduleAtFixedRate(
                () -> {
                    for (Child r : reps) {
                        try {
                            double lag = ScaleOutProcs.metric(
                                    ScaleOutProcs.get(r.base() + "/metrics"), "feedsearch_change_feed_lag_seconds");
                            into.get(r.name()).recordValue(Math.max(0, Math.round(lag * 1e6)));
                        } catch (Exception e) {
                            ScaleOutRun.log("lag sample of %s failed: %s", r.name(), e);
                        }
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        return s;
    }

    record Lag(
            int seconds,
            int rate,
            long backgroundWrites,
            double indexerEventsDelta,
            Map<String, Histogram> feedLagMicros,
            Map<String, Histogram> writeToVisibleMicros,
            Histogram putMicros,
            int probeTimeouts) {}

    Lag lag(Child indexer, List<Child> reps, int seconds, int rate) throws Exception {
        ScaleOutRun.log("live stream: %d posts/s for %d s, probes on %d replicas", rate, seconds, reps.size());
        double events0 = indexerEvents(indexer);
        Map<String, Histogram> feedLag = new ConcurrentHashMap<>(), visible = new ConcurrentHashMap<>();
        Histogram put = new Histogram(3);
        AtomicLong background = new AtomicLong();
        AtomicInteger timeouts = new AtomicInteger();
        ScheduledExecutorService sampler = sampleLag(reps, feedLag);
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        writer.scheduleAtFixedRate(
                () -> {
                    try {
                        var item = nextItem("so-bg-");
                        ddb.putItem(b -> b.tableName(POSTS).item(item));
                        background.incrementAndGet();
                    } catch (Exception e) {
                        ScaleOutRun.log("background write failed: %s", e);
                    }
                },
                0,
                1_000_000_000L / rate,
                TimeUnit.NANOSECONDS);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService probes = Executors.newFixedThreadPool(reps.size());
        List<Future<?>> running = new ArrayList<>();
        for (Child r : reps) {
            Histogram h = new Histogram(3);
            visible.put(r.name(), h);
            running.add(probes.submit(() -> {
                Random random = new Random(r.name().hashCode());
                long n = 0;
                while (System.nanoTime() < deadline) {
                    String token = word(random), id = "so-probe-" + r.name() + "-" + (++n);
                    ObjectNode p = PostJson.MAPPER.createObjectNode();
                    p.put("id", id).put("author_id", "u1").put("text", "scale out probe " + token);
                    p.putNull("lang");
                    p.put("created_at", Instant.now().toString()).put("visibility", "public");
                    p.putArray("tags");
                    p.putArray("mentions");
                    p.putNull("reply_to");
                    p.put("likes", 0).put("reposts", 0).put("replies", 0).put("version", 1);
                    p.put("deleted", false);
                    var item = ItemMapper.toItem(p);
                    long t0 = System.nanoTime();
                    ddb.putItem(b -> b.tableName(POSTS).item(item));
                    synchronized (put) {
                        put.recordValue((System.nanoTime() - t0) / 1000);
                    }
                    boolean found = false;
                    for (long poll = 0; System.nanoTime() - t0 < 30_000_000_000L; poll++) {
                        String page = ScaleOutProcs.get(r.base() + "/v1/search?sort=recent&q=" + token + "&until="
                                + Instant.parse("2150-01-01T00:00:00Z").minusSeconds(n * 10_000 + poll));
                        if (page.contains("\"" + id + "\"")) {
                            h.recordValue((System.nanoTime() - t0) / 1000);
                            found = true;
                            break;
                        }
                        Thread.sleep(20);
                    }
                    if (!found) timeouts.incrementAndGet();
                    Thread.sleep(200 + random.nextInt(200));
                }
                return null;
            }));
        }
        for (Future<?> f : running) f.get();
        probes.shutdown();
        writer.shutdownNow();
        Thread.sleep(2_000); // the last writes reach the indexer
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        double events = indexerEvents(indexer) - events0;
        ScaleOutRun.log(
                "live stream: %d background writes, indexer applied %.0f events; write-to-visible %s; timeouts %d",
                background.get(), events, summary(visible), timeouts.get());
        ScaleOutRun.log("change-feed lag gauge: %s", summary(feedLag));
        return new Lag(seconds, rate, background.get(), events, feedLag, visible, put, timeouts.get());
    }

    record Burst(
            int posts,
            double putSeconds,
            double applySeconds,
            double sustainedPerSec,
            double indexerCpuSeconds,
            List<double[]> samples,
            Map<String, Histogram> feedLagMicros) {
        double putPerSec() {
            return posts / putSeconds;
        }

        double wholePerSec() {
            return posts / applySeconds;
        }
    }

    /** K posts written by 4 threads as fast as DynamoDB Local takes them; the indexer's applied count over time. */
    Burst burst(Child indexer, List<Child> reps, int k, int round) throws Exception {
        ScaleOutRun.log("burst %d: %,d posts", round + 1, k);
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items = new ArrayList<>(k);
        for (int i = 0; i < k; i++) items.add(nextItem("so-burst-"));
        double base = indexerEvents(indexer), cpu0 = ScaleOutProcs.cpuSeconds(indexer.pid());
        Map<String, Histogram> feedLag = new ConcurrentHashMap<>();
        ScheduledExecutorService sampler = sampleLag(reps, feedLag);
        List<double[]> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        AtomicLong putDone = new AtomicLong();
        AtomicInteger writersLeft = new AtomicInteger(4);
        for (int w = 0; w < 4; w++) {
            int from = w * k / 4, to = (w + 1) * k / 4;
            writers.submit(() -> {
                for (int i = from; i < to; i += 25) {
                    List<WriteRequest> reqs = new ArrayList<>();
                    for (var item : items.subList(i, Math.min(i + 25, to)))
                        reqs.add(WriteRequest.builder()
                                .putRequest(PutRequest.builder().item(item).build())
                                .build());
                    Map<String, List<WriteRequest>> pending = Map.of(POSTS, reqs);
                    while (!pending.isEmpty()) {
                        Map<String, List<WriteRequest>> send = pending;
                        pending = ddb.batchWriteItem(b -> b.requestItems(send)).unprocessedItems();
                    }
                }
                if (writersLeft.decrementAndGet() == 0) putDone.set(System.nanoTime());
                return null;
            });
        }
        writers.shutdown();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(15);
        double applied = 0;
        while (applied < k && System.nanoTime() < deadline) {
            Thread.sleep(200);
            applied = indexerEvents(indexer) - base;
            samples.add(new double[] {(System.nanoTime() - t0) / 1e9, applied});
        }
        double applySeconds = (System.nanoTime() - t0) / 1e9;
        writers.awaitTermination(5, TimeUnit.MINUTES);
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        if (applied < k) throw new IllegalStateException("the indexer applied " + applied + " of " + k + " in 15 min");
        double cpu = ScaleOutProcs.cpuSeconds(indexer.pid()) - cpu0;
        double putSeconds = (putDone.get() - t0) / 1e9;
        double sustained = sustained(samples, k);
        Burst b = new Burst(k, putSeconds, applySeconds, sustained, cpu, samples, feedLag);
        ScaleOutRun.log(
                "burst %d: put %.0f posts/s (%.1f s); indexer %.0f events/s whole, %.0f sustained (20→80%%), %.2f cores; replica lag %s",
                round + 1, b.putPerSec(), putSeconds, b.wholePerSec(), sustained, cpu / applySeconds, summary(feedLag));
        return b;
    }

    /** Events/s between the first samples at or past 20% and 80% of the burst. */
    static double sustained(List<double[]> samples, int k) {
        double[] a = null, b = null;
        for (double[] s : samples) {
            if (a == null && s[1] >= 0.2 * k) a = s;
            if (b == null && s[1] >= 0.8 * k) b = s;
        }
        return a == null || b == null || b[0] <= a[0] ? Double.NaN : (b[1] - a[1]) / (b[0] - a[0]);
    }

    /** A word no corpus post holds: letters only, so every analyzer keeps it one token. */
    static String word(Random r) {
        StringBuilder sb = new StringBuilder("zqx");
        for (int i = 0; i < 9; i++) sb.append((char) ('a' + r.nextInt(26)));
        return sb.toString();
    }

    static String summary(Map<String, Histogram> hs) {
        Map<String, String> s = new LinkedHashMap<>();
        hs.forEach((k, h) -> s.put(
                k,
                String.format(
                        java.util.Locale.ROOT,
                        "n=%d p50=%.0fms p99=%.0fms max=%.0fms",
                        h.getTotalCount(),
                        h.getValueAtPercentile(50) / 1e3,
                        h.getValueAtPercentile(99) / 1e3,
                        h.getMaxValue() / 1e3)));
        return s.toString();
    }

    @Override
    public void close() throws Exception {
        ddb.close();
        server.stop();
    }
}
