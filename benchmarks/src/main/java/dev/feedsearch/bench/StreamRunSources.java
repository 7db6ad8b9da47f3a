package dev.feedsearch.bench;

import static dev.feedsearch.bench.StreamRun.drainOnly;
import static dev.feedsearch.bench.StreamRun.endToEnd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.bench.StreamRun.Drain;
import dev.feedsearch.bench.StreamRun.Opener;
import dev.feedsearch.bench.StreamRun.Result;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamSource;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import dev.feedsearch.indexer.postgres.PostgresConfig;
import dev.feedsearch.indexer.postgres.PostgresLogicalSource;
import dev.feedsearch.indexer.postgres.PostgresSchema;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/** The two sources {@link StreamRun} measures, each started in-process, written to and opened as a {@link ChangeSource}. */
final class StreamRunSources {
    private StreamRunSources() {}

    // ------------------------------------------------------------------ DynamoDB Local (in-process)

    static Result dynamodb(List<JsonNode> warm, List<JsonNode> backlog, List<JsonNode> fresh) throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        try {
            DynamoDbClient ddb = local.dynamoDbClient();
            DynamoDbTables.createPosts(ddb, "posts");
            Path tmp = Files.createTempDirectory("bench-ddb-");
            Opener open = () -> DynamoDbStreamSource.open(
                    ddb,
                    local.dynamoDbStreamsClient(),
                    DynamoDbStreamConfig.of("posts"),
                    new FileCheckpointStore(tmp.resolve("cp")));
            Drain drain = expected -> drainOnly(
                    DynamoDbStreamSource.open(
                            ddb,
                            local.dynamoDbStreamsClient(),
                            DynamoDbStreamConfig.of("posts"),
                            new FileCheckpointStore(tmp.resolve("drain"))),
                    expected);
            return endToEnd(
                    "DynamoDB Local (in-process)",
                    open,
                    tmp,
                    warm,
                    backlog,
                    posts -> batchPut(ddb, posts),
                    drain,
                    fresh,
                    p -> ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(p))));
        } finally {
            local.shutdown();
        }
    }

    static void batchPut(DynamoDbClient ddb, List<JsonNode> posts) {
        for (int i = 0; i < posts.size(); i += 25) {
            List<WriteRequest> reqs = new ArrayList<>();
            for (JsonNode p : posts.subList(i, Math.min(i + 25, posts.size()))) {
                reqs.add(WriteRequest.builder()
                        .putRequest(
                                PutRequest.builder().item(ItemMapper.toItem(p)).build())
                        .build());
            }
            ddb.batchWriteItem(b -> b.requestItems(Map.of("posts", reqs)));
        }
    }

    // ------------------------------------------------------------------ PostgreSQL (embedded server)

    static Result postgres(List<JsonNode> warm, List<JsonNode> backlog, List<JsonNode> fresh) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start()) {
            PostgresConfig cfg = PostgresConfig.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
            try (Connection c = PostgresSchema.connect(cfg)) {
                PostgresSchema.apply(c);
            }
            // slots first: they see what follows. The drain's stream is opened only when it drains: a stream nobody
            // polls
            // through a long warm-up would be ended by the server (wal_sender_timeout)
            PostgresConfig drainCfg = cfg.withSlot("bench_drain");
            PostgresLogicalSource.open(drainCfg).close();
            ChangeSource first = PostgresLogicalSource.open(cfg);
            Opener open = new Opener() {
                boolean opened;

                @Override
                public ChangeSource open() throws Exception {
                    if (opened) return PostgresLogicalSource.open(cfg); // resumes at the slot's confirmed position
                    opened = true;
                    return first;
                }
            };
            Path tmp = Files.createTempDirectory("bench-pg-");
            try (Connection c = PostgresSchema.connect(cfg)) {
                c.setAutoCommit(true);
                return endToEnd(
                        "PostgreSQL 17 (logical replication)",
                        open,
                        tmp,
                        warm,
                        backlog,
                        posts -> insertAll(cfg, posts),
                        expected -> drainOnly(PostgresLogicalSource.open(drainCfg), expected),
                        fresh,
                        p -> {
                            try {
                                insert(c, List.of(p));
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
            }
        }
    }

    /** Writes the posts in one transaction, as a backlog. */
    static void insertAll(PostgresConfig cfg, List<JsonNode> posts) throws Exception {
        try (Connection c = PostgresSchema.connect(cfg)) {
            c.setAutoCommit(false);
            insert(c, posts);
            c.commit();
        }
    }

    static void insert(Connection c, List<JsonNode> posts) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO posts (id, author_id, text, lang, created_at, visibility, likes, version) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonNode p : posts) {
                ps.setString(1, p.get("id").asText());
                ps.setString(2, p.get("author_id").asText());
                ps.setString(3, p.get("text").asText());
                ps.setString(4, p.path("lang").isTextual() ? p.get("lang").asText() : null);
                ps.setTimestamp(
                        5, Timestamp.from(Instant.parse(p.get("created_at").asText())));
                ps.setString(6, p.get("visibility").asText());
                ps.setLong(7, p.path("likes").asLong());
                ps.setLong(8, p.get("version").asLong());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
