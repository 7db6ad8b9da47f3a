package dev.feedsearch.indexer.postgres;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.indexer.stream.SupervisedStream;
import dev.feedsearch.mappings.Mappings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL source against a real server: streaming, replay, backfill, dead letters, hard kills. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresLogicalSourceTest {
    static TestPostgres pg;
    static Mappings mappings;
    static ChangeFactory factory;

    @TempDir Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = TestPostgres.start();
        mappings = Mappings.load();
        factory = new ChangeFactory(new ScriptFirstDetector(), mappings);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) pg.close();
    }

    EmbeddedPostIndex openIndex(String name) throws Exception {
        return EmbeddedPostIndex.open(dir.resolve(name), GroupAnalyzers.build(mappings));
    }

    static StreamIndexer indexer(PostgresLogicalSource src, EmbeddedPostIndex index, JsonlDeadLetterStore dlq) {
        return StreamIndexer.builder().source(src).changes(factory).index(index).deadLetters(dlq)
                .batchSize(500).maxWait(Duration.ofMillis(50)).build();
    }

    /** drainOnce until {@code done} holds; fails after 20 s. */
    static void drainUntil(StreamIndexer si, Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.call()) {
            assertThat(System.nanoTime()).as("timed out draining the slot").isLessThan(deadline);
            si.drainOnce();
        }
    }

    static void sql(PostgresConfig cfg, String... statements) throws SQLException {
        try (Connection c = TestPostgres.connect(cfg); Statement s = c.createStatement()) {
            for (String st : statements) s.execute(st);
        }
    }

    static String insertPost(String id, String author, String text, String extra) {
        return "INSERT INTO posts (id, author_id, text, created_at, visibility" + (extra.isEmpty() ? "" : ", " + extra.split("=")[0])
                + ") VALUES ('" + id + "', '" + author + "', '" + text.replace("'", "''") + "', '2026-11-01 12:00:00+00', 'public'"
                + (extra.isEmpty() ? "" : ", " + extra.split("=", 2)[1]) + ")";
    }

    static Set<String> dbFollowees(PostgresConfig cfg, String follower) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = TestPostgres.connect(cfg); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT followee_id FROM follows WHERE follower_id = '" + follower + "'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static Reconciler.Report reconcile(PostgresConfig cfg, EmbeddedPostIndex index) throws Exception {
        try (Connection c = TestPostgres.connect(cfg)) {
            return Reconciler.compare(PostgresSchema.postRows(c, cfg), index);
        }
    }

    static String noise(Random r, int chars) {
        StringBuilder sb = new StringBuilder("harbour ");
        while (sb.length() < chars) {
            for (int i = 0, n = 3 + r.nextInt(7); i < n; i++) sb.append((char) ('a' + r.nextInt(26)));
            sb.append(' ');
        }
        return sb.substring(0, chars);
    }

    /**
     * The server ends the replication connection (pg_terminate_backend on the slot's walsender: what a failover
     * or an operator does). The stream stops on the error; its supervisor opens it again from the slot, and
     * the changes written while it was down arrive.
     */
    @Test
    void aReplicationConnectionEndedByTheServerIsOpenedAgainAndLosesNothing() throws Exception {
        PostgresConfig cfg = pg.newDatabase("cut");
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
             SupervisedStream stream = SupervisedStream.builder().name("postgres:cut")
                     .minBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1))
                     .opener(() -> indexer(PostgresLogicalSource.open(cfg), index, dlq).start()).start()) {
            sql(cfg, insertPost("a1", "u1", "Before the cut the harbour was calm", ""),
                    insertPost("a2", "u2", "The ferries left on time this morning", ""));
            waitFor(() -> index.get("a2", null).isPresent());

            try (Connection c = TestPostgres.connect(cfg); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                         + cfg.slot() + "' AND active_pid IS NOT NULL")) {
                assertThat(rs.next() && rs.getBoolean(1)).as("the slot's walsender was ended").isTrue();
            }
            sql(cfg, insertPost("a3", "u3", "After the cut the harbour was busy", ""),
                    "UPDATE posts SET text = 'Before the cut the harbour was calm, then the storm' WHERE id = 'a1'",
                    "DELETE FROM posts WHERE id = 'a2'");
            waitFor(() -> index.get("a3", null).isPresent() && index.get("a2", null).isEmpty());

            assertThat(stream.restarts()).as("the stream was opened again").isGreaterThanOrEqualTo(1);
            assertThat(stream.problem()).isNull();
            assertThat(index.get("a1", null).orElseThrow().post().text()).endsWith("then the storm");
            assertThat(reconcile(cfg, index).clean()).isTrue();
            assertThat(dlq.list()).isEmpty();
        }
    }

    @Test
    void aReplicationConnectionTheNetworkSilentlyDroppedIsNoticedAndOpenedAgain() throws Exception {
        PostgresConfig direct = pg.newDatabase("silent");
        java.util.regex.Matcher url = java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)(.*)").matcher(direct.jdbcUrl());
        assertThat(url.matches()).as(direct.jdbcUrl()).isTrue();
        // the server ends a walsender that hears nothing for 2 s (its default, 60 s, would make this test slow)
        sql(direct, "ALTER DATABASE " + url.group(3) + " SET wal_sender_timeout = '2s'");
        try (CuttableTcpRelay relay = new CuttableTcpRelay(url.group(1), Integer.parseInt(url.group(2)))) {
            PostgresConfig viaRelay = new PostgresConfig("jdbc:postgresql://127.0.0.1:" + relay.port() + "/" + url.group(3) + url.group(4),
                    direct.user(), direct.password(), direct.slot(), direct.publication(), direct.postsTable(), direct.followsTable());
            try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                 SupervisedStream stream = SupervisedStream.builder().name("postgres:silent")
                         .minBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1))
                         .opener(() -> indexer(PostgresLogicalSource.open(viaRelay, Duration.ofSeconds(1)), index, dlq).start()).start()) {
                sql(direct, insertPost("s1", "u1", "Before the silence the harbour was loud", ""));
                waitFor(() -> index.get("s1", null).isPresent());

                relay.cutExisting(); // no reset, no error: the replication connection just goes quiet
                sql(direct, insertPost("s2", "u2", "During the silence a ferry came in", ""),
                        "UPDATE posts SET text = 'Before the silence the harbour was loud, then quiet' WHERE id = 's1'");
                waitFor(() -> index.get("s2", null).isPresent());

                assertThat(stream.restarts()).as("the stream was opened again").isGreaterThanOrEqualTo(1);
                assertThat(index.get("s1", null).orElseThrow().post().text()).endsWith("then quiet");
                assertThat(reconcile(direct, index).clean()).isTrue();
                assertThat(dlq.list()).isEmpty();
            }
        }
    }

    static void waitFor(Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.call()) {
            assertThat(System.nanoTime()).as("timed out waiting for the stream").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void insertsUpdatesAndDeletesOfPostsAndFollowsReachTheIndex() throws Exception {
        PostgresConfig cfg = pg.newDatabase("stream");
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
             PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            String longText = noise(new Random(7), 9_000); // TOASTed out of line: an UPDATE that leaves it alone omits it
            sql(cfg, "ALTER TABLE posts ALTER COLUMN text SET STORAGE EXTERNAL",
                    insertPost("p1", "u1", "Good morning from the harbour, the ferries are late again", "tags='{tokyo,\"Night Life\"}'"),
                    insertPost("p2", "u2", "東京の朝はとても静かです", "mentions='{u1}'"),
                    insertPost("p3", "u3", longText, ""),
                    "INSERT INTO follows (follower_id, followee_id) VALUES ('u9', 'u1'), ('u9', 'u2')");
            drainUntil(si, () -> index.get("p3", null).isPresent() && index.followees("u9").size() == 2);

            IndexedPost p1 = index.get("p1", null).orElseThrow();
            assertThat(p1.post().tags()).containsExactly("tokyo", "Night Life");
            assertThat(p1.post().createdAt()).hasToString("2026-11-01T12:00:00Z");
            assertThat(p1.lang()).isEqualTo("en");
            assertThat(index.get("p2", null).orElseThrow().lang()).isEqualTo("ja");
            assertThat(index.get("p2", null).orElseThrow().post().mentions()).containsExactly("u1");
            long v1 = index.versionOf("p1");

            sql(cfg, "UPDATE posts SET text = 'Evening at the harbour: the ferries finally came' WHERE id = 'p1'",
                    "UPDATE posts SET likes = 5 WHERE id = 'p3'",          // text not in the WAL's new row
                    "DELETE FROM posts WHERE id = 'p2'",
                    "UPDATE posts SET id = 'p4' WHERE id = 'p1'",          // a key change removes the old key
                    "DELETE FROM follows WHERE follower_id = 'u9' AND followee_id = 'u1'");
            drainUntil(si, () -> index.get("p4", null).isPresent() && index.followees("u9").size() == 1);

            assertThat(index.get("p1", null)).isEmpty();
            assertThat(index.get("p2", null)).isEmpty();
            IndexedPost p4 = index.get("p4", null).orElseThrow();
            assertThat(p4.post().text()).startsWith("Evening at the harbour");
            assertThat(index.versionOf("p4")).isGreaterThan(v1); // the trigger bumped the version
            IndexedPost p3 = index.get("p3", null).orElseThrow();
            assertThat(p3.post().likes()).isEqualTo(5);
            assertThat(p3.post().text()).isEqualTo(longText);
            assertThat(index.followees("u9")).containsExactly("u2");
            assertThat(index.search(SearchQuery.builder().text("ferries").limit(10).build()).hits())
                    .extracting(h -> h.post().post().id()).containsExactly("p4");
            assertThat(dlq.list()).isEmpty();
            assertThat(reconcile(cfg, index).clean()).isTrue();
        }
    }

    @Test
    void unacknowledgedTransactionsAreReplayedWholeAndAreNoOps() throws Exception {
        PostgresConfig cfg = pg.newDatabase("replay");
        try (EmbeddedPostIndex index = openIndex("idx")) {
            PostgresLogicalSource.open(cfg).close(); // creates the slot: changes from here on are streamed
            sql(cfg, "BEGIN",
                    insertPost("a1", "u1", "First light over the bay", ""),
                    insertPost("a2", "u1", "Second coffee of the morning", ""),
                    "COMMIT",
                    "UPDATE posts SET likes = 3 WHERE id = 'a1'",
                    "DELETE FROM posts WHERE id = 'a2'",
                    "INSERT INTO follows (follower_id, followee_id) VALUES ('u5', 'u1')");

            // read and apply everything, but crash before acknowledging: all of it comes again
            List<SourceEvent> first;
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                first = pollAll(src, 5);
                index.apply(changes(first));
                index.commit();
            }
            assertThat(first).hasSize(5);
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                List<SourceEvent> again = pollAll(src, 5);
                assertThat(again).extracting(SourceEvent::position).containsExactlyElementsOf(
                        first.stream().map(SourceEvent::position).toList());
                assertThat(index.apply(changes(again)).stale()).isEqualTo(5); // every replayed change is a no-op
                index.commit();
                src.checkpoint(again);
                assertThat(src.acknowledgedLsn()).isPositive();
            }
            assertThat(reconcile(cfg, index).clean()).isTrue();
            assertThat(index.get("a1", null).orElseThrow().post().likes()).isEqualTo(3);
            assertThat(index.followees("u5")).containsExactly("u1");

            // acknowledged: a restart skips it all and starts with what is new
            sql(cfg, insertPost("a3", "u2", "Third post, after the restart", ""));
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                List<SourceEvent> after = pollAll(src, 1);
                assertThat(after).singleElement().satisfies(e -> assertThat(e.record().get("id").asText()).isEqualTo("a3"));
                assertThat(src.poll(100, Duration.ofMillis(300))).isEmpty();
            }
        }
    }

    static List<SourceEvent> pollAll(PostgresLogicalSource src, int expected) throws Exception {
        List<SourceEvent> all = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (all.size() < expected && System.nanoTime() < deadline) all.addAll(src.poll(2, Duration.ofMillis(100)));
        return all;
    }

    static List<IndexChange> changes(List<SourceEvent> events) throws InvalidRecordException {
        List<IndexChange> out = new ArrayList<>();
        for (SourceEvent e : events) out.add(factory.fromJson(e.record()));
        return out;
    }

    @Test
    void malformedRowsAreDeadLetteredWithTheirLsnAndTheRowsAroundThemAreIndexed() throws Exception {
        PostgresConfig cfg = pg.newDatabase("bad");
        // a database whose schema lacks the CHECK: the indexer's validation is the last line
        sql(cfg, "ALTER TABLE posts DROP CONSTRAINT posts_visibility_check");
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
             PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            sql(cfg, "BEGIN",
                    insertPost("g1", "u1", "Morning swim before work", ""),
                    insertPost("b1", "u1", "x".repeat(10_001), ""),
                    "INSERT INTO posts (id, author_id, text, visibility) VALUES ('b2', 'u1', 'secret plans', 'secret')",
                    insertPost("b3", "u1", "   ", ""),
                    insertPost("g2", "u1", "Evening run along the river", ""),
                    "COMMIT",
                    "TRUNCATE follows",
                    insertPost("g3", "u2", "After the truncate, the stream moves on", ""));
            drainUntil(si, () -> index.get("g3", null).isPresent());

            assertThat(index.get("g1", null)).isPresent();
            assertThat(index.get("g2", null)).isPresent();
            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::field).containsExactly("text", "visibility", "text", null);
            assertThat(dead).allSatisfy(e -> {
                assertThat(e.source()).isEqualTo("postgres:bad");
                assertThat(e.position()).matches("bad@[0-9A-F]+/[0-9A-F]+");
            });
            assertThat(dead.get(0).reason()).contains("longer than 10000");
            assertThat(dead.get(1).replayable()).contains("\"visibility\":\"secret\""); // raw and record are one here: stored once
            assertThat(dead.get(3).reason()).contains("TRUNCATE");
            assertThat(dead.get(3).raw()).contains("\"table\":\"public.follows\"");
            // one WAL record each, in WAL order
            assertThat(dead.stream().map(DeadLetterEntry::position).distinct()).hasSize(4);

            // REPLICA IDENTITY FULL removed under a running indexer: what it can no longer map is dead-lettered
            sql(cfg, "ALTER TABLE posts ALTER COLUMN text SET STORAGE EXTERNAL", // long texts out of line, uncompressed
                    insertPost("l1", "u3", "A long post about the harbour. ".repeat(200), ""),
                    "ALTER TABLE posts REPLICA IDENTITY DEFAULT",
                    "UPDATE posts SET likes = 9 WHERE id = 'l1'", // the WAL's new row omits the untouched long text
                    "DELETE FROM posts WHERE id = 'g1'",          // the WAL has the key, not the version
                    insertPost("g4", "u2", "Still moving", ""));
            drainUntil(si, () -> index.get("g4", null).isPresent());
            List<DeadLetterEntry> more = dlq.list().subList(4, dlq.list().size());
            assertThat(more).extracting(DeadLetterEntry::reason).satisfiesExactly(
                    r -> assertThat(r).contains("column text is an unchanged TOASTed value", "REPLICA IDENTITY FULL"),
                    r -> assertThat(r).contains("old row has no version", "REPLICA IDENTITY FULL"));
            assertThat(index.get("l1", null)).isPresent();
            assertThat(index.get("g1", null)).as("the delete is in the dead-letter store, not applied").isPresent();
        }
    }

    /**
     * Poison that passes the database: likes of 2^62, a created_at at PostgreSQL's own limit (year 294276), and, once
     * the table keeps created_at as text, the year +292278995 that overflowed toEpochMilli in the engine and stopped the
     * stream for good. Each is dead-lettered naming its field, the rows after it are indexed, and the slot is
     * acknowledged past it.
     */
    @Test
    void poisonRowsAreDeadLetteredTheRowsAfterThemIndexedAndTheSlotMovesOn() throws Exception {
        PostgresConfig cfg = pg.newDatabase("poison");
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
             PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            String insert = "INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES ";
            sql(cfg, insertPost("g1", "u1", "Morning swim before work", ""),
                    insertPost("l1", "u1", "Liked beyond belief", "likes=4611686018427387904"),
                    insert + "('y1', 'u1', 'Written at the end of time', 'public', '294276-01-01 00:00:00+00')",
                    "ALTER TABLE posts ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN created_at TYPE text USING created_at::text",
                    insert + "('y2', 'u1', 'Written even later', 'public', '+292278995-01-01T00:00:00Z')",
                    insertPost("g2", "u2", "Evening run along the river", ""));
            drainUntil(si, () -> index.get("g2", null).isPresent());

            assertThat(index.get("g1", null)).isPresent();
            assertThat(index.get("l1", null)).isEmpty();
            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::field).containsExactly("likes", "created_at", "created_at");
            assertThat(dead.get(0).reason()).contains("at most 2^53");
            assertThat(dead.get(1).reason()).contains("years 1970 to 2200", "+294276-01-01T00:00:00Z");
            assertThat(dead.get(2).reason()).contains("years 1970 to 2200", "+292278995");
            String lastPoison = dead.getLast().position().split("@")[1];
            waitFor(() -> {
                try (Connection c = TestPostgres.connect(cfg); Statement st = c.createStatement();
                     var rs = st.executeQuery("SELECT confirmed_flush_lsn > '" + lastPoison + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                             + cfg.slot() + "'")) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
        }
    }

    @Test
    void refusesTablesWithoutReplicaIdentityFull() throws Exception {
        PostgresConfig cfg = pg.newDatabase("identity");
        sql(cfg, "ALTER TABLE follows REPLICA IDENTITY DEFAULT");
        assertThatThrownBy(() -> PostgresLogicalSource.open(cfg))
                .hasMessageContaining("ALTER TABLE public.follows REPLICA IDENTITY FULL");
    }

    @Test
    void backfillWithConcurrentWritesThenStreamingReconcilesClean() throws Exception {
        PostgresConfig cfg = pg.newDatabase("backfill");
        sql(cfg, "INSERT INTO posts (id, author_id, text, created_at, tags) SELECT 'p' || i, 'u' || (i % 50), "
                        + "'Post number ' || i || ' about the harbour, the ferries and the morning tide', "
                        + "timestamptz '2026-11-01 00:00:00+00' + i * interval '1 second', ARRAY['t' || (i % 7)] "
                        + "FROM generate_series(0, 2999) i",
                "INSERT INTO follows (follower_id, followee_id) SELECT 'u' || i, 'u' || ((i * 7 + 1) % 50) FROM generate_series(0, 49) i");
        AtomicBoolean stop = new AtomicBoolean();
        Writer writer = new Writer(cfg, 3_000, 50, new Random(42));
        Thread w = Thread.ofPlatform().start(() -> writer.run(stop));
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            var checkpoints = new FileCheckpointStore(dir.resolve("checkpoints"));
            Thread.sleep(100);
            long before = writer.ops.get();
            Optional<IngestReport> report = new PostgresBackfill(cfg, factory, index, dlq, 500).runIfNeeded(checkpoints);
            assertThat(report).isPresent();
            assertThat(writer.ops.get() - before).as("writes during the backfill").isPositive();
            assertThat(new PostgresBackfill(cfg, factory, index, dlq, 500).runIfNeeded(checkpoints)).as("done once").isEmpty();
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                StreamIndexer si = indexer(src, index, dlq);
                for (int i = 0; i < 10; i++) si.drainOnce();
                stop.set(true);
                w.join();
                sql(cfg, insertPost("fence", "u0", "The last post of the test", ""));
                drainUntil(si, () -> index.get("fence", null).isPresent());
            }
            Reconciler.Report r = reconcile(cfg, index);
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.sourceRows()).isGreaterThan(1_000);
            assertThat(writer.failure).isNull();
            System.out.printf("backfill %s; writer: %d transactions; %s%n", report.get(), writer.ops.get(), r);
            for (int u = 0; u < 50; u++) assertThat(index.followees("u" + u)).isEqualTo(dbFollowees(cfg, "u" + u));
            assertThat(dlq.list()).isEmpty();
        }
    }

    /**
     * Measures events/s from PostgreSQL into the embedded index through the real pipeline (StreamIndexer
     * threads, language detection, Lucene commit per batch), and the source alone (decode + map). A
     * multilingual mix of inserts, then updates and deletes of some of them.
     */
    @Test
    void throughputFromPostgresIntoTheEmbeddedIndex() throws Exception {
        PostgresConfig cfg = pg.newDatabase("speed");
        int n = 20_000;
        String texts = "ARRAY['Good morning from the harbour, the ferries are running late again today',"
                + "'Guten Morgen aus dem Hafen, die Fähren haben heute wieder Verspätung',"
                + "'Bonjour du port, les ferries sont encore en retard aujourd''hui',"
                + "'港からおはよう、今日もフェリーが遅れています',"
                + "'항구에서 좋은 아침, 오늘도 페리가 늦네요',"
                + "'Buenos días desde el puerto, los ferris vuelven a llegar tarde hoy']";
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            PostgresLogicalSource.open(cfg).close();
            for (int from = 0; from < n; from += 2_000) {
                sql(cfg, "INSERT INTO posts (id, author_id, text, tags) SELECT 's' || i, 'u' || (i % 500), (" + texts
                        + ")[1 + i % 6] || ' #' || i, ARRAY['t' || (i % 10)] FROM generate_series(" + from + ", " + (from + 1_999) + ") i");
            }
            sql(cfg, "UPDATE posts SET likes = likes + 1 WHERE id LIKE 's%0'", "DELETE FROM posts WHERE id LIKE 's%5'",
                    insertPost("fence", "u0", "The last post of the benchmark", ""));
            int events = n + n / 10 + n / 10 + 1;

            long t0 = System.nanoTime();
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                assertThat(pollAll(src, events)).hasSize(events);
            }
            double sourceOnly = events / ((System.nanoTime() - t0) / 1e9);

            t0 = System.nanoTime();
            StreamIndexer si = StreamIndexer.builder().source(PostgresLogicalSource.open(cfg)).changes(factory)
                    .index(index).deadLetters(dlq).batchSize(2_000).maxWait(Duration.ofMillis(200)).build().start();
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (index.get("fence", null).isEmpty()) {
                    assertThat(si.failure()).isNull();
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(5);
                }
            } finally {
                si.close();
            }
            double endToEnd = events / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("PostgreSQL throughput: %d events, source alone %.0f events/s, into the embedded index %.0f events/s%n",
                    events, sourceOnly, endToEnd);
            assertThat(reconcile(cfg, index).clean()).isTrue();
        }
    }

    /**
     * Crash safety with real hard kills: the indexer runs in a child JVM (backfill, then StreamIndexer)
     * while a writer inserts, updates and deletes; the child is SIGKILLed at random points (no close, no
     * drain, no acknowledgement, the Lucene writer dies mid-batch), restarted, killed again; finally an
     * indexer catches up and every row of the database matches the index. A child JVM rather than an
     * in-process hook: the kill then also covers the index writer's uncommitted state, the file lock and
     * the server noticing a dead replication connection, with no test-only code in the product.
     */
    @Test
    void hardKilledIndexerRestartsCatchesUpAndReconcilesClean() throws Exception {
        PostgresConfig cfg = pg.newDatabase("crash");
        sql(cfg, "INSERT INTO posts (id, author_id, text) SELECT 'p' || i, 'u' || (i % 40), "
                        + "'Crash test post ' || i || ' about the harbour and the ferries' FROM generate_series(0, 1999) i",
                "INSERT INTO follows (follower_id, followee_id) SELECT 'u' || i, 'u' || ((i * 3 + 1) % 40) FROM generate_series(0, 39) i");
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        AtomicBoolean stop = new AtomicBoolean();
        Writer writer = new Writer(cfg, 2_500, 40, new Random(seed + 1));
        writer.pauseMillis = 1; // a steady app, not a flood: the backlog each restart replays stays small
        Thread w = Thread.ofPlatform().start(() -> writer.run(stop));
        Path idx = dir.resolve("idx"), dlqFile = dir.resolve("dlq.jsonl"), checkpoints = dir.resolve("checkpoints");
        List<String> kills = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        try {
            for (int round = 0; round < 5; round++) {
                Path log = dir.resolve("child-" + round + ".log");
                Process child = child(cfg, idx, dlqFile, checkpoints, log);
                children.add(child);
                // even rounds die anywhere (starting, mid-backfill, first batches), odd ones mid-stream
                boolean anywhere = round % 2 == 0;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!anywhere && !java.nio.file.Files.readString(log).matches("(?s).*applied [1-9].*")) {
                    assertThat(child.isAlive()).as("child died by itself: " + java.nio.file.Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("child never applied anything").isLessThan(deadline);
                    Thread.sleep(10);
                }
                Thread.sleep(anywhere ? 300 + rnd.nextInt(2_500) : rnd.nextInt(800));
                assertThat(child.isAlive()).as("child died by itself: " + java.nio.file.Files.readString(log)).isTrue();
                child.destroyForcibly().waitFor(); // SIGKILL
                String last = java.nio.file.Files.readAllLines(log).stream()
                        .filter(l -> l.startsWith("applied") || l.equals("BACKFILLED") || l.equals("STREAMING"))
                        .reduce((a, b) -> b).orElse("startup (or mid-backfill)");
                kills.add("round " + round + ": killed after " + last);
            }
        } finally {
            children.forEach(Process::destroyForcibly);
            stop.set(true);
            w.join();
        }
        assertThat(writer.failure).isNull();
        sql(cfg, insertPost("fence", "u0", "The last post of the crash test", ""));
        long catchUp = System.nanoTime();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(idx, GroupAnalyzers.build(mappings));
             var dlq = new JsonlDeadLetterStore(dlqFile)) {
            new PostgresBackfill(cfg, factory, index, dlq, 500).runIfNeeded(new FileCheckpointStore(checkpoints));
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                StreamIndexer si = indexer(src, index, dlq);
                drainUntil(si, () -> index.get("fence", null).isPresent());
            }
            Reconciler.Report r = reconcile(cfg, index);
            System.out.printf("crash test seed %d, writer %d transactions, %s, caught up in %d ms; %s%n", seed, writer.ops.get(),
                    kills, (System.nanoTime() - catchUp) / 1_000_000, r);
            assertThat(r.clean()).as("seed " + seed + ": " + r).isTrue();
            for (int u = 0; u < 40; u++) assertThat(index.followees("u" + u)).as("followees of u" + u).isEqualTo(dbFollowees(cfg, "u" + u));
            assertThat(dlq.list()).isEmpty();
        }
    }

    private static Process child(PostgresConfig cfg, Path idx, Path dlq, Path checkpoints, Path log) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2", "-cp", cp,
                PostgresIndexerProcess.class.getName(), cfg.jdbcUrl(), cfg.slot(), idx.toString(), dlq.toString(),
                checkpoints.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void aDroppedSlotIsRecreatedAndTheNewBackfillRemovesPostsAndFollowsDeletedWhileNoSlotExisted() throws Exception {
        PostgresConfig cfg = pg.newDatabase("lost");
        sql(cfg, "INSERT INTO posts (id, author_id, text) SELECT 'p' || i, 'u1', 'Lost slot post ' || i || ' at the harbour' "
                + "FROM generate_series(0, 99) i",
                "INSERT INTO follows (follower_id, followee_id) VALUES ('u1', 'u2'), ('u1', 'u3'), ('u1', 'u4'), ('u5', 'u1')");
        try (EmbeddedPostIndex index = openIndex("idx"); var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            var checkpoints = new FileCheckpointStore(dir.resolve("checkpoints"));
            PostgresBackfill backfill = new PostgresBackfill(cfg, factory, index, dlq, 500);
            assertThat(backfill.runIfNeeded(checkpoints)).isPresent();
            try (Connection c = TestPostgres.connect(cfg)) {
                assertThat(PostgresSchema.dropSlot(c, cfg.slot())).isTrue(); // an operator dropped it
            }
            // changes no slot recorded
            assertThat(index.followees("u1")).containsExactlyInAnyOrder("u2", "u3", "u4");
            sql(cfg, "DELETE FROM posts WHERE id IN ('p1', 'p2')", "UPDATE posts SET text = 'Edited while unwatched' WHERE id = 'p3'",
                    "DELETE FROM follows WHERE (follower_id, followee_id) IN (('u1', 'u3'), ('u5', 'u1'))");
            IngestReport again = backfill.runIfNeeded(checkpoints).orElseThrow();
            assertThat(again.deletes()).isEqualTo(4); // two posts, two follows
            assertThat(index.get("p1", null)).isEmpty();
            assertThat(index.followees("u1")).containsExactlyInAnyOrder("u2", "u4");
            assertThat(index.followees("u5")).isEmpty();
            assertThat(index.get("p3", null).orElseThrow().post().text()).isEqualTo("Edited while unwatched");
            assertThat(reconcile(cfg, index).clean()).isTrue();
        }
    }

    /**
     * Random inserts, updates and deletes of posts and follows in small transactions, as an app would
     * write: versions from the sequence (column default and the update trigger).
     */
    static final class Writer {
        final PostgresConfig cfg;
        final int posts, users;
        final Random r;
        final AtomicLong ops = new AtomicLong();
        volatile Throwable failure;
        int pauseMillis;

        Writer(PostgresConfig cfg, int posts, int users, Random r) {
            this.cfg = cfg;
            this.posts = posts;
            this.users = users;
            this.r = r;
        }

        void run(AtomicBoolean stop) {
            try (Connection c = TestPostgres.connect(cfg); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                while (!stop.get()) {
                    for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) s.execute(next());
                    c.commit();
                    ops.incrementAndGet();
                    if (pauseMillis > 0) Thread.sleep(pauseMillis);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        String next() {
            String id = "p" + r.nextInt(posts), u = "u" + r.nextInt(users), v = "u" + r.nextInt(users);
            return switch (r.nextInt(6)) {
                case 0, 1 -> "INSERT INTO posts (id, author_id, text) VALUES ('" + id + "', '" + u + "', 'Rewritten " + r.nextInt()
                        + " at the harbour in the rain') ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text, "
                        + "version = nextval('feedsearch_version_seq')";
                case 2 -> "UPDATE posts SET likes = likes + 1 WHERE id = '" + id + "'";
                case 3 -> "DELETE FROM posts WHERE id = '" + id + "'";
                case 4 -> "INSERT INTO follows (follower_id, followee_id) VALUES ('" + u + "', '" + v + "') ON CONFLICT DO NOTHING";
                default -> "DELETE FROM follows WHERE follower_id = '" + u + "' AND followee_id = '" + v + "'";
            };
        }
    }
}
