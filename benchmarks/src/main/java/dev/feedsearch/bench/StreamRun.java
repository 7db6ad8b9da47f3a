package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamSource;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import dev.feedsearch.indexer.postgres.PostgresConfig;
import dev.feedsearch.indexer.postgres.PostgresLogicalSource;
import dev.feedsearch.indexer.postgres.PostgresSchema;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Change streams end to end, per source, all in one run: (1) the source's own drain rate (poll + map,
 * nothing applied) as the baseline; (2) events/s from the source into the embedded index through
 * StreamIndexer (decode, detect, apply, commit, checkpoint) for a backlog of N posts; (3) freshness: posts
 * written at a steady rate, each timed from the source write until the index answers it (the same
 * near-real-time reader /v1/search uses), p50/p99.
 * Usage: StreamRun CORPUS.jsonl POSTS OUT.md [dynamodb|postgres]
 */
public final class StreamRun {
    record Result(String source, int events, double drainPerSec, double endToEndPerSec, Histogram freshness) {}

    public static void main(String[] args) throws Exception {
        List<JsonNode> posts = new ArrayList<>();
        int n = Integer.parseInt(args[1]);
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            JsonNode node = PostJson.MAPPER.readTree(line);
            if (node.has("text") && !node.path("deleted").asBoolean(false)) posts.add(node);
            if (posts.size() == n + 2_000) break;
        }
        List<Result> results = new ArrayList<>();
        String only = args.length > 3 ? args[3] : "all"; // dynamodb | postgres | all
        if (!only.equals("postgres")) results.add(dynamodb(posts.subList(0, n), posts.subList(n, posts.size())));
        if (!only.equals("dynamodb")) results.add(postgres(posts.subList(0, n), posts.subList(n, posts.size())));
        StringBuilder md = new StringBuilder("| source | events | source drain alone, events/s | into the index, events/s | ratio | freshness p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f%% | %.0f | %.0f | %.0f |%n", r.source(), r.events(), r.drainPerSec(),
                    r.endToEndPerSec(), 100 * r.endToEndPerSec() / r.drainPerSec(), r.freshness().getValueAtPercentile(50) / 1e6,
                    r.freshness().getValueAtPercentile(99) / 1e6, r.freshness().getMaxValue() / 1e6));
        }
        md.append("\nFreshness: 1,000 posts written at 100/s while the indexer runs; each is timed from its write until the index returns it.\n");
        System.out.print(md);
        Files.writeString(Path.of(args[2]), md.toString());
    }

    // ------------------------------------------------------------------ DynamoDB Local (in-process)

    static Result dynamodb(List<JsonNode> backlog, List<JsonNode> fresh) throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        try {
            DynamoDbClient ddb = local.dynamoDbClient();
            DynamoDbTables.createPosts(ddb, "posts");
            batchPut(ddb, backlog);
            Path tmp = Files.createTempDirectory("bench-ddb-");
            double drain = drainOnly(DynamoDbStreamSource.open(ddb, local.dynamoDbStreamsClient(), DynamoDbStreamConfig.of("posts"),
                    new FileCheckpointStore(tmp.resolve("drain"))), backlog.size());
            DynamoDbStreamSource source = DynamoDbStreamSource.open(ddb, local.dynamoDbStreamsClient(), DynamoDbStreamConfig.of("posts"),
                    new FileCheckpointStore(tmp.resolve("cp")));
            return endToEnd("DynamoDB Local (in-process)", source, tmp, backlog.size(), drain, fresh,
                    p -> ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(p))));
        } finally {
            local.shutdown();
        }
    }

    static void batchPut(DynamoDbClient ddb, List<JsonNode> posts) {
        for (int i = 0; i < posts.size(); i += 25) {
            List<WriteRequest> reqs = new ArrayList<>();
            for (JsonNode p : posts.subList(i, Math.min(i + 25, posts.size()))) {
                reqs.add(WriteRequest.builder().putRequest(PutRequest.builder().item(ItemMapper.toItem(p)).build()).build());
            }
            ddb.batchWriteItem(b -> b.requestItems(Map.of("posts", reqs)));
        }
    }

    // ------------------------------------------------------------------ PostgreSQL (embedded server)

    static Result postgres(List<JsonNode> backlog, List<JsonNode> fresh) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4").setServerConfig("max_wal_senders", "4")
                .setPGStartupWait(Duration.ofSeconds(60)).start()) {
            PostgresConfig cfg = PostgresConfig.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
            try (Connection c = PostgresSchema.connect(cfg)) {
                PostgresSchema.apply(c);
            }
            PostgresConfig drainCfg = cfg.withSlot("bench_drain");
            ChangeSource drainSource = PostgresLogicalSource.open(drainCfg); // slots first: they see what follows
            PostgresLogicalSource source = PostgresLogicalSource.open(cfg);
            try (Connection c = PostgresSchema.connect(cfg)) {
                c.setAutoCommit(false);
                insert(c, backlog);
                c.commit();
            }
            double drain = drainOnly(drainSource, backlog.size());
            Path tmp = Files.createTempDirectory("bench-pg-");
            try (Connection c = PostgresSchema.connect(cfg)) {
                c.setAutoCommit(true);
                return endToEnd("PostgreSQL 17 (logical replication)", source, tmp, backlog.size(), drain, fresh, p -> {
                    try {
                        insert(c, List.of(p));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        }
    }

    static void insert(Connection c, List<JsonNode> posts) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO posts (id, author_id, text, lang, created_at, visibility, likes, version) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonNode p : posts) {
                ps.setString(1, p.get("id").asText());
                ps.setString(2, p.get("author_id").asText());
                ps.setString(3, p.get("text").asText());
                ps.setString(4, p.path("lang").isTextual() ? p.get("lang").asText() : null);
                ps.setTimestamp(5, Timestamp.from(Instant.parse(p.get("created_at").asText())));
                ps.setString(6, p.get("visibility").asText());
                ps.setLong(7, p.path("likes").asLong());
                ps.setLong(8, p.get("version").asLong());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ------------------------------------------------------------------ the measurements

    /** Baseline: how fast the source alone hands out events (nothing applied, nothing checkpointed). */
    static double drainOnly(ChangeSource source, int expected) throws Exception {
        try (source) {
            long t0 = System.nanoTime();
            int seen = 0;
            while (seen < expected && System.nanoTime() - t0 < 300_000_000_000L) seen += source.poll(1_000, Duration.ofMillis(200)).size();
            return seen / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static Result endToEnd(String name, ChangeSource source, Path tmp, int backlog, double drain, List<JsonNode> fresh,
                           Consumer<JsonNode> write) throws Exception {
        Mappings m = Mappings.load();
        GroupAnalyzers analyzers = GroupAnalyzers.build(m);
        analyzers.warmUp(); // the kuromoji/nori dictionaries load once per JVM: not part of the stream rate
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(tmp.resolve("index"), analyzers);
             JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(tmp.resolve("dlq.jsonl"))) {
            ScriptFirstDetector detector = new ScriptFirstDetector().preload();
            StreamIndexer indexer = StreamIndexer.builder().source(source).changes(new ChangeFactory(detector, m)).index(index)
                    .deadLetters(dlq).batchSize(1_000).maxWait(Duration.ofMillis(50)).build();
            long t0 = System.nanoTime();
            indexer.start();
            while (indexer.applied() < backlog && indexer.failure() == null && System.nanoTime() - t0 < 600_000_000_000L) Thread.sleep(20);
            double rate = indexer.applied() / ((System.nanoTime() - t0) / 1e9);
            if (indexer.failure() != null) throw new IllegalStateException(name + ": " + indexer.failure(), indexer.failure());

            // freshness at a steady 100 writes/s, with a watcher polling the index every 2 ms
            Histogram h = new Histogram(60_000_000_000L, 3);
            Map<String, Long> pending = new ConcurrentHashMap<>();
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        if (!pending.isEmpty()) {
                            for (var p : index.getVisible(List.copyOf(pending.keySet()), null)) {
                                Long t = pending.remove(p.post().id());
                                if (t != null) h.recordValue(System.nanoTime() - t);
                            }
                        }
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            int count = Math.min(1_000, fresh.size());
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                JsonNode p = fresh.get(i).deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("visibility", "public");
                pending.put(p.get("id").asText(), System.nanoTime());
                write.accept(p);
                long due = start + (i + 1) * 10_000_000L;
                long now = System.nanoTime();
                if (due > now) Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!pending.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            watcher.interrupt();
            watcher.join();
            indexer.close();
            if (!pending.isEmpty()) throw new IllegalStateException(name + ": " + pending.size() + " posts never became visible");
            return new Result(name, backlog, drain, rate, h);
        }
    }
}
