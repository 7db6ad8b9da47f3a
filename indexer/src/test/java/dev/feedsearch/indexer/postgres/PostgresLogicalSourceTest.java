package dev.feedsearch.indexer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.indexer.ChangeSourceContract;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterStore;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.indexer.stream.SupervisedStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PostgreSQL source against a real server: the {@link ChangeSourceContract} (writes, replay, dead letters,
 * backfill, hard kills) plus what is PostgreSQL's own (TOAST, arrays and key changes in the WAL, replication
 * connections ended or silently dropped, REPLICA IDENTITY, poison values, throughput).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresLogicalSourceTest extends ChangeSourceContract {
    static TestPostgres pg;
    static final AtomicInteger databases = new AtomicInteger();

    @BeforeAll
    static void startPostgres() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) pg.close();
    }

    EmbeddedPostIndex openIndex(String name) throws Exception {
        return EmbeddedPostIndex.open(dir.resolve(name), GroupAnalyzers.build(mappings));
    }

    static StreamIndexer indexer(PostgresLogicalSource src, EmbeddedPostIndex index, JsonlDeadLetterStore dlq) {
        return StreamIndexer.builder()
                .source(src)
                .changes(factory)
                .index(index)
                .deadLetters(dlq)
                .batchSize(500)
                .maxWait(Duration.ofMillis(50))
                .build();
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
        try (Connection c = TestPostgres.connect(cfg);
                Statement s = c.createStatement()) {
            for (String st : statements) s.execute(st);
        }
    }

    static String insertPost(String id, String author, String text, String extra) {
        return "INSERT INTO posts (id, author_id, text, created_at, visibility"
                + (extra.isEmpty() ? "" : ", " + extra.split("=")[0])
                + ") VALUES ('" + id + "', '" + author + "', '" + text.replace("'", "''")
                + "', '2026-11-01 12:00:00+00', 'public'"
                + (extra.isEmpty() ? "" : ", " + extra.split("=", 2)[1]) + ")";
    }

    static Set<String> dbFollowees(PostgresConfig cfg, String follower) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = TestPostgres.connect(cfg);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT followee_id FROM follows WHERE follower_id = '" + follower + "'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static Reconciler.Report reconcile(PostgresConfig cfg, PostIndex index) throws Exception {
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

    // ------------------------------------------------------------------ the contract's hooks

    @Override
    protected Store openStore(boolean reachableFromOtherProcesses) throws SQLException {
        return new Database(
                pg.newDatabase("contract" + databases.incrementAndGet())); // a server: child JVMs reach it too
    }

    /** A database of its own with the shipped schema; its slot, named for it, is created by the first source or backfill. */
    record Database(PostgresConfig cfg) implements Store {
        @Override
        public void seed(int posts, int users) throws SQLException {
            sql(
                    cfg,
                    "INSERT INTO posts (id, author_id, text, created_at, tags) SELECT 'p' || i, 'u' || (i % " + users
                            + "), "
                            + "'Seeded post number ' || i || ' about the harbour, the ferries and the morning tide', "
                            + "timestamptz '2026-11-01 00:00:00+00' + i * interval '1 second', ARRAY['t' || (i % 7)] "
                            + "FROM generate_series(0, " + (posts - 1) + ") i",
                    "INSERT INTO follows (follower_id, followee_id) SELECT 'u' || i, 'u' || ((i * 7 + 1) % " + users
                            + ") " + "FROM generate_series(0, " + (users - 1) + ") i");
        }

        /** One connection, autocommit off: the writes up to {@link Session#commit} are one transaction. Versions: the sequence and the trigger. */
        @Override
        public Session session() throws SQLException {
            Connection c = TestPostgres.connect(cfg);
            c.setAutoCommit(false);
            return new Session() {
                void run(String sql, String... args) throws SQLException {
                    try (PreparedStatement st = c.prepareStatement(sql)) {
                        for (int i = 0; i < args.length; i++) st.setString(i + 1, args[i]);
                        st.executeUpdate();
                    }
                }

                @Override
                public void putPost(String id, String author, String text) throws SQLException {
                    run(
                            "INSERT INTO posts (id, author_id, text) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET author_id = EXCLUDED.author_id, "
                                    + "text = EXCLUDED.text, version = nextval('feedsearch_version_seq')",
                            id,
                            author,
                            text);
                }

                @Override
                public void likePost(String id) throws SQLException {
                    run("UPDATE posts SET likes = likes + 1 WHERE id = ?", id);
                }

                @Override
                public void deletePost(String id) throws SQLException {
                    run("DELETE FROM posts WHERE id = ?", id);
                }

                @Override
                public void follow(String follower, String followee) throws SQLException {
                    run(
                            "INSERT INTO follows (follower_id, followee_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                            follower,
                            followee);
                }

                @Override
                public void unfollow(String follower, String followee) throws SQLException {
                    run("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", follower, followee);
                }

                @Override
                public BadRecord putBadPost(String id) throws SQLException {
                    putPost(id, "u1", "x".repeat(10_001)); // the table has no length limit; the ingest contract has
                    return new BadRecord("text", "longer than 10000");
                }

                @Override
                public void commit() throws SQLException {
                    c.commit();
                }

                @Override
                public void close() throws SQLException {
                    c.close();
                }
            };
        }

        @Override
        public List<ChangeSource> openSources(CheckpointStore checkpoints) throws Exception {
            return List.of(PostgresLogicalSource.open(cfg)); // the slot holds the position, acknowledged upstream
        }

        @Override
        public Optional<IngestReport> backfillIfNeeded(
                PostIndex index, DeadLetterStore dlq, CheckpointStore checkpoints) throws Exception {
            return new PostgresBackfill(cfg, factory, index, dlq, 500).runIfNeeded(checkpoints);
        }

        /** An operator drops the slot. */
        @Override
        public void loseStreamPosition(CheckpointStore checkpoints) throws SQLException {
            try (Connection c = TestPostgres.connect(cfg)) {
                assertThat(PostgresSchema.dropSlot(c, cfg.slot()))
                        .as("slot " + cfg.slot() + " dropped")
                        .isTrue();
            }
        }

        @Override
        public Process startIndexerProcess(Path index, Path deadLetters, Path checkpoints, Path log) throws Exception {
            return childJvm(
                    PostgresIndexerProcess.class,
                    log,
                    cfg.jdbcUrl(),
                    cfg.slot(),
                    index.toString(),
                    deadLetters.toString(),
                    checkpoints.toString());
        }

        @Override
        public Reconciler.Report reconcile(PostIndex index) throws Exception {
            return PostgresLogicalSourceTest.reconcile(cfg, index);
        }

        @Override
        public Set<String> followees(String follower) throws SQLException {
            return dbFollowees(cfg, follower);
        }

        @Override
        public String deadLetterPosition() {
            return Pattern.quote(cfg.slot()) + "@[0-9A-F]+/[0-9A-F]+";
        }

        @Override
        public void close() {
            // the database stays until the server stops: the next test makes its own
        }
    }
    /**
     * The server ends the replication connection (pg_terminate_backend on the slot's walsender: what a failover
     * or an operator does). The stream stops on the error; its supervisor opens it again from the slot, and
     * the changes written while it was down arrive.
     */
    @Test
    void aReplicationConnectionEndedByTheServerIsOpenedAgainAndLosesNothing() throws Exception {
        PostgresConfig cfg = pg.newDatabase("cut");
        try (EmbeddedPostIndex index = openIndex("idx");
                var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                SupervisedStream stream = SupervisedStream.builder()
                        .name("postgres:cut")
                        .minBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofSeconds(1))
                        .opener(() -> indexer(PostgresLogicalSource.open(cfg), index, dlq)
                                .start())
                        .start()) {
            sql(
                    cfg,
                    insertPost("a1", "u1", "Before the cut the harbour was calm", ""),
                    insertPost("a2", "u2", "The ferries left on time this morning", ""));
            waitFor(() -> index.get("a2", null).isPresent());

            try (Connection c = TestPostgres.connect(cfg);
                    Statement st = c.createStatement();
                    var rs = st.executeQuery(
                            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                                    + cfg.slot() + "' AND active_pid IS NOT NULL")) {
                assertThat(rs.next() && rs.getBoolean(1))
                        .as("the slot's walsender was ended")
                        .isTrue();
            }
            sql(
                    cfg,
                    insertPost("a3", "u3", "After the cut the harbour was busy", ""),
                    "UPDATE posts SET text = 'Before the cut the harbour was calm, then the storm' WHERE id = 'a1'",
                    "DELETE FROM posts WHERE id = 'a2'");
            waitFor(() ->
                    index.get("a3", null).isPresent() && index.get("a2", null).isEmpty());

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
        java.util.regex.Matcher url = java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)(.*)")
                .matcher(direct.jdbcUrl());
        assertThat(url.matches()).as(direct.jdbcUrl()).isTrue();
        // the server ends a walsender that hears nothing for 2 s (its default, 60 s, would make this test slow)
        sql(direct, "ALTER DATABASE " + url.group(3) + " SET wal_sender_timeout = '2s'");
        try (CuttableTcpRelay relay = new CuttableTcpRelay(url.group(1), Integer.parseInt(url.group(2)))) {
            PostgresConfig viaRelay = new PostgresConfig(
                    "jdbc:postgresql://127.0.0.1:" + relay.port() + "/" + url.group(3) + url.group(4),
                    direct.user(),
                    direct.password(),
                    direct.slot(),
                    direct.publication(),
                    direct.postsTable(),
                    direct.followsTable());
            try (EmbeddedPostIndex index = openIndex("idx");
                    var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                    SupervisedStream stream = SupervisedStream.builder()
                            .name("postgres:silent")
                            .minBackoff(Duration.ofMillis(100))
                            .maxBackoff(Duration.ofSeconds(1))
                            .opener(() -> indexer(
                                            PostgresLogicalSource.open(viaRelay, Duration.ofSeconds(1)), index, dlq)
                                    .start())
                            .start()) {
                sql(direct, insertPost("s1", "u1", "Before the silence the harbour was loud", ""));
                waitFor(() -> index.get("s1", null).isPresent());

                relay.cutExisting(); // no reset, no error: the replication connection just goes quiet
                sql(
                        direct,
                        insertPost("s2", "u2", "During the silence a ferry came in", ""),
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

    /**
     * What the WAL carries that only PostgreSQL has, beyond the contract's writes: array columns and timestamps, a
     * TOASTed text that an UPDATE leaving it alone omits from the new row, a key change, the trigger's version.
     */
    @Test
    void toastedTextArrayColumnsAndKeyChangesMapFromTheWal() throws Exception {
        PostgresConfig cfg = pg.newDatabase("stream");
        try (EmbeddedPostIndex index = openIndex("idx");
                var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            String longText =
                    noise(new Random(7), 9_000); // TOASTed out of line: an UPDATE that leaves it alone omits it
            sql(
                    cfg,
                    "ALTER TABLE posts ALTER COLUMN text SET STORAGE EXTERNAL",
                    insertPost(
                            "p1",
                            "u1",
                            "Good morning from the harbour, the ferries are late again",
                            "tags='{tokyo,\"Night Life\"}'"),
                    insertPost("p2", "u2", "東京の朝はとても静かです", "mentions='{u1}'"),
                    insertPost("p3", "u3", longText, ""));
            drainUntil(si, () -> index.get("p3", null).isPresent());

            IndexedPost p1 = index.get("p1", null).orElseThrow();
            assertThat(p1.post().tags()).containsExactly("tokyo", "Night Life");
            assertThat(p1.post().createdAt()).hasToString("2026-11-01T12:00:00Z");
            assertThat(index.get("p2", null).orElseThrow().post().mentions()).containsExactly("u1");
            long v1 = index.versionOf("p1");

            sql(
                    cfg,
                    "UPDATE posts SET text = 'Evening at the harbour: the ferries finally came' WHERE id = 'p1'",
                    "UPDATE posts SET likes = 5 WHERE id = 'p3'", // text not in the WAL's new row
                    "UPDATE posts SET id = 'p4' WHERE id = 'p1'"); // a key change removes the old key
            drainUntil(si, () -> index.get("p4", null).isPresent());

            assertThat(index.get("p1", null)).isEmpty();
            IndexedPost p4 = index.get("p4", null).orElseThrow();
            assertThat(p4.post().text()).startsWith("Evening at the harbour");
            assertThat(index.versionOf("p4")).isGreaterThan(v1); // the trigger bumped the version
            IndexedPost p3 = index.get("p3", null).orElseThrow();
            assertThat(p3.post().likes()).isEqualTo(5);
            assertThat(p3.post().text()).isEqualTo(longText);
            assertThat(index.search(SearchQuery.builder()
                                    .text("ferries")
                                    .limit(10)
                                    .build())
                            .hits())
                    .extracting(h -> h.post().post().id())
                    .containsExactly("p4");
            assertThat(dlq.list()).isEmpty();
            assertThat(reconcile(cfg, index).clean()).isTrue();
        }
    }

    static List<SourceEvent> pollAll(PostgresLogicalSource src, int expected) throws Exception {
        List<SourceEvent> all = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (all.size() < expected && System.nanoTime() < deadline) all.addAll(src.poll(2, Duration.ofMillis(100)));
        return all;
    }

    @Test
    void malformedRowsAreDeadLetteredWithTheirLsnAndTheRowsAroundThemAreIndexed() throws Exception {
        PostgresConfig cfg = pg.newDatabase("bad");
        // a database whose schema lacks the CHECK: the indexer's validation is the last line
        sql(cfg, "ALTER TABLE posts DROP CONSTRAINT posts_visibility_check");
        try (EmbeddedPostIndex index = openIndex("idx");
                var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            sql(
                    cfg,
                    "BEGIN",
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
            assertThat(dead.get(1).replayable())
                    .contains("\"visibility\":\"secret\""); // raw and record are one here: stored once
            assertThat(dead.get(3).reason()).contains("TRUNCATE");
            assertThat(dead.get(3).raw()).contains("\"table\":\"public.follows\"");
            // one WAL record each, in WAL order
            assertThat(dead.stream().map(DeadLetterEntry::position).distinct()).hasSize(4);

            // REPLICA IDENTITY FULL removed under a running indexer: what it can no longer map is dead-lettered
            sql(
                    cfg,
                    "ALTER TABLE posts ALTER COLUMN text SET STORAGE EXTERNAL", // long texts out of line, uncompressed
                    insertPost("l1", "u3", "A long post about the harbour. ".repeat(200), ""),
                    "ALTER TABLE posts REPLICA IDENTITY DEFAULT",
                    "UPDATE posts SET likes = 9 WHERE id = 'l1'", // the WAL's new row omits the untouched long text
                    "DELETE FROM posts WHERE id = 'g1'", // the WAL has the key, not the version
                    insertPost("g4", "u2", "Still moving", ""));
            drainUntil(si, () -> index.get("g4", null).isPresent());
            List<DeadLetterEntry> more = dlq.list().subList(4, dlq.list().size());
            assertThat(more)
                    .extracting(DeadLetterEntry::reason)
                    .satisfiesExactly(
                            r -> assertThat(r)
                                    .contains("column text is an unchanged TOASTed value", "REPLICA IDENTITY FULL"),
                            r -> assertThat(r).contains("old row has no version", "REPLICA IDENTITY FULL"));
            assertThat(index.get("l1", null)).isPresent();
            assertThat(index.get("g1", null))
                    .as("the delete is in the dead-letter store, not applied")
                    .isPresent();
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
        try (EmbeddedPostIndex index = openIndex("idx");
                var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
            StreamIndexer si = indexer(src, index, dlq);
            String insert = "INSERT INTO posts (id, author_id, text, visibility, created_at) VALUES ";
            sql(
                    cfg,
                    insertPost("g1", "u1", "Morning swim before work", ""),
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
            assertThat(src.acknowledgedLsn()).as("acknowledged upstream").isPositive();
            String lastPoison = dead.getLast().position().split("@")[1];
            waitFor(() -> {
                try (Connection c = TestPostgres.connect(cfg);
                        Statement st = c.createStatement();
                        var rs = st.executeQuery("SELECT confirmed_flush_lsn > '" + lastPoison
                                + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '" + cfg.slot() + "'")) {
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
        try (EmbeddedPostIndex index = openIndex("idx");
                var dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            PostgresLogicalSource.open(cfg).close();
            for (int from = 0; from < n; from += 2_000) {
                sql(
                        cfg,
                        "INSERT INTO posts (id, author_id, text, tags) SELECT 's' || i, 'u' || (i % 500), (" + texts
                                + ")[1 + i % 6] || ' #' || i, ARRAY['t' || (i % 10)] FROM generate_series(" + from
                                + ", " + (from + 1_999) + ") i");
            }
            sql(
                    cfg,
                    "UPDATE posts SET likes = likes + 1 WHERE id LIKE 's%0'",
                    "DELETE FROM posts WHERE id LIKE 's%5'",
                    insertPost("fence", "u0", "The last post of the benchmark", ""));
            int events = n + n / 10 + n / 10 + 1;

            long t0 = System.nanoTime();
            try (PostgresLogicalSource src = PostgresLogicalSource.open(cfg)) {
                assertThat(pollAll(src, events)).hasSize(events);
            }
            double sourceOnly = events / ((System.nanoTime() - t0) / 1e9);

            t0 = System.nanoTime();
            StreamIndexer si = StreamIndexer.builder()
                    .source(PostgresLogicalSource.open(cfg))
                    .changes(factory)
                    .index(index)
                    .deadLetters(dlq)
                    .batchSize(2_000)
                    .maxWait(Duration.ofMillis(200))
                    .build()
                    .start();
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
            System.out.printf(
                    "PostgreSQL throughput: %d events, source alone %.0f events/s, into the embedded index %.0f events/s%n",
                    events, sourceOnly, endToEnd);
            assertThat(reconcile(cfg, index).clean()).isTrue();
        }
    }
}
