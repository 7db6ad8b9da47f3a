package dev.feedsearch.indexer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig.Start;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Poison records on a real DynamoDB Local stream, read by the running pipeline (its own threads, as {@code serve}
 * runs it): the year +292278995 (which overflowed {@code toEpochMilli} in the engine and restarted the stream from its
 * checkpoint for ever) and likes of 2^62 are dead-lettered with the field at fault; what comes after them is indexed
 * and the checkpoint moves past them. Then a seeded fuzz of random records, some poison, ending in a sentinel.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DynamoDbPoisonTest {
    static TestDynamoDb local;
    static ChangeFactory factory;
    static final AtomicInteger tableNo = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        local = TestDynamoDb.embedded();
        factory = new ChangeFactory(new ScriptFirstDetector(), Mappings.load());
    }

    @AfterAll
    static void stop() {
        if (local != null) local.close();
    }

    @Test
    void poisonRecordsAreDeadLetteredAndTheStreamMovesOnPastThem() throws Exception {
        String table = table();
        put(table, post("g1", 1));
        put(table, with(post("y1", 1), "created_at", AttributeValue.fromS("+292278995-01-01T00:00:00Z")));
        put(table, with(post("l1", 1), "likes", AttributeValue.fromN("4611686018427387904")));
        put(table, with(post("l2", 1), "reposts", AttributeValue.fromN("-3")));
        put(table, post("g2", 1));
        try (Pipeline p = new Pipeline(dir, table)) {
            waitFor(() -> p.index.get("g2", null).isPresent());
            List<DeadLetterEntry> dead = p.dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::field).containsExactly("created_at", "likes", "reposts");
            assertThat(dead.get(0).reason()).contains("years 1970 to 2200", "+292278995");
            assertThat(dead.get(1).reason()).contains("at most 2^53");
            assertThat(dead.get(0).position()).matches("shardId-[^@]+@\\d{21}");
            assertThat(p.index.get("g1", null)).isPresent();
            assertThat(p.indexer.failure()).isNull();

            // the checkpoint moves past the poison: a restart does not read it again
            BigInteger poisonAt = new BigInteger(dead.getLast().position().split("@")[1]);
            waitFor(() -> p.checkpoints.load("dynamodb:" + table).values().stream()
                    .anyMatch(v -> v.matches("\\d+") && new BigInteger(v).compareTo(poisonAt) > 0));
        }
    }

    @Test
    void randomRecordsSomePoisonNeverStopTheStreamAndASentinelWrittenAfterThemIsIndexed() throws Exception {
        String table = table();
        Random rnd = new Random(20_261_207L);
        int writes = 0;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String id = "r" + i;
            Map<String, AttributeValue> item = post(id, 1 + rnd.nextInt(5));
            for (int k = 0, n = rnd.nextInt(3); k < n; k++) {
                String[] fields = {
                    "created_at",
                    "likes",
                    "reposts",
                    "replies",
                    "version",
                    "text",
                    "visibility",
                    "tags",
                    "author_id",
                    "extra"
                };
                AttributeValue[] values = {
                    AttributeValue.fromS("+292278995-01-01T00:00:00Z"),
                    AttributeValue.fromS("1969-07-20T20:17:00Z"),
                    AttributeValue.fromS("not a time"),
                    AttributeValue.fromN("4611686018427387904"),
                    AttributeValue.fromN("-1"),
                    AttributeValue.fromN("1.5"),
                    AttributeValue.fromN("9.9E+125"),
                    AttributeValue.fromS("x".repeat(10_001)),
                    AttributeValue.fromS(""),
                    AttributeValue.fromBool(true),
                    AttributeValue.fromNul(true),
                    AttributeValue.fromL(List.of(AttributeValue.fromN("1"))),
                    AttributeValue.fromB(SdkBytes.fromUtf8String("b")),
                    AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))),
                    AttributeValue.fromS("2200-12-31T23:59:59Z")
                };
                item = with(item, fields[rnd.nextInt(fields.length)], values[rnd.nextInt(values.length)]);
            }
            put(table, item);
            writes++;
            ids.add(id);
        }
        put(table, post("sentinel", 1));
        try (Pipeline p = new Pipeline(dir, table)) {
            waitFor(() -> p.index.get("sentinel", null).isPresent());
            assertThat(p.indexer.failure()).isNull();
            // every record is either in the index or in the dead-letter store, none in both, none lost
            Set<String> indexed = new HashSet<>();
            p.index.forEachPostVersion((id, version, deleted) -> indexed.add(id));
            Set<String> dead = new HashSet<>();
            for (DeadLetterEntry e : p.dlq.list())
                dead.add(PostJson.MAPPER
                        .readTree(e.raw())
                        .path("Keys")
                        .path("id")
                        .path("S")
                        .asText());
            assertThat(indexed).doesNotContainAnyElementsOf(dead);
            Set<String> all = new HashSet<>(indexed);
            all.addAll(dead);
            ids.add("sentinel");
            assertThat(all).isEqualTo(ids);
            assertThat(dead).isNotEmpty();
            assertThat(indexed).hasSizeGreaterThan(writes / 4);
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** A started pipeline (reader, decoder, applier, committer threads) on a fresh index, from the stream's start. */
    static final class Pipeline implements AutoCloseable {
        final EmbeddedPostIndex index;
        final JsonlDeadLetterStore dlq;
        final FileCheckpointStore checkpoints;
        final StreamIndexer indexer;

        Pipeline(Path dir, String table) throws Exception {
            index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(Mappings.load()));
            dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
            checkpoints = new FileCheckpointStore(dir.resolve("cp"));
            DynamoDbStreamSource source = DynamoDbStreamSource.open(
                    local.ddb(),
                    local.streams(),
                    new DynamoDbStreamConfig(table, Start.TRIM_HORIZON, Duration.ofMillis(10), Duration.ofMinutes(10)),
                    checkpoints);
            indexer = StreamIndexer.builder()
                    .source(source)
                    .changes(factory)
                    .index(index)
                    .deadLetters(dlq)
                    .batchSize(50)
                    .maxWait(Duration.ofMillis(30))
                    .applyInterval(Duration.ofMillis(20))
                    .commitInterval(Duration.ofMillis(50))
                    .build()
                    .start();
        }

        @Override
        public void close() throws Exception {
            try (index;
                    dlq) {
                indexer.close();
            }
        }
    }

    static String table() {
        String t = "poison_" + tableNo.incrementAndGet();
        DynamoDbTables.createPosts(local.ddb(), t);
        return t;
    }

    static Map<String, AttributeValue> post(String id, long version) {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        o.put("id", id)
                .put("author_id", "u1")
                .put("text", "Morning at the harbour, post " + id)
                .put("created_at", "2026-11-01T12:00:00Z")
                .put("visibility", "public")
                .put("likes", 0)
                .put("version", version);
        return ItemMapper.toItem(o);
    }

    static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String attr, AttributeValue v) {
        Map<String, AttributeValue> m = new HashMap<>(item);
        m.put(attr, v);
        return m;
    }

    static void put(String table, Map<String, AttributeValue> item) {
        local.ddb().putItem(b -> b.tableName(table).item(item));
    }

    static void waitFor(Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for the stream");
            Thread.sleep(20);
        }
    }
}
