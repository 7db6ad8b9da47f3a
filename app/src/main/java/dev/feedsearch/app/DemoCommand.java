package dev.feedsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.dynamodb.DynamoDbSnapshot;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.IngestStatus;
import dev.feedsearch.query.auth.SharedSecret;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The whole product on one machine with nothing installed: DynamoDB Local in-process with the app's
 * tables and streams, the bundled sample written through the AWS SDK like an app would, the change-stream
 * indexer consuming it into the embedded index, and the HTTP API on 127.0.0.1 (viewer believed: loopback only). With
 * {@code FEEDSEARCH_ADMIN_TOKEN} set, the admin API runs reindex jobs on it as on {@code serve}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Embedded engine fed by a real DynamoDB Streams change stream (DynamoDB Local, in-process) with the bundled multilingual sample.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7070", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--live",
            description = "Keep writing new posts, edits, likes and deletes so search and feeds visibly move")
    boolean live;

    @Option(
            names = "--rate",
            defaultValue = "5",
            description = "With --live: changes per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Override
    public Integer call() throws Exception {
        String adminToken = System.getenv("FEEDSEARCH_ADMIN_TOKEN");
        SharedSecret.optional("FEEDSEARCH_ADMIN_TOKEN", adminToken); // a short one is refused before anything starts
        // the temp dir goes when everything in it is closed (finally below), not from a shutdown hook of its own:
        // hooks run concurrently, and one deleting the index while Ctrl-C closes it failed the close
        Path dir = Files.createTempDirectory("feedsearch-demo-");
        // dated relative to now, so recency and the feed's popular window show what they do on a live network
        List<JsonNode> sample = DemoClock.relativeTo(readSample(), Instant.now());
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true); // true: telemetry off
        try {
            DynamoDbClient ddb = local.dynamoDbClient();
            DynamoDbTables.createPosts(ddb, "posts");
            DynamoDbTables.createFollows(ddb, "follows");
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (EngineRuntime rt = EngineRuntime.open(dir.resolve("data"), null);
                    ReindexJobs reindex = adminToken == null || adminToken.isBlank()
                            ? null
                            : ReindexJobs.open(
                                    rt.index.rebuilds().orElseThrow(),
                                    rt.mappings,
                                    rt.changes,
                                    new DynamoDbSnapshot(ddb, "posts"),
                                    dir.resolve("reindex"),
                                    Clock.systemUTC());
                    ChangeStreams streams = ChangeStreams.dynamodb(
                            rt,
                            ddb,
                            local.dynamoDbStreamsClient(),
                            "posts",
                            "follows",
                            DynamoDbStreamConfig.Start.TRIM_HORIZON,
                            4,
                            metrics)) {
                writeSample(ddb, sample);
                awaitCaughtUp(streams, sample.size());
                IngestStatus status = streams.status();
                try (FeedsearchServer server = FeedsearchServer.builder()
                                .index(rt.index)
                                .languages(rt.filterLanguages())
                                .metrics(metrics)
                                .ingest(status)
                                .indexer(new IndexerViews(rt, streams))
                                .port(port)
                                .admin(reindex, adminToken)
                                .build()
                                .start();
                        LiveWriter writer = live ? LiveWriter.start(ddb, sample, rate) : null) {
                    printWelcome(rt, server.port(), live, reindex != null);
                    ServeCommand.awaitShutdown();
                }
            }
        } finally {
            local.shutdown();
            deleteQuietly(dir);
        }
        return 0;
    }

    private static List<JsonNode> readSample() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        try (InputStream in = DemoCommand.class.getResourceAsStream("/sample/posts.jsonl")) {
            if (in == null) throw new IllegalStateException("the bundled sample is missing from this build");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; )
                if (!line.isBlank()) records.add(PostJson.MAPPER.readTree(line));
        }
        return records;
    }

    /** As an app would: PutItem for each post and follow, DeleteItem for a deleted one. */
    private static void writeSample(DynamoDbClient ddb, List<JsonNode> sample) {
        try (ProgressBar bar = Progress.bar("write DynamoDB", sample.size())) {
            for (JsonNode rec : sample) {
                String table = rec.has("follower_id") ? "follows" : "posts";
                if (rec.path("deleted").asBoolean(false))
                    ddb.deleteItem(b -> b.tableName(table).key(ItemMapper.keyOf(rec)));
                else ddb.putItem(b -> b.tableName(table).item(ItemMapper.toItem(rec)));
                bar.step();
            }
        }
    }

    /** Waits until the stream indexers have applied (at least) one event per write, with a progress bar. */
    private static void awaitCaughtUp(ChangeStreams streams, int writes) throws InterruptedException {
        try (ProgressBar bar = Progress.bar("index stream", writes)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (streams.applied() < writes && System.nanoTime() < deadline) {
                bar.stepTo(streams.applied()); // a stream that stops on an error is opened again: keep waiting
                Thread.sleep(100);
            }
            bar.stepTo(streams.applied());
        }
        if (streams.applied() < writes) {
            throw new IllegalStateException("the change streams applied " + streams.applied() + " of " + writes
                    + " writes in 120 s" + (streams.failure() != null ? "; stopped: " + streams.failure() : ""));
        }
    }

    private static void printWelcome(EngineRuntime rt, int port, boolean live, boolean admin) throws Exception {
        String base = "http://127.0.0.1:" + port;
        var stats = rt.index.stats();
        System.out.printf(
                "%nfeedsearch demo: %d posts and %d follow edges, written to DynamoDB Local and indexed from its stream%s%n",
                stats.posts(), stats.follows(), live ? " (live: new posts, edits, likes and deletes keep coming)" : "");
        System.out.println("open " + base + "/ in a browser: the search and feed playground"
                + (admin ? " (operations: " + base + "/ops)" : ""));
        System.out.println("or try:");
        System.out.println("  curl -s '" + base
                + "/v1/search?q=%E4%BA%BA%E6%A8%A9'                    # 人権 (Japanese: human rights)");
        System.out.println("  curl -s '" + base
                + "/v1/search?q=%E0%B8%AA%E0%B8%B4%E0%B8%97%E0%B8%98%E0%B8%B4'  # สิทธิ (Thai: rights)");
        System.out.println("  curl -s '" + base + "/v1/search?q=Menschenrechte&lang=de'          # German, stemmed");
        System.out.println("  curl -s '" + base + "/v1/search?q=freedom&sort=recent&limit=5'");
        System.out.println("  curl -s '" + base + "/v1/feed?viewer=u3&limit=5&explain=true'");
        System.out.println("  curl -s '" + base + "/v1/posts/p1'");
        System.out.println("  curl -s '" + base + "/ready'");
        if (admin) {
            System.out.println(
                    "admin (FEEDSEARCH_ADMIN_TOKEN is set): rebuild the Japanese group while search keeps serving");
            System.out.println(
                    "  curl -s -X POST -H \"Authorization: Bearer $FEEDSEARCH_ADMIN_TOKEN\" -d '{\"groups\":[\"ja\"]}' "
                            + base + "/admin/reindex");
            System.out.println(
                    "  curl -s -H \"Authorization: Bearer $FEEDSEARCH_ADMIN_TOKEN\" " + base + "/admin/reindex");
        } else {
            System.out.println(
                    "(set FEEDSEARCH_ADMIN_TOKEN, 16+ characters, to try the admin reindex API on the demo)");
        }
        System.out.println("Ctrl-C stops the demo.");
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp dir left behind is harmless
        }
    }
}
