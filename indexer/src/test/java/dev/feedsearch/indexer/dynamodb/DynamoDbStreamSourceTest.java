package dev.feedsearch.indexer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeSourceContract;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterStore;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig.Start;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import dev.feedsearch.indexer.stream.StreamIndexer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB Streams source against a real DynamoDB Local 3.3.1 in this JVM: the {@link ChangeSourceContract}
 * (writes, replay, dead letters, backfill, hard kills) plus what is DynamoDB's own (mutes, shard rollovers, expired
 * iterators and trimmed positions, idle polling, lag, segmented and throttled scans, the checkpoint table). Each
 * test gets a fresh instance (~20 ms once warm): Local's writes slow down as stream records pile up across tables.
 * The hard-kill test runs Local as an HTTP server instead, so that the child JVM reaches the same tables.
 */
@SuppressWarnings("try") // StreamIndexer.close() declares Exception
class DynamoDbStreamSourceTest extends ChangeSourceContract {
    static TestDynamoDb local;
    static final AtomicInteger tableNo = new AtomicInteger();

    @BeforeEach
    void startDynamoDb() {
        local = TestDynamoDb.embedded();
    }

    @AfterEach
    void stopDynamoDb() throws Exception {
        if (local != null) local.close();
        local = null;
    }

    // ------------------------------------------------------------------ the contract's hooks

    @Override
    protected Store openStore(boolean reachableFromOtherProcesses) {
        if (!reachableFromOtherProcesses) return new Tables(local, false, postsTable(), followsTable());
        TestDynamoDb server = TestDynamoDb.server();
        DynamoDbTables.createPosts(server.ddb(), "posts");
        DynamoDbTables.createFollows(server.ddb(), "follows");
        return new Tables(server, true, "posts", "follows");
    }

    /**
     * A posts and a follows table, one stream each. Versions come from one counter, as an app that stamps every write
     * with a rising version; an in-place update (like) is an UpdateItem as an app's like button does.
     */
    static final class Tables implements Store {
        final TestDynamoDb db;
        final boolean owned;
        final String posts, follows;
        final AtomicLong clock = new AtomicLong();

        Tables(TestDynamoDb db, boolean owned, String posts, String follows) {
            this.db = db;
            this.owned = owned;
            this.posts = posts;
            this.follows = follows;
        }

        @Override
        public void seed(int n, int users) {
            List<Map<String, AttributeValue>> items = new ArrayList<>(n), edges = new ArrayList<>(users);
            for (int i = 0; i < n; i++)
                items.add(post(
                        "p" + i,
                        "u" + (i % users),
                        "Seeded post number " + i + " about the harbour",
                        clock.incrementAndGet()));
            for (int i = 0; i < users; i++)
                edges.add(follow("u" + i, "u" + ((7 * i + 1) % users), clock.incrementAndGet()));
            batchPut(db.ddb(), posts, items);
            batchPut(db.ddb(), follows, edges);
        }

        @Override
        public Session session() {
            DynamoDbClient ddb = db.ddb();
            return new Session() {
                @Override
                public void putPost(String id, String author, String text) {
                    ddb.putItem(b -> b.tableName(posts).item(post(id, author, text, clock.incrementAndGet())));
                }

                @Override
                public void likePost(String id) {
                    try {
                        ddb.updateItem(b -> b.tableName(posts)
                                .key(Map.of("id", s(id)))
                                .conditionExpression("attribute_exists(id)")
                                .updateExpression("SET likes = likes + :one, version = :v")
                                .expressionAttributeValues(Map.of(
                                        ":one",
                                        AttributeValue.fromN("1"),
                                        ":v",
                                        AttributeValue.fromN(Long.toString(clock.incrementAndGet())))));
                    } catch (ConditionalCheckFailedException absent) {
                        // no such post: nothing to like
                    }
                }

                @Override
                public void deletePost(String id) {
                    ddb.deleteItem(b -> b.tableName(posts).key(Map.of("id", s(id))));
                }

                @Override
                public void follow(String follower, String followee) {
                    ddb.putItem(b -> b.tableName(follows)
                            .item(DynamoDbStreamSourceTest.follow(follower, followee, clock.incrementAndGet())));
                }

                @Override
                public void unfollow(String follower, String followee) {
                    ddb.deleteItem(b ->
                            b.tableName(follows).key(Map.of("follower_id", s(follower), "followee_id", s(followee))));
                }

                @Override
                public BadRecord putBadPost(String id) {
                    Map<String, AttributeValue> item = new HashMap<>(post(id, "u1", "x", clock.incrementAndGet()));
                    item.put("text", AttributeValue.fromN("42"));
                    ddb.putItem(b -> b.tableName(posts).item(item));
                    return new BadRecord("text", "text must be a string");
                }

                @Override
                public void commit() {
                    // every write stands alone
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public List<ChangeSource> openSources(CheckpointStore checkpoints) throws Exception {
            return List.of(
                    open(posts, checkpoints, Start.TRIM_HORIZON), open(follows, checkpoints, Start.TRIM_HORIZON));
        }

        private DynamoDbStreamSource open(String table, CheckpointStore checkpoints, Start start) throws Exception {
            return DynamoDbStreamSource.open(db.ddb(), db.streams(), cfg(table, start), checkpoints);
        }

        /**
         * Sources opened at LATEST on purpose (without the pin taken before the scan, writes during the scan would be
         * lost), three parallel Scan segments with pages applied as they come; both tables' reports summed.
         */
        @Override
        public Optional<IngestReport> backfillIfNeeded(
                PostIndex index, DeadLetterStore dlq, CheckpointStore checkpoints) throws Exception {
            DynamoDbBackfill backfill = new DynamoDbBackfill(db.ddb(), factory, index, dlq, 100, 3);
            try (DynamoDbStreamSource p = open(posts, checkpoints, Start.LATEST);
                    DynamoDbStreamSource f = open(follows, checkpoints, Start.LATEST)) {
                Optional<IngestReport> a = backfill.runIfNeeded(p), b = backfill.runIfNeeded(f);
                if (a.isEmpty() && b.isEmpty()) return Optional.empty();
                IngestReport x = a.orElse(new IngestReport(0, 0, 0, 0, 0, 0, 0)),
                        y = b.orElse(new IngestReport(0, 0, 0, 0, 0, 0, 0));
                return Optional.of(new IngestReport(
                        x.lines() + y.lines(),
                        x.posts() + y.posts(),
                        x.follows() + y.follows(),
                        x.deletes() + y.deletes(),
                        x.stale() + y.stale(),
                        x.deadLettered() + y.deadLettered(),
                        x.blank() + y.blank()));
            }
        }

        /** A position past the stream's 24 h retention is as good as none: what a fresh checkpoint store has. */
        @Override
        public void loseStreamPosition(CheckpointStore checkpoints) throws Exception {
            checkpoints.save(cfg(posts, Start.LATEST).sourceName(), Map.of());
            checkpoints.save(cfg(follows, Start.LATEST).sourceName(), Map.of());
        }

        @Override
        public Process startIndexerProcess(Path index, Path deadLetters, Path checkpoints, Path log) throws Exception {
            if (!owned) throw new IllegalStateException("a child JVM cannot reach an embedded DynamoDB Local");
            return childJvm(
                    DynamoDbIndexerProcess.class,
                    log,
                    db.endpoint(),
                    posts,
                    follows,
                    index.toString(),
                    deadLetters.toString(),
                    checkpoints.toString());
        }

        @Override
        public Reconciler.Report reconcile(PostIndex index) throws Exception {
            return Reconciler.compare(DynamoDbBackfill.postRows(db.ddb(), posts), index);
        }

        @Override
        public Set<String> followees(String follower) {
            Set<String> out = new TreeSet<>();
            db.ddb()
                    .queryPaginator(b -> b.tableName(follows)
                            .consistentRead(true)
                            .keyConditionExpression("follower_id = :f")
                            .expressionAttributeValues(Map.of(":f", s(follower))))
                    .items()
                    .forEach(item -> {
                        AttributeValue relation = item.get("relation");
                        if (relation == null || !"mute".equals(relation.s()))
                            out.add(item.get("followee_id").s());
                    });
            return out;
        }

        @Override
        public String deadLetterPosition() {
            return "shardId-[^@]+@\\d{21}";
        }

        @Override
        public void close() {
            if (owned) db.close();
        }
    }

    // ------------------------------------------------------------------ mutes

    /** A mute is a follows item with relation=mute: hidden, not followed; a follow turned mute on the same item is two changes. */
    @Test
    void mutesUnmutesAndAFollowTurnedMuteReachTheIndex() throws Exception {
        String posts = postsTable(), follows = followsTable();
        put(posts, post("p1", "u1", "Morning coffee by the harbour", 1));
        put(follows, follow("u9", "u1", 1));
        put(follows, follow("u9", "u3", "mute", 1));
        put(follows, follow("u9", "u4", 1));
        try (Env env = env("a");
                StreamIndexer p = indexer(source(posts, env.checkpoints(), Start.TRIM_HORIZON), env);
                StreamIndexer f = indexer(source(follows, env.checkpoints(), Start.TRIM_HORIZON), env)) {
            assertThat(drain(p)).isEqualTo(1);
            assertThat(drain(f)).isEqualTo(3);
            assertThat(env.index().followees("u9")).containsExactlyInAnyOrder("u1", "u4");
            assertThat(env.index().hiddenAuthors("u9")).containsExactly("u3");

            local.ddb()
                    .deleteItem(b -> b.tableName(follows)
                            .key(Map.of("follower_id", s("u9"), "followee_id", s("u3")))); // un-mute
            put(follows, follow("u9", "u4", "mute", 2)); // follow → mute on the same item: two changes in the index
            assertThat(drain(f))
                    .as("the un-mute, and the follow turned mute as two events")
                    .isEqualTo(3);
            assertThat(env.index().followees("u9")).containsExactly("u1");
            assertThat(env.index().hiddenAuthors("u9")).containsExactly("u4");
            assertThat(env.dlq().list()).isEmpty();
        }
    }

    @Test
    void lagIsZeroOnceCaughtUpAndCountsOnlyWhileRecordsArePending() throws Exception {
        // DynamoDB Local rounds record times to the minute: the age of the newest record read 20-60 s on a stream
        // fresh within a second, and never fell on a quiet one. Lag is now what the indexer knows.
        String posts = postsTable();
        try (Env env = env("lag");
                StreamIndexer si = indexer(source(posts, env.checkpoints(), Start.TRIM_HORIZON), env)) {
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

    // ------------------------------------------------------------------ shard rollover

    @Test
    void shardRolloversMidStreamLoseNothingAndParentsAreReadBeforeChildren() throws Exception {
        String posts = postsTable();
        Random rnd = new Random(11);
        Map<String, Long> versions = new HashMap<>();
        int writes = 0;
        try (Env env = env("a")) {
            DynamoDbStreamSource src = source(posts, env.checkpoints(), Start.TRIM_HORIZON);
            Recording rec = new Recording(src);
            try (StreamIndexer si = StreamIndexer.builder()
                    .source(rec)
                    .changes(factory)
                    .index(env.index())
                    .deadLetters(env.dlq())
                    .batchSize(15)
                    .maxWait(Duration.ofMillis(30))
                    .build()) {
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
            assertThat(seen.stream()
                            .map(e -> e.partition() + "@" + e.position())
                            .distinct())
                    .hasSize(writes);

            Map<String, String> parents = new HashMap<>();
            List<Shard> shards = local.streams()
                    .describeStream(b -> b.streamArn(src.streamArn()))
                    .streamDescription()
                    .shards();
            shards.forEach(sh -> parents.put(sh.shardId(), sh.parentShardId()));
            assertThat(shards.size()).isGreaterThanOrEqualTo(8);
            Map<String, Integer> first = new HashMap<>(), last = new HashMap<>();
            Map<String, String> lastSeq = new HashMap<>();
            for (int i = 0; i < seen.size(); i++) {
                SourceEvent e = seen.get(i);
                first.putIfAbsent(e.partition(), i);
                last.put(e.partition(), i);
                String prev = lastSeq.put(e.partition(), e.position());
                if (prev != null)
                    assertThat(e.position())
                            .as("order inside shard " + e.partition())
                            .isGreaterThan(prev);
            }
            assertThat(first.keySet().size()).isGreaterThanOrEqualTo(6);
            for (String child : first.keySet()) {
                for (String p = parents.get(child); p != null; p = parents.get(p)) {
                    if (last.containsKey(p))
                        assertThat(last.get(p))
                                .as(p + " read before its descendant " + child)
                                .isLessThan(first.get(child));
                }
            }
            Map<String, String> saved = env.checkpoints().load(src.name());
            for (Shard sh : shards) {
                if (sh.sequenceNumberRange().endingSequenceNumber() != null) {
                    assertThat(saved.get(sh.shardId()))
                            .as("closed shard " + sh.shardId())
                            .isEqualTo(DynamoDbStreamSource.SHARD_END);
                }
            }
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index())
                            .clean())
                    .isTrue();
        }
    }

    // ------------------------------------------------------------------ idle polling, expired and trimmed positions

    @Test
    void anIdleStreamIsPolledGentlyNotSpun() throws Exception {
        String posts = postsTable();
        put(posts, post("i1", "u1", "the only post", 1));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        DynamoDbStreamsClient counting = (DynamoDbStreamsClient) Proxy.newProxyInstance(
                DynamoDbStreamsClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbStreamsClient.class},
                (proxy, m, args) -> {
                    calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return m.invoke(local.streams(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DynamoDbStreamSource src = DynamoDbStreamSource.open(
                local.ddb(),
                counting,
                new DynamoDbStreamConfig(posts, Start.TRIM_HORIZON, Duration.ofMillis(100), Duration.ofMinutes(10)),
                new FileCheckpointStore(dir.resolve("cp")));
        assertThat(src.poll(100, Duration.ofSeconds(1))).hasSize(1);
        calls.clear();
        long t0 = System.nanoTime();
        assertThat(src.poll(100, Duration.ofSeconds(1))).isEmpty();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("waited out maxWait").isBetween(950L, 2500L);
        assertThat(calls.get("getRecords").get())
                .as("GetRecords calls in 1 s idle, 100 ms backoff")
                .isBetween(5, 12);
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
            Recording rec = new Recording(source(posts, env.checkpoints(), Start.TRIM_HORIZON));
            try (StreamIndexer si = StreamIndexer.builder()
                    .source(rec)
                    .changes(factory)
                    .index(env.index())
                    .deadLetters(env.dlq())
                    .batchSize(4)
                    .maxWait(Duration.ofMillis(30))
                    .build()) {
                assertThat(si.drainOnce()).isEqualTo(4);
                Path old = Files.createDirectories(dir.resolve("old-cp"));
                try (var files = Files.list(env.dir().resolve("cp"))) {
                    for (Path f : files.toList()) Files.copy(f, old.resolve(f.getFileName()));
                }
                assertThat(new FileCheckpointStore(old).load("dynamodb:" + posts))
                        .containsValue(rec.seen.get(3).position());
                local.advanceClock(Duration.ofMinutes(16)); // the reader's iterator is now expired
                assertThat(drain(si)).isEqualTo(6);
                assertThat(rec.seen.stream().map(SourceEvent::position).distinct())
                        .hasSize(10);

                // an indexer that stopped 25 h ago: its position is past the stream's retention
                local.advanceClock(Duration.ofHours(25));
                for (int i = 10; i < 13; i++) put(posts, post("e" + i, "u1", "after a long outage " + i, 1));
                DynamoDbStreamSource lateSrc = source(posts, new FileCheckpointStore(old), Start.TRIM_HORIZON);
                try (StreamIndexer late = indexer(lateSrc, env)) {
                    assertThat(drain(late)).isEqualTo(3);
                    assertThat(late.failure()).isNull();
                }
                // the trimmed shard was given up (its lost records are a reconcile/backfill matter), its child read
                assertThat(lateSrc.positions())
                        .containsEntry(rec.seen.getFirst().partition(), DynamoDbStreamSource.SHARD_END);
            }
            assertThat(search(env.index(), "outage")).containsExactlyInAnyOrder("e10", "e11", "e12");
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index())
                            .clean())
                    .isTrue();
        }
    }

    // ------------------------------------------------------------------ restart

    @Test
    void restartResumesFromTheCheckpointWithoutRereading() throws Exception {
        String posts = postsTable();
        try (Env env = env("a")) {
            for (int i = 0; i < 30; i++) put(posts, post("s" + i, "u1", "first batch harbour " + i, 1));
            Recording first = new Recording(source(posts, env.checkpoints(), Start.TRIM_HORIZON));
            try (StreamIndexer si = indexer(first, env)) {
                assertThat(drain(si)).isEqualTo(30);
            }
            for (int i = 0; i < 20; i++) put(posts, post("s" + i, "u1", "second version harbour " + i, 2));
            local.rollover();
            for (int i = 30; i < 35; i++) put(posts, post("s" + i, "u1", "after the rollover " + i, 1));
            for (int i = 0; i < 5; i++) {
                int k = i;
                local.ddb().deleteItem(b -> b.tableName(posts).key(Map.of("id", s("s" + k))));
            }

            Recording second = new Recording(
                    source(posts, new FileCheckpointStore(env.dir().resolve("cp")), Start.TRIM_HORIZON));
            try (StreamIndexer si = indexer(second, env)) {
                assertThat(drain(si)).isEqualTo(30);
            }
            Set<String> firstPositions = new HashSet<>();
            first.seen.forEach(e -> firstPositions.add(e.partition() + "@" + e.position()));
            assertThat(second.seen).noneMatch(e -> firstPositions.contains(e.partition() + "@" + e.position()));
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index())
                            .clean())
                    .isTrue();

            // LATEST with no checkpoint: only what is written from now on
            Recording latest =
                    new Recording(source(posts, new FileCheckpointStore(dir.resolve("latest-cp")), Start.LATEST));
            try (StreamIndexer si = indexer(latest, env)) {
                assertThat(drain(si)).isZero();
                put(posts, post("s99", "u1", "written after the LATEST start", 1));
                assertThat(drain(si)).isEqualTo(1);
            }
            assertThat(latest.seen)
                    .extracting(e -> e.record().get("id").asText())
                    .containsExactly("s99");
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
        try (Env env = env("a");
                StreamIndexer si = indexer(source(posts, env.checkpoints(), Start.TRIM_HORIZON), env)) {
            assertThat(drain(si)).isEqualTo(8);
            assertThat(search(env.index(), "harbour")).containsExactlyInAnyOrder("g1", "g2");
            List<DeadLetterEntry> dead = env.dlq().list();
            assertThat(dead)
                    .extracting(DeadLetterEntry::field)
                    .containsExactly("text", "version", "text", null, "version", "version");
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
            DynamoDbStreamSource src = source(posts, env.checkpoints(), Start.TRIM_HORIZON);
            var report = new DynamoDbBackfill(local.ddb(), factory, env.index(), env.dlq(), 50, 4).run(src);
            assertThat(report.lines())
                    .as("four segments cover the table without overlap")
                    .isEqualTo(1000);
            assertThat(report.posts()).isEqualTo(1000);
            Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index());
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
        public software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(
                software.amazon.awssdk.services.dynamodb.model.ScanRequest r) {
            if (Integer.valueOf(1).equals(r.segment()) && throttles.getAndDecrement() > 0) {
                refused.incrementAndGet();
                throw software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
                        .message("The level of configured provisioned throughput for the table was exceeded (injected)")
                        .build();
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
        public void close() {}
    }

    @Test
    void aThrottledScanSegmentWaitsAndGoesOnInsteadOfFailingTheBackfill() throws Exception {
        String posts = postsTable();
        seedPosts(posts, "t", 600, "throttled harbour post number ");
        try (Env env = env("throttle")) {
            ThrottlingScans ddb = new ThrottlingScans(local.ddb(), 3);
            DynamoDbStreamSource src = source(posts, env.checkpoints(), Start.TRIM_HORIZON);
            var report = new DynamoDbBackfill(ddb, factory, env.index(), env.dlq(), 50, 3).run(src);
            src.close();
            assertThat(ddb.refused.get())
                    .as("pages refused and asked for again")
                    .isEqualTo(3);
            assertThat(report.lines()).isEqualTo(600);
            Reconciler.Report r = Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index());
            assertThat(r.clean()).as(r.toString()).isTrue();
        }
    }

    /** The contract's backfill-after-a-lost-position, for what only DynamoDB has: a mute the table no longer holds. */
    @Test
    void aBackfillAgainRemovesAMuteTheTableNoLongerHolds() throws Exception {
        String follows = followsTable();
        put(follows, follow("u1", "u2", 1));
        put(follows, follow("u1", "u4", "mute", 1));
        try (Env env = env("again")) {
            DynamoDbBackfill backfill = new DynamoDbBackfill(local.ddb(), factory, env.index(), env.dlq(), 50);
            try (DynamoDbStreamSource f = source(follows, env.checkpoints(), Start.TRIM_HORIZON)) {
                backfill.run(f);
            }
            assertThat(env.index().hiddenAuthors("u1")).containsExactly("u4");

            // deleted while no stream was read (say, past its retention): only a new scan can tell
            local.ddb()
                    .deleteItem(b -> b.tableName(follows).key(Map.of("follower_id", s("u1"), "followee_id", s("u4"))));
            try (DynamoDbStreamSource f =
                    source(follows, new FileCheckpointStore(env.dir().resolve("cp-again")), Start.LATEST)) {
                assertThat(backfill.run(f).deletes()).as("the mute").isEqualTo(1);
            }
            assertThat(env.index().hiddenAuthors("u1")).isEmpty();
            assertThat(env.index().followees("u1")).containsExactly("u2");
        }
    }

    // ------------------------------------------------------------------ drain rate and the checkpoint table

    @Test
    void drainRate() throws Exception {
        String posts = postsTable();
        int n = 6000;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        String[] words = {"harbour", "morning", "coffee", "rain", "market", "train", "music", "garden", "river", "bread"
        };
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
        DynamoDbStreamSource alone =
                source(posts, new FileCheckpointStore(dir.resolve("poll-only")), Start.TRIM_HORIZON);
        long p0 = System.nanoTime();
        int polled = 0;
        for (List<SourceEvent> b; !(b = alone.poll(1000, Duration.ofMillis(50))).isEmpty(); ) polled += b.size();
        double pollRate = polled / ((System.nanoTime() - p0) / 1e9);
        assertThat(polled).isEqualTo(n);
        try (Env env = env("a")) {
            StreamIndexer si = StreamIndexer.builder()
                    .source(source(posts, env.checkpoints(), Start.TRIM_HORIZON))
                    .changes(factory)
                    .index(env.index())
                    .deadLetters(env.dlq())
                    .batchSize(1000)
                    .maxWait(Duration.ofMillis(100))
                    .build();
            long t0 = System.nanoTime();
            si.start();
            while (si.applied() < n && si.failure() == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60))
                Thread.sleep(5);
            double secs = (System.nanoTime() - t0) / 1e9;
            si.close();
            assertThat(si.failure()).isNull();
            assertThat(si.applied()).isEqualTo(n);
            System.out.printf(
                    "DynamoDB Local: %d items batch-written at %.0f/s; polled and mapped alone at %.0f events/s; "
                            + "stream → embedded index drained at %.0f events/s%n",
                    n, putRate, pollRate, n / secs);
            assertThat(n / secs).isGreaterThan(500);
            assertThat(Reconciler.compare(DynamoDbBackfill.postRows(local.ddb(), posts), env.index())
                            .clean())
                    .isTrue();
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

    /** No periodic re-listing within a test: children must be found because their parent ended. */
    static DynamoDbStreamConfig cfg(String table, Start start) {
        return new DynamoDbStreamConfig(table, start, Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    static DynamoDbStreamSource source(String table, CheckpointStore cp, Start start) throws Exception {
        return DynamoDbStreamSource.open(local.ddb(), local.streams(), cfg(table, start), cp);
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
        o.put("id", id)
                .put("author_id", author)
                .put("text", text)
                .put("created_at", "2026-11-01T12:00:00Z")
                .put("visibility", "public")
                .put("likes", 0)
                .put("version", version);
        o.putArray("tags").add("waterfront"); // a tag none of these texts writes: a one-word search matches tags too
        return ItemMapper.toItem(o);
    }

    static Map<String, AttributeValue> follow(String follower, String followee, long version) {
        return follow(follower, followee, null, version);
    }

    static Map<String, AttributeValue> follow(String follower, String followee, String relation, long version) {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        o.put("follower_id", follower)
                .put("followee_id", followee)
                .put("created_at", "2026-11-01T12:00:00Z")
                .put("version", version);
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
                reqs.add(WriteRequest.builder()
                        .putRequest(PutRequest.builder().item(item).build())
                        .build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, reqs);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> p = pending;
                pending = ddb.batchWriteItem(b -> b.requestItems(p)).unprocessedItems();
            }
        }
    }
}
