package dev.feedsearch.indexer.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig.Start;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DynamoDB Streams source against a real DynamoDB Local 3.3.1 in this JVM. Each test gets a fresh
 * instance (~20 ms once warm): Local's writes slow down as stream records pile up across tables.
 */
@SuppressWarnings("try") // StreamIndexer.close() declares Exception
class DynamoDbStreamSourceTest {
    static TestDynamoDb local;
    static Mappings mappings;
    static ChangeFactory factory;
    static final AtomicInteger tableNo = new AtomicInteger();

    @TempDir Path dir;

    @BeforeAll
    static void loadAnalysis() {
        mappings = Mappings.load();
        factory = new ChangeFactory(new ScriptFirstDetector(), mappings);
    }

    @BeforeEach
    void startDynamoDb() {
        local = TestDynamoDb.embedded();
    }

    @AfterEach
    void stopDynamoDb() throws Exception {
        if (local != null) local.close();
        local = null;
    }

    // ------------------------------------------------------------------ insert / modify / remove

    @Test
    void insertModifyRemoveOfPostsAndFollowsReachTheIndex() throws Exception {
        String posts = postsTable(), follows = followsTable();
        DynamoDbClient ddb = local.ddb();
        put(posts, post("p1", "u1", "Morning coffee by the harbour", 1));
        put(posts, post("p2", "u2", "Evening tea on the balcony", 1));
        put(posts, post("p3", "u1", "今日は東京で美味しい寿司を食べました", 1));
        put(follows, follow("u9", "u1", 1));
        put(follows, follow("u9", "u2", 1));
        put(follows, follow("u9", "u3", "mute", 1));
        put(follows, follow("u9", "u4", 1));
        try (Env env = env("a"); StreamIndexer p = indexer(source(posts, env.checkpoints, Start.TRIM_HORIZON), env);
             StreamIndexer f = indexer(source(follows, env.checkpoints, Start.TRIM_HORIZON), env)) {
            assertThat(drain(p)).isEqualTo(3);
            assertThat(drain(f)).isEqualTo(4);
            assertThat(search(env.index, "harbour")).containsExactly("p1");
            assertThat(env.index.get("p3", null)).hasValueSatisfying(ip -> assertThat(ip.lang()).isEqualTo("ja"));
            assertThat(env.index.followees("u9")).containsExactlyInAnyOrder("u1", "u2", "u4");
            assertThat(env.index.hiddenAuthors("u9")).containsExactly("u3");

            put(posts, post("p1", "u1", "Morning rain over the harbour", 2)); // MODIFY by PutItem
            ddb.updateItem(b -> b.tableName(posts).key(Map.of("id", s("p2")))  // MODIFY by UpdateItem, like an app's like button
                    .updateExpression("SET likes = likes + :one, version = version + :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            ddb.deleteItem(b -> b.tableName(posts).key(Map.of("id", s("p3"))));
            ddb.deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u9"), "followee_id", s("u2"))));
            ddb.deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u9"), "followee_id", s("u3")))); // un-mute
            put(follows, follow("u9", "u4", "mute", 2)); // follow → mute on the same item: two changes in the index
            assertThat(drain(p)).isEqualTo(3);
            assertThat(drain(f)).isEqualTo(4);

            assertThat(search(env.index, "rain")).containsExactly("p1");
            assertThat(search(env.index, "coffee")).isEmpty();
            assertThat(env.index.versionOf("p2")).isEqualTo(2);
            assertThat(env.index.get("p2", null).orElseThrow().post().likes()).isEqualTo(1);
            assertThat(env.index.get("p3", null)).isEmpty();
            assertThat(env.index.followees("u9")).containsExactly("u1");
            assertThat(env.index.hiddenAuthors("u9")).containsExactly("u4");
            assertThat(env.dlq.list()).isEmpty();
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(ddb, posts), env.index).clean()).isTrue();
        }
    }

    @Test
    void lagIsZeroOnceCaughtUpAndCountsOnlyWhileRecordsArePending() throws Exception {
        // DynamoDB Local rounds record times to the minute: the age of the newest record read 20-60 s on a stream
        // fresh within a second, and never fell on a quiet one. Lag is now what the indexer knows.
        String posts = postsTable();
        try (Env env = env("lag"); StreamIndexer si = indexer(source(posts, env.checkpoints, Start.TRIM_HORIZON), env)) {
            put(posts, post("l1", "u1", "a fresh post", 1));
            assertThat(si.drainOnce()).isEqualTo(1);
            assertThat(si.lagSeconds().orElseThrow()).as("records were pending").isGreaterThan(0);
            drain(si); // the poll that finds the stream drained: caught up
            assertThat(si.lagSeconds()).hasValue(0);
            Thread.sleep(1_100); // quiet: still caught up, no matter how old the last record is
            si.drainOnce();
            assertThat(si.lagSeconds()).hasValue(0);
            put(posts, post("l2", "u1", "another", 1));
            assertThat(si.drainOnce()).isEqualTo(1);
            drain(si);
            assertThat(si.lagSeconds()).hasValue(0);
        }
    }

    // ------------------------------------------------------------------ duplicates and reordering

    @Test
    void duplicatesAndReorderingAreNoOps() throws Exception {
        String posts = postsTable();
        Random rnd = new Random(7);
        Map<String, Long> versions = new HashMap<>();
        Set<String> exists = new HashSet<>();
        for (int i = 0; i < 150; i++) { // one stream record each
            String id = "d" + rnd.nextInt(40);
            long v = versions.merge(id, 1L, Long::sum);
            if (exists.contains(id) && rnd.nextInt(4) == 0) {
                local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s(id))));
                exists.remove(id);
            } else {
                put(posts, post(id, "u" + rnd.nextInt(5), "harbour note " + id + " version " + v, v));
                exists.add(id);
            }
        }
        try (Env a = env("a"); Env b = env("b")) {
            Recording rec = new Recording(source(posts, a.checkpoints, Start.TRIM_HORIZON));
            try (StreamIndexer si = indexer(rec, a)) {
                assertThat(drain(si)).isEqualTo(150);
            }
            Map<String, String> inOrder = snapshot(a.index);

            // the whole stream again from the start (a lost checkpoint): every event is a duplicate
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            try (StreamIndexer again = StreamIndexer.builder().source(source(posts, new FileCheckpointStore(dir.resolve("cp-again")),
                    Start.TRIM_HORIZON)).changes(factory).index(a.index).deadLetters(a.dlq).metrics(metrics).batchSize(40)
                    .maxWait(Duration.ofMillis(30)).build()) {
                assertThat(drain(again)).isEqualTo(150);
            }
            assertThat(metrics.get("feedsearch.indexer.stale").counter().count()).isEqualTo(150);
            assertThat(snapshot(a.index)).isEqualTo(inOrder);

            // the same events shuffled, each twice, in random batches, into a fresh index: the same end state
            List<SourceEvent> shuffled = new ArrayList<>(rec.seen);
            shuffled.addAll(rec.seen);
            Collections.shuffle(shuffled, rnd);
            try (StreamIndexer si = indexer(new ListSource(shuffled, rnd), b)) {
                assertThat(drain(si)).isEqualTo(300);
            }
            assertThat(snapshot(b.index)).isEqualTo(inOrder);
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), b.index).clean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ shard rollover

    @Test
    void shardRolloversMidStreamLoseNothingAndParentsAreReadBeforeChildren() throws Exception {
        String posts = postsTable();
        Random rnd = new Random(11);
        Map<String, Long> versions = new HashMap<>();
        int writes = 0;
        try (Env env = env("a")) {
            DynamoDbStreamSource src = source(posts, env.checkpoints, Start.TRIM_HORIZON);
            Recording rec = new Recording(src);
            try (StreamIndexer si = StreamIndexer.builder().source(rec).changes(factory).index(env.index).deadLetters(env.dlq)
                    .batchSize(15).maxWait(Duration.ofMillis(30)).build()) {
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < 25; i++, writes++) {
                        String id = "r" + rnd.nextInt(60);
                        long v = versions.merge(id, 1L, Long::sum);
                        put(posts, post(id, "u1", "rollover round " + round + " harbour " + id, v));
                    }
                    if (round % 2 == 0) si.drainOnce(); // stop mid-shard: the rollover lands under an open iterator
                    local.rollover();
                    if (round == 3) local.rollover(); // an empty generation too
                }
                drain(si);
            }
            List<SourceEvent> seen = rec.seen;
            assertThat(seen).hasSize(writes);
            assertThat(seen.stream().map(e -> e.partition() + "@" + e.position()).distinct()).hasSize(writes);

            Map<String, String> parents = new HashMap<>();
            List<Shard> shards = local.streams().describeStream(b -> b.streamArn(src.streamArn())).streamDescription().shards();
            shards.forEach(sh -> parents.put(sh.shardId(), sh.parentShardId()));
            assertThat(shards.size()).isGreaterThanOrEqualTo(8);
            Map<String, Integer> first = new HashMap<>(), last = new HashMap<>();
            Map<String, String> lastSeq = new HashMap<>();
            for (int i = 0; i < seen.size(); i++) {
                SourceEvent e = seen.get(i);
                first.putIfAbsent(e.partition(), i);
                last.put(e.partition(), i);
                String prev = lastSeq.put(e.partition(), e.position());
                if (prev != null) assertThat(e.position()).as("order inside shard " + e.partition()).isGreaterThan(prev);
            }
            assertThat(first.keySet().size()).isGreaterThanOrEqualTo(6);
            for (String child : first.keySet()) {
                for (String p = parents.get(child); p != null; p = parents.get(p)) {
                    if (last.containsKey(p)) assertThat(last.get(p)).as(p + " read before its descendant " + child).isLessThan(first.get(child));
                }
            }
            Map<String, String> saved = env.checkpoints.load(src.name());
            for (Shard sh : shards) {
                if (sh.sequenceNumberRange().endingSequenceNumber() != null) {
                    assertThat(saved.get(sh.shardId())).as("closed shard " + sh.shardId()).isEqualTo(DynamoDbStreamSource.SHARD_END);
                }
            }
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index).clean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ idle polling, expired and trimmed positions

    @Test
    void anIdleStreamIsPolledGentlyNotSpun() throws Exception {
        String posts = postsTable();
        put(posts, post("i1", "u1", "the only post", 1));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        DynamoDbStreamsClient counting = (DynamoDbStreamsClient) Proxy.newProxyInstance(DynamoDbStreamsClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbStreamsClient.class}, (proxy, m, args) -> {
                    calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return m.invoke(local.streams(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DynamoDbStreamSource src = DynamoDbStreamSource.open(local.ddb(), counting,
                new DynamoDbStreamConfig(posts, Start.TRIM_HORIZON, Duration.ofMillis(100), Duration.ofMinutes(10)),
                new FileCheckpointStore(dir.resolve("cp")));
        assertThat(src.poll(100, Duration.ofSeconds(1))).hasSize(1);
        calls.clear();
        long t0 = System.nanoTime();
        assertThat(src.poll(100, Duration.ofSeconds(1))).isEmpty();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("waited out maxWait").isBetween(950L, 2500L);
        assertThat(calls.get("getRecords").get()).as("GetRecords calls in 1 s idle, 100 ms backoff").isBetween(5, 12);
        calls.clear();
        t0 = System.nanoTime();
        assertThat(src.poll(100, Duration.ZERO)).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(200);
        assertThat(calls.get("getRecords").get()).isEqualTo(1);
    }

    @Test
    void expiredIteratorsAndPositionsPastRetentionRecover() throws Exception {
        String posts = postsTable();
        for (int i = 0; i < 10; i++) put(posts, post("e" + i, "u1", "expiring harbour " + i, 1));
        try (Env env = env("a")) {
            Recording rec = new Recording(source(posts, env.checkpoints, Start.TRIM_HORIZON));
            try (StreamIndexer si = StreamIndexer.builder().source(rec).changes(factory).index(env.index).deadLetters(env.dlq)
                    .batchSize(4).maxWait(Duration.ofMillis(30)).build()) {
                assertThat(si.drainOnce()).isEqualTo(4);
                Path old = Files.createDirectories(dir.resolve("old-cp"));
                try (var files = Files.list(env.dir.resolve("cp"))) {
                    for (Path f : files.toList()) Files.copy(f, old.resolve(f.getFileName()));
                }
                assertThat(new FileCheckpointStore(old).load("dynamodb:" + posts)).containsValue(rec.seen.get(3).position());
                local.advanceClock(Duration.ofMinutes(16)); // the reader's iterator is now expired
                assertThat(drain(si)).isEqualTo(6);
                assertThat(rec.seen.stream().map(SourceEvent::position).distinct()).hasSize(10);

                // an indexer that stopped 25 h ago: its position is past the stream's retention
                local.advanceClock(Duration.ofHours(25));
                for (int i = 10; i < 13; i++) put(posts, post("e" + i, "u1", "after a long outage " + i, 1));
                DynamoDbStreamSource lateSrc = source(posts, new FileCheckpointStore(old), Start.TRIM_HORIZON);
                try (StreamIndexer late = indexer(lateSrc, env)) {
                    assertThat(drain(late)).isEqualTo(3);
                    assertThat(late.failure()).isNull();
                }
                // the trimmed shard was given up (its lost records are a reconcile/backfill matter), its child read
                assertThat(lateSrc.positions()).containsEntry(rec.seen.getFirst().partition(), DynamoDbStreamSource.SHARD_END);
            }
            assertThat(search(env.index, "outage")).containsExactlyInAnyOrder("e10", "e11", "e12");
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index).clean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ restart

    @Test
    void restartResumesFromTheCheckpointWithoutRereading() throws Exception {
        String posts = postsTable();
        try (Env env = env("a")) {
            for (int i = 0; i < 30; i++) put(posts, post("s" + i, "u1", "first batch harbour " + i, 1));
            Recording first = new Recording(source(posts, env.checkpoints, Start.TRIM_HORIZON));
            try (StreamIndexer si = indexer(first, env)) {
                assertThat(drain(si)).isEqualTo(30);
            }
            for (int i = 0; i < 20; i++) put(posts, post("s" + i, "u1", "second version harbour " + i, 2));
            local.rollover();
            for (int i = 30; i < 35; i++) put(posts, post("s" + i, "u1", "after the rollover " + i, 1));
            for (int i = 0; i < 5; i++) { int k = i; local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s("s" + k)))); }

            Recording second = new Recording(source(posts, new FileCheckpointStore(env.dir.resolve("cp")), Start.TRIM_HORIZON));
            try (StreamIndexer si = indexer(second, env)) {
                assertThat(drain(si)).isEqualTo(30);
            }
            Set<String> firstPositions = new HashSet<>();
            first.seen.forEach(e -> firstPositions.add(e.partition() + "@" + e.position()));
            assertThat(second.seen).noneMatch(e -> firstPositions.contains(e.partition() + "@" + e.position()));
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index).clean()).isTrue();

            // LATEST with no checkpoint: only what is written from now on
            Recording latest = new Recording(source(posts, new FileCheckpointStore(dir.resolve("latest-cp")), Start.LATEST));
            try (StreamIndexer si = indexer(latest, env)) {
                assertThat(drain(si)).isZero();
                put(posts, post("s99", "u1", "written after the LATEST start", 1));
                assertThat(drain(si)).isEqualTo(1);
            }
            assertThat(latest.seen).extracting(e -> e.record().get("id").asText()).containsExactly("s99");
        }
    }

    // ------------------------------------------------------------------ malformed items

    @Test
    void malformedItemsAreDeadLetteredWithTheReasonAndTheGoodOnesIndexed() throws Exception {
        String posts = postsTable();
        put(posts, post("g1", "u1", "A fine harbour morning", 1));
        Map<String, AttributeValue> textAsNumber = new HashMap<>(post("b1", "u1", "x", 1));
        textAsNumber.put("text", AttributeValue.fromN("42"));
        put(posts, textAsNumber);
        Map<String, AttributeValue> noVersion = new HashMap<>(post("b2", "u1", "no version here", 1));
        noVersion.remove("version");
        put(posts, noVersion);
        put(posts, post("b3", "u1", "x".repeat(PostJson.MAX_TEXT_CHARS + 1), 1));
        Map<String, AttributeValue> binary = new HashMap<>(post("b4", "u1", "x", 1));
        binary.put("text", AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")));
        put(posts, binary);
        Map<String, AttributeValue> fractional = new HashMap<>(post("b5", "u1", "fractional version", 1));
        fractional.put("version", AttributeValue.fromN("1.5"));
        put(posts, fractional);
        Map<String, AttributeValue> withThumbnail = new HashMap<>(post("g2", "u2", "Another harbour evening", 1));
        withThumbnail.put("thumbnail", AttributeValue.fromB(SdkBytes.fromUtf8String("png"))); // an app's own attribute
        put(posts, withThumbnail);
        local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s("b2")))); // REMOVE of an item without version
        try (Env env = env("a"); StreamIndexer si = indexer(source(posts, env.checkpoints, Start.TRIM_HORIZON), env)) {
            assertThat(drain(si)).isEqualTo(8);
            assertThat(search(env.index, "harbour")).containsExactlyInAnyOrder("g1", "g2");
            List<DeadLetterEntry> dead = env.dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::field).containsExactly("text", "version", "text", null, "version", "version");
            assertThat(dead.get(0).reason()).contains("text must be a string");
            assertThat(dead.get(1).reason()).contains("version is required");
            assertThat(dead.get(2).reason()).contains("longer than " + PostJson.MAX_TEXT_CHARS);
            assertThat(dead.get(3).reason()).contains("attribute text is binary");
            assertThat(dead.get(4).reason()).contains("version must be an integer");
            assertThat(dead.get(5).reason()).contains("version is required");
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.source()).isEqualTo("dynamodb:" + posts);
                assertThat(d.position()).matches("shardId-[^@]+@\\d{21}");
                assertThat(d.raw()).contains("\"Keys\":{\"id\":{\"S\":\"b");
            });
            assertThat(dead.get(3).record()).isNull(); // unmappable: only the raw record
            assertThat(dead.get(0).record()).contains("\"text\":42");
            assertThat(dead.get(5).raw()).contains("\"eventName\":\"REMOVE\"");
        }
    }

    // ------------------------------------------------------------------ backfill then stream

    @Test
    void aSegmentedBackfillReadsEveryItemExactlyOnce() throws Exception {
        String posts = postsTable();
        seedPosts(posts, "g", 1000, "segmented harbour post number ");
        try (Env env = env("seg")) {
            DynamoDbStreamSource src = source(posts, env.checkpoints, Start.TRIM_HORIZON);
            var report = new DynamoDbBackfill(local.ddb(), factory, env.index, env.dlq, 50, 4).run(src);
            assertThat(report.lines()).as("four segments cover the table without overlap").isEqualTo(1000);
            assertThat(report.posts()).isEqualTo(1000);
            Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index);
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.sourceRows()).isEqualTo(1000);
            src.close();
        }
    }

    /**
     * A fault injector, not a fake database: passes every call to DynamoDB Local but refuses the first
     * {@code throttles} Scan calls of segment 1 as DynamoDB does when a table's read capacity is spent (after the
     * SDK's own retries). DynamoDB Local never throttles, so this fault cannot be caused for real here.
     */
    static final class ThrottlingScans implements DynamoDbClient {
        final DynamoDbClient real;
        final AtomicInteger throttles;
        final AtomicInteger refused = new AtomicInteger();

        ThrottlingScans(DynamoDbClient real, int throttles) {
            this.real = real;
            this.throttles = new AtomicInteger(throttles);
        }

        @Override
        public software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(software.amazon.awssdk.services.dynamodb.model.ScanRequest r) {
            if (Integer.valueOf(1).equals(r.segment()) && throttles.getAndDecrement() > 0) {
                refused.incrementAndGet();
                throw software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
                        .message("The level of configured provisioned throughput for the table was exceeded (injected)").build();
            }
            return real.scan(r);
        }

        @Override
        public software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse describeTable(
                software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest r) {
            return real.describeTable(r);
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aThrottledScanSegmentWaitsAndGoesOnInsteadOfFailingTheBackfill() throws Exception {
        String posts = postsTable();
        seedPosts(posts, "t", 600, "throttled harbour post number ");
        try (Env env = env("throttle")) {
            ThrottlingScans ddb = new ThrottlingScans(local.ddb(), 3);
            DynamoDbStreamSource src = source(posts, env.checkpoints, Start.TRIM_HORIZON);
            var report = new DynamoDbBackfill(ddb, factory, env.index, env.dlq, 50, 3).run(src);
            src.close();
            assertThat(ddb.refused.get()).as("pages refused and asked for again").isEqualTo(3);
            assertThat(report.lines()).isEqualTo(600);
            Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index);
            assertThat(r.clean()).as(r.toString()).isTrue();
        }
    }

    @Test
    void aBackfillAgainRemovesPostsAndEdgesTheTablesNoLongerHold() throws Exception {
        String posts = postsTable(), follows = followsTable();
        for (int i = 0; i < 5; i++) put(posts, post("k" + i, "u1", "kept harbour post " + i, 1));
        put(follows, follow("u1", "u2", 1));
        put(follows, follow("u1", "u3", 1));
        put(follows, follow("u1", "u4", "mute", 1));
        put(follows, follow("u5", "u1", 1));
        try (Env env = env("again")) {
            DynamoDbBackfill backfill = new DynamoDbBackfill(local.ddb(), factory, env.index, env.dlq, 50);
            DynamoDbStreamSource postSrc = source(posts, env.checkpoints, Start.TRIM_HORIZON);
            DynamoDbStreamSource followSrc = source(follows, env.checkpoints, Start.TRIM_HORIZON);
            backfill.run(postSrc);
            backfill.run(followSrc);
            postSrc.close();
            followSrc.close();
            assertThat(env.index.followees("u1")).containsExactlyInAnyOrder("u2", "u3");
            assertThat(env.index.hiddenAuthors("u1")).containsExactly("u4");

            // deleted while no stream was read (say, past its retention): only a new scan can tell
            local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s("k1"))));
            local.ddb().deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u1"), "followee_id", s("u3"))));
            local.ddb().deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u1"), "followee_id", s("u4"))));
            local.ddb().deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u5"), "followee_id", s("u1"))));
            var fresh = new FileCheckpointStore(env.dir.resolve("cp-again"));
            try (DynamoDbStreamSource p = source(posts, fresh, Start.LATEST); DynamoDbStreamSource f = source(follows, fresh, Start.LATEST)) {
                assertThat(backfill.run(p).deletes()).isEqualTo(1);
                assertThat(backfill.run(f).deletes()).as("two follows and a mute").isEqualTo(3);
            }
            assertThat(env.index.get("k1", null)).isEmpty();
            assertThat(env.index.get("k2", null)).isPresent();
            assertThat(env.index.followees("u1")).containsExactly("u2");
            assertThat(env.index.hiddenAuthors("u1")).isEmpty();
            assertThat(env.index.followees("u5")).isEmpty();
        }
    }

    @Test
    void backfillThenStreamWithWritesDuringTheScanReconcilesClean() throws Exception {
        String posts = postsTable();
        Map<String, Long> versions = new HashMap<>();
        List<Map<String, AttributeValue>> prefill = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            versions.put("b" + i, 3L);
            prefill.add(post("b" + i, "u" + (i % 20), "backfilled harbour post number " + i, 3));
        }
        batchPut(posts, prefill);
        try (Env env = env("a")) {
            // LATEST on purpose: without the pin taken before the scan, writes during the scan would be lost
            DynamoDbStreamSource src = source(posts, env.checkpoints, Start.LATEST);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger writes = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> {
                Random rnd = new Random(3);
                while (!stop.get()) {
                    String id = "b" + rnd.nextInt(1700);
                    long v = versions.merge(id, 1L, Long::sum);
                    if (rnd.nextInt(6) == 0) local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s(id))));
                    else put(posts, post(id, "u1", "edited during the scan " + id + " v" + v, v));
                    writes.incrementAndGet();
                    try {
                        Thread.sleep(1); // an app's pace, not a flood: the scan must get the CPU too
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            // three parallel Scan segments, pages applied as they come: nothing may be missed either way
            var report = new DynamoDbBackfill(local.ddb(), factory, env.index, env.dlq, 100, 3).runIfNeeded(src).orElseThrow();
            int duringScan = writes.get();
            Thread.sleep(200);
            stop.set(true);
            writer.join();
            assertThat(report.posts()).isGreaterThanOrEqualTo(1200);
            assertThat(duringScan).as("writes while the scan ran").isGreaterThan(50);
            assertThat(new DynamoDbBackfill(local.ddb(), factory, env.index, env.dlq, 100).runIfNeeded(src)).isEmpty();
            try (StreamIndexer si = indexer(src, env)) {
                assertThat(drain(si)).as("the prefill and the writes, from the pinned TRIM_HORIZON").isGreaterThan(1500);
            }
            Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index);
            System.out.printf("backfill %s, %d writes during/after the scan; reconcile: %s%n", report, writes.get(), r);
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.sourceRows()).isGreaterThan(1000);
            assertThat(env.dlq.list()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ crash safety

    /**
     * Hard kills: the indexer runs in a child JVM (backfill, then one StreamIndexer per table) against
     * DynamoDB Local in server mode while a writer puts, updates and deletes posts and follow edges; the
     * child is SIGKILLed at random points (no close, no drain, no checkpoint, the Lucene writer dies with
     * uncommitted changes), three times; then an indexer catches up from the saved checkpoints and every
     * row of the tables matches the index. A child JVM rather than an in-process halt(): the kill then also
     * covers the uncommitted index, the lock file and a half-written checkpoint, with no test hook in the
     * product.
     */
    @Test
    void hardKillsAtRandomPointsLoseNothing() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (TestDynamoDb server = TestDynamoDb.server()) {
            DynamoDbTables.createPosts(server.ddb(), "posts");
            DynamoDbTables.createFollows(server.ddb(), "follows");
            Writer w = new Writer(server.ddb(), seed);
            w.prefill(400);
            Thread writer = Thread.ofPlatform().start(w);
            Path idx = dir.resolve("idx"), dlq = dir.resolve("dlq.jsonl"), cp = dir.resolve("cp");
            List<String> kills = new ArrayList<>();
            try {
                for (int round = 0; round < 3; round++) {
                    Path log = dir.resolve("child-" + round + ".log");
                    long t0 = System.nanoTime();
                    Process child = child(server.endpoint(), idx, dlq, cp, log);
                    try {
                        // round 0 dies while backfilling (or just after), later rounds while streaming under load
                        waitForLine(child, log, round == 0 ? "BACKFILLING" : "applied [1-9].*");
                        Thread.sleep(round == 0 ? rnd.nextInt(400) : rnd.nextInt(1500));
                        assertThat(child.isAlive()).as("child still running, log: " + Files.readString(log)).isTrue();
                    } finally {
                        child.destroyForcibly().waitFor(); // SIGKILL
                    }
                    List<String> lines = Files.readAllLines(log);
                    kills.add(String.format("round %d killed at %.1f s after %s", round, (System.nanoTime() - t0) / 1e9,
                            lines.isEmpty() ? "nothing" : lines.getLast()));
                }
            } finally {
                w.stop.set(true);
                writer.join();
            }
            try (Env env = new Env(dir, EmbeddedPostIndex.open(idx, GroupAnalyzers.build(mappings)), new JsonlDeadLetterStore(dlq),
                    new FileCheckpointStore(cp))) {
                DynamoDbStreamSource posts = DynamoDbStreamSource.open(server.ddb(), server.streams(), cfg("posts", Start.TRIM_HORIZON), env.checkpoints);
                DynamoDbStreamSource follows = DynamoDbStreamSource.open(server.ddb(), server.streams(), cfg("follows", Start.TRIM_HORIZON), env.checkpoints);
                DynamoDbBackfill backfill = new DynamoDbBackfill(server.ddb(), factory, env.index, env.dlq, 200);
                boolean backfilledAgain = backfill.runIfNeeded(posts).isPresent() | backfill.runIfNeeded(follows).isPresent();
                long caughtUp;
                try (StreamIndexer p = indexer(posts, env); StreamIndexer f = indexer(follows, env)) {
                    caughtUp = drain(p) + drain(f);
                }
                Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(server.ddb(), "posts"), env.index);
                System.out.printf("crash test seed %d: writer %d ops, %s; catch-up backfilled again: %s, streamed %d events; %s%n",
                        seed, w.ops.get(), kills, backfilledAgain, caughtUp, r);
                assertThat(kills).as("some child got to streaming before its kill").anyMatch(k -> k.contains("applied"));
                assertThat(r.clean()).as("seed " + seed + ": " + r).isTrue();
                for (String follower : w.followers()) {
                    assertThat(env.index.followees(follower)).as("followees of " + follower).isEqualTo(w.followees(follower));
                }
                assertThat(env.dlq.list()).isEmpty();
            }
        }
    }

    private static void waitForLine(Process child, Path log, String regex) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("child died: " + Files.readString(log)).isTrue();
            if (Files.readAllLines(log).stream().anyMatch(l -> l.matches(regex))) return;
            Thread.sleep(10);
        }
        throw new AssertionError("child printed no line like '" + regex + "' within 30 s: " + Files.readString(log));
    }

    private Process child(String endpoint, Path idx, Path dlq, Path cp, Path log) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2", "-cp", classpath,
                DynamoDbIndexerProcess.class.getName(), endpoint, "posts", "follows", idx.toString(), dlq.toString(), cp.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Puts, updates and deletes posts and follow edges with versions rising per key, like an app. */
    static final class Writer implements Runnable {
        final DynamoDbClient ddb;
        final Random rnd;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ops = new AtomicInteger();
        final Map<String, Long> postVersions = new HashMap<>(), edgeVersions = new HashMap<>();
        final Map<String, Set<String>> live = new TreeMap<>();

        Writer(DynamoDbClient ddb, long seed) {
            this.ddb = ddb;
            this.rnd = new Random(seed);
        }

        void prefill(int n) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                postVersions.put("c" + i, 1L);
                items.add(post("c" + i, "u" + (i % 10), "prefilled harbour post " + i, 1));
            }
            batchPut(ddb, "posts", items);
        }

        @Override
        public void run() {
            while (!stop.get()) {
                int op = rnd.nextInt(10);
                if (op < 7) {
                    String id = "c" + rnd.nextInt(600);
                    long v = postVersions.merge(id, 1L, Long::sum);
                    if (op == 0) ddb.deleteItem(b -> b.tableName("posts").key(Map.of("id", s(id))));
                    else ddb.putItem(b -> b.tableName("posts").item(post(id, "u" + rnd.nextInt(10), "crash test post " + id + " v" + v, v)));
                } else {
                    String a = "u" + rnd.nextInt(8), b = "u" + rnd.nextInt(10);
                    long v = edgeVersions.merge(a + ">" + b, 1L, Long::sum);
                    Set<String> mine = live.computeIfAbsent(a, k -> new TreeSet<>());
                    if (mine.contains(b) && op == 9) {
                        ddb.deleteItem(r -> r.tableName("follows").key(Map.of("follower_id", s(a), "followee_id", s(b))));
                        mine.remove(b);
                    } else {
                        ddb.putItem(r -> r.tableName("follows").item(follow(a, b, v)));
                        mine.add(b);
                    }
                }
                ops.incrementAndGet();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Set<String> followers() {
            return live.keySet();
        }

        Set<String> followees(String follower) {
            return live.getOrDefault(follower, Set.of());
        }
    }

    // ------------------------------------------------------------------ drain rate and the checkpoint table

    @Test
    void drainRate() throws Exception {
        String posts = postsTable();
        int n = 6000;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        String[] words = {"harbour", "morning", "coffee", "rain", "market", "train", "music", "garden", "river", "bread"};
        Random rnd = new Random(5);
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder("Post " + i + ":");
            for (int k = 0; k < 12; k++) text.append(' ').append(words[rnd.nextInt(words.length)]);
            items.add(post("t" + i, "u" + (i % 50), text.toString(), 1));
        }
        long w0 = System.nanoTime();
        batchPut(posts, items);
        double putRate = n / ((System.nanoTime() - w0) / 1e9);
        // the poller and mapper alone, nothing applied
        DynamoDbStreamSource alone = source(posts, new FileCheckpointStore(dir.resolve("poll-only")), Start.TRIM_HORIZON);
        long p0 = System.nanoTime();
        int polled = 0;
        for (List<SourceEvent> b; !(b = alone.poll(1000, Duration.ofMillis(50))).isEmpty(); ) polled += b.size();
        double pollRate = polled / ((System.nanoTime() - p0) / 1e9);
        assertThat(polled).isEqualTo(n);
        try (Env env = env("a")) {
            StreamIndexer si = StreamIndexer.builder().source(source(posts, env.checkpoints, Start.TRIM_HORIZON)).changes(factory)
                    .index(env.index).deadLetters(env.dlq).batchSize(1000).maxWait(Duration.ofMillis(100)).build();
            long t0 = System.nanoTime();
            si.start();
            while (si.applied() < n && si.failure() == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) Thread.sleep(5);
            double secs = (System.nanoTime() - t0) / 1e9;
            si.close();
            assertThat(si.failure()).isNull();
            assertThat(si.applied()).isEqualTo(n);
            System.out.printf("DynamoDB Local: %d items batch-written at %.0f/s; polled and mapped alone at %.0f events/s; "
                    + "stream → embedded index drained at %.0f events/s%n", n, putRate, pollRate, n / secs);
            assertThat(n / secs).isGreaterThan(500);
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index).clean()).isTrue();
        }
    }

    @Test
    void checkpointTableRoundTrips() throws Exception {
        String table = "feedsearch_checkpoints_" + tableNo.incrementAndGet();
        DynamoDbTables.createCheckpoints(local.ddb(), table);
        DynamoDbCheckpointStore store = new DynamoDbCheckpointStore(local.ddb(), table);
        assertThat(store.load("dynamodb:posts")).isEmpty();
        store.save("dynamodb:posts", Map.of("shardId-1", "000000000000000000042", "shardId-0", "SHARD_END"));
        store.save("dynamodb:follows", Map.of("shardId-9", "TRIM_HORIZON"));
        store.save("dynamodb:posts", Map.of("shardId-1", "000000000000000000043"));
        assertThat(store.load("dynamodb:posts")).isEqualTo(Map.of("shardId-1", "000000000000000000043"));
        assertThat(store.load("dynamodb:follows")).isEqualTo(Map.of("shardId-9", "TRIM_HORIZON"));

        // and a source resumes from it like from the file store
        String posts = postsTable();
        for (int i = 0; i < 5; i++) put(posts, post("k" + i, "u1", "checkpointed in a table " + i, 1));
        try (Env env = env("a")) {
            try (StreamIndexer si = indexer(source(posts, store, Start.TRIM_HORIZON), env)) {
                assertThat(drain(si)).isEqualTo(5);
            }
            put(posts, post("k9", "u1", "one more", 1));
            try (StreamIndexer si = indexer(source(posts, store, Start.TRIM_HORIZON), env)) {
                assertThat(drain(si)).isEqualTo(1);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    record Env(Path dir, EmbeddedPostIndex index, JsonlDeadLetterStore dlq, FileCheckpointStore checkpoints) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            try (index; dlq) {
                // both closed
            }
        }
    }

    Env env(String name) throws Exception {
        Path d = dir.resolve(name);
        return new Env(d, EmbeddedPostIndex.open(d.resolve("idx"), GroupAnalyzers.build(mappings)),
                new JsonlDeadLetterStore(d.resolve("dlq.jsonl")), new FileCheckpointStore(d.resolve("cp")));
    }

    /** No periodic re-listing within a test: children must be found because their parent ended. */
    static DynamoDbStreamConfig cfg(String table, Start start) {
        return new DynamoDbStreamConfig(table, start, Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    static DynamoDbStreamSource source(String table, CheckpointStore cp, Start start) throws Exception {
        return DynamoDbStreamSource.open(local.ddb(), local.streams(), cfg(table, start), cp);
    }

    static StreamIndexer indexer(ChangeSource s, Env env) {
        return StreamIndexer.builder().source(s).changes(factory).index(env.index).deadLetters(env.dlq).batchSize(100)
                .maxWait(Duration.ofMillis(30)).build();
    }

    /** Polls and applies until a poll comes back empty; returns the events handled. */
    static int drain(StreamIndexer si) throws Exception {
        int total = 0, n;
        while ((n = si.drainOnce()) > 0) total += n;
        return total;
    }

    static String postsTable() {
        String t = "posts_" + tableNo.incrementAndGet();
        DynamoDbTables.createPosts(local.ddb(), t);
        return t;
    }

    static String followsTable() {
        String t = "follows_" + tableNo.incrementAndGet();
        DynamoDbTables.createFollows(local.ddb(), t);
        return t;
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static Map<String, AttributeValue> post(String id, String author, String text, long version) {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        o.put("id", id).put("author_id", author).put("text", text).put("created_at", "2026-11-01T12:00:00Z")
                .put("visibility", "public").put("likes", 0).put("version", version);
        o.putArray("tags").add("waterfront"); // a tag none of these texts writes: a one-word search matches tags too
        return ItemMapper.toItem(o);
    }

    static Map<String, AttributeValue> follow(String follower, String followee, long version) {
        return follow(follower, followee, null, version);
    }

    static Map<String, AttributeValue> follow(String follower, String followee, String relation, long version) {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        o.put("follower_id", follower).put("followee_id", followee).put("created_at", "2026-11-01T12:00:00Z").put("version", version);
        if (relation != null) o.put("relation", relation);
        return ItemMapper.toItem(o);
    }

    static void put(String table, Map<String, AttributeValue> item) {
        local.ddb().putItem(b -> b.tableName(table).item(item));
    }

    /** {@code n} posts {@code <prefix>0..n-1} at version 2, by 20 authors, written in batches. */
    static void seedPosts(String table, String prefix, int n, String text) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) items.add(post(prefix + i, "u" + (i % 20), text + i, 2));
        batchPut(table, items);
    }

    static void batchPut(String table, List<Map<String, AttributeValue>> items) {
        batchPut(local.ddb(), table, items);
    }

    static void batchPut(DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<WriteRequest> reqs = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                reqs.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, reqs);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> p = pending;
                pending = ddb.batchWriteItem(b -> b.requestItems(p)).unprocessedItems();
            }
        }
    }

    static List<String> search(PostIndex index, String q) throws Exception {
        return index.search(SearchQuery.builder().text(q).sort(SortOrder.RECENT).limit(50).build()).hits().stream()
                .map(h -> h.post().post().id()).toList();
    }

    /** Every post the index remembers: id → version, with "x" for a tombstone. */
    static Map<String, String> snapshot(PostIndex index) throws Exception {
        Map<String, String> m = new TreeMap<>();
        index.forEachPostVersion((id, version, deleted) -> m.put(id, version + (deleted ? "x" : "")));
        return m;
    }

    /** Passes a source through, remembering every event it handed out, in order. */
    static final class Recording implements ChangeSource {
        final ChangeSource in;
        final List<SourceEvent> seen = Collections.synchronizedList(new ArrayList<>());

        Recording(ChangeSource in) {
            this.in = in;
        }

        @Override public String name() { return in.name(); }

        @Override
        public List<SourceEvent> poll(int maxEvents, Duration maxWait) throws Exception {
            List<SourceEvent> r = in.poll(maxEvents, maxWait);
            seen.addAll(r);
            return r;
        }

        @Override public void checkpoint(List<SourceEvent> applied) throws Exception { in.checkpoint(applied); }

        @Override public void close() throws Exception { in.close(); }
    }

    /** Hands out a fixed list of events in batches of random size. */
    static final class ListSource implements ChangeSource {
        final List<SourceEvent> events;
        final Random rnd;
        int next;

        ListSource(List<SourceEvent> events, Random rnd) {
            this.events = events;
            this.rnd = rnd;
        }

        @Override public String name() { return "list"; }

        @Override
        public List<SourceEvent> poll(int maxEvents, Duration maxWait) {
            int n = Math.min(events.size() - next, 1 + rnd.nextInt(Math.min(maxEvents, 40)));
            List<SourceEvent> r = List.copyOf(events.subList(next, next + n));
            next += n;
            return r;
        }

        @Override public void checkpoint(List<SourceEvent> applied) { }

        @Override public void close() { }
    }
}
