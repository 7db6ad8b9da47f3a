package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every change source must do, proved against the real store it reads (DynamoDB Local, a real PostgreSQL, ...):
 * a subclass per source implements the hooks, inherits these tests, and adds only what is its own (shard splits,
 * slots, TOAST, ...). The checklist: writes reach the index; events read but not checkpointed come again and
 * replaying them (in any order, twice) changes nothing; a checkpointed source restarts with only what is new; a bad
 * record is dead-lettered with its reason and the source moves past it; a backfill under concurrent writes, then
 * streaming, matches the store; a backfill after the stream position is lost removes what the store no longer
 * holds; an indexer in its own JVM killed with SIGKILL at random points loses nothing.
 *
 * <p>The hooks, for the next source (Kafka, ...):
 * <ul>
 *   <li>{@link #openStore} gives a fresh, empty store of the source's kind (tables, slot names, topics of its own);
 *   <li>seed: {@link Store#seed} writes rows that exist before any source starts;
 *   <li>write: a {@link Session} inserts, updates and deletes posts and follow edges, and writes a bad record, as
 *       an app would ({@link Session#commit} ends a unit, a transaction where the store has them);
 *   <li>open: {@link Store#openSources} opens the source(s) over the store with a checkpoint store (a source
 *       per table, slot or topic), {@link Store#backfillIfNeeded} backfills into an index and dead-letter store;
 *   <li>stop: closing a source without {@link ChangeSource#checkpoint} is the in-process stop (a crash before the
 *       checkpoint); {@link Store#startIndexerProcess} starts the indexer in its own JVM, which this class
 *       SIGKILLs (the hard kill);
 *   <li>check: {@link Store#reconcile} and {@link Store#followees} read the store itself, never what a test wrote.
 * </ul>
 * A store that cannot start fails the test with the reason; nothing here is skipped.
 */
@SuppressWarnings("try") // StreamIndexer.close() declares Exception
public abstract class ChangeSourceContract {
    protected static Mappings mappings;
    protected static ChangeFactory factory;

    @TempDir
    protected Path dir;

    private final AtomicInteger fences = new AtomicInteger();

    @BeforeAll
    static void loadAnalysis() {
        mappings = Mappings.load();
        factory = new ChangeFactory(new ScriptFirstDetector(), mappings);
    }

    // ------------------------------------------------------------------ hooks

    /**
     * A fresh, empty store (schema only) that this test alone uses. {@code reachableFromOtherProcesses}: a child JVM
     * started by {@link Store#startIndexerProcess} must reach it too (say, a server on a loopback port rather than an
     * embedded engine).
     */
    protected abstract Store openStore(boolean reachableFromOtherProcesses) throws Exception;

    /** The source of truth the source reads, and how to index from it. */
    protected interface Store extends AutoCloseable {
        /**
         * Bulk-writes {@code posts} posts {@code p0 .. p<posts-1>}, each by {@code u<i % users>}, and for every user
         * {@code u<i>} a follow edge to {@code u<(7i + 1) % users>}: rows that exist before any source starts.
         */
        void seed(int posts, int users) throws Exception;

        /** A writer with its own connection, for one thread. */
        Session session() throws Exception;

        /** Opens every source that together carries the store's changes (a table, slot or topic each), resuming from {@code checkpoints}. */
        List<ChangeSource> openSources(CheckpointStore checkpoints) throws Exception;

        /** Backfills the store into {@code index} unless a backfill recorded in {@code checkpoints} finished; empty when it did not run. */
        Optional<IngestReport> backfillIfNeeded(
                PostIndex index, DeadLetterStore deadLetters, CheckpointStore checkpoints) throws Exception;

        /**
         * Loses the stream position as an operator or the store's retention does (a dropped slot, a position past
         * retention): the next start cannot resume and must backfill again.
         */
        void loseStreamPosition(CheckpointStore checkpoints) throws Exception;

        /**
         * Starts the indexer (backfill if needed, then stream) in a child JVM over this store, with its output in
         * {@code log}: a line {@code BACKFILLING} before the backfill, {@code STREAMING} once it streams, then
         * {@code applied <n>...} lines.
         */
        Process startIndexerProcess(Path index, Path deadLetters, Path checkpoints, Path log) throws Exception;

        /** The store's posts (id, version) against the index. */
        Reconciler.Report reconcile(PostIndex index) throws Exception;

        /** Whom {@code follower} follows, read from the store. */
        Set<String> followees(String follower) throws Exception;

        /** What a dead-letter entry's position looks like for this source, as a regex. */
        String deadLetterPosition();
    }

    /** Writes as an app makes them; versions rise per key as the store's own rules say. */
    protected interface Session extends AutoCloseable {
        /** Inserts the post, or replaces its author and text, at a higher version. */
        void putPost(String id, String author, String text) throws Exception;

        /** Adds one like in place (the other fields untouched), at a higher version; nothing when the post does not exist. */
        void likePost(String id) throws Exception;

        void deletePost(String id) throws Exception;

        void follow(String follower, String followee) throws Exception;

        void unfollow(String follower, String followee) throws Exception;

        /** Writes post {@code id} in a form the store accepts but the ingest contract refuses; says which field and why. */
        BadRecord putBadPost(String id) throws Exception;

        /** Ends a unit of writes (a transaction where the store has them; nothing where each write stands alone). */
        void commit() throws Exception;
    }

    /** What the dead-letter entry of a bad record must name: the field and a part of the reason. */
    public record BadRecord(String field, String reason) {}

    // ------------------------------------------------------------------ writes reach the index

    @Test
    void insertsUpdatesAndDeletesOfPostsAndFollowsReachTheIndex() throws Exception {
        try (Store store = openStore(false);
                Session s = store.session();
                Env env = env("writes");
                Indexers ix = indexers(store.openSources(env.checkpoints()), env)) {
            s.putPost("p1", "u1", "Morning coffee by the harbour");
            s.putPost("p2", "u2", "Evening tea on the balcony");
            s.putPost("p3", "u1", "今日は東京で美味しい寿司を食べました");
            s.follow("u9", "u1");
            s.follow("u9", "u2");
            s.follow("u9", "u4");
            s.commit();
            catchUp(s, env, ix);
            assertThat(search(env.index(), "harbour")).containsExactly("p1");
            assertThat(env.index().get("p1", null).orElseThrow().lang()).isEqualTo("en");
            assertThat(env.index().get("p3", null).orElseThrow().lang()).isEqualTo("ja");
            assertThat(env.index().followees("u9")).containsExactlyInAnyOrder("u1", "u2", "u4");
            long p2 = env.index().versionOf("p2");

            s.putPost("p1", "u1", "Morning rain over the harbour");
            s.likePost("p2");
            s.deletePost("p3");
            s.unfollow("u9", "u2");
            s.commit();
            catchUp(s, env, ix);
            assertThat(search(env.index(), "rain")).containsExactly("p1");
            assertThat(search(env.index(), "coffee")).isEmpty();
            assertThat(env.index().get("p2", null).orElseThrow().post().likes()).isEqualTo(1);
            assertThat(env.index().versionOf("p2"))
                    .as("an update in place raises the version")
                    .isGreaterThan(p2);
            assertThat(env.index().get("p3", null)).isEmpty();
            assertThat(env.index().followees("u9"))
                    .containsExactlyInAnyOrder("u1", "u4")
                    .isEqualTo(store.followees("u9"));
            assertThat(env.dlq().list()).isEmpty();
            Reconciler.Report r = store.reconcile(env.index());
            assertThat(r.clean()).as(r.toString()).isTrue();
        }
    }

    // ------------------------------------------------------------------ replay, duplicates, reordering, restart

    /**
     * A crash after applying but before the checkpoint: everything read comes again, at the same positions, and
     * applying it again is a no-op; the same events shuffled and each twice give the same index; once
     * checkpointed, a restart reads only what is new.
     */
    @Test
    void eventsNotCheckpointedComeAgainAndReplayingThemInAnyOrderChangesNothing() throws Exception {
        try (Store store = openStore(false);
                Session s = store.session();
                Env a = env("a");
                Env b = env("b")) {
            closeAll(store.openSources(a.checkpoints())); // from here on every change is streamed
            s.putPost("a1", "u1", "First light over the bay");
            s.putPost("a2", "u1", "Second coffee of the morning");
            s.commit(); // one unit: a transaction comes again whole
            int events = 2;
            Random rnd = new Random(7);
            Set<String> posts = new HashSet<>(List.of("a1", "a2")), edges = new HashSet<>();
            for (int i = 0; i < 80; i++, events++) { // each op exactly one change, so the count is known
                String id = "d" + rnd.nextInt(15), u = "u" + rnd.nextInt(4), v = "u" + rnd.nextInt(4);
                int op = rnd.nextInt(6);
                if (op == 0 && posts.contains(id)) {
                    s.likePost(id);
                } else if (op == 1 && posts.remove(id)) {
                    s.deletePost(id);
                } else if (op >= 4 && edges.add(u + ">" + v)) {
                    s.follow(u, v);
                } else if (op == 3 && edges.remove(u + ">" + v)) {
                    s.unfollow(u, v);
                } else {
                    posts.add(id);
                    s.putPost(id, "u" + rnd.nextInt(5), "harbour note " + id + " number " + i);
                }
                if (rnd.nextInt(3) == 0) s.commit();
            }
            s.commit();

            // read and applied, the index durable, but stopped before any checkpoint
            List<ChangeSource> sources = store.openSources(a.checkpoints());
            List<List<SourceEvent>> first = pollAll(sources, events);
            a.index().apply(changes(first));
            a.index().commit();
            closeAll(sources);
            Map<String, String> state = snapshot(a.index());

            // everything comes again, in the same order, and changes nothing
            List<Recording> again = new ArrayList<>();
            for (ChangeSource src : store.openSources(a.checkpoints())) again.add(new Recording(src));
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            List<StreamIndexer> replays = new ArrayList<>();
            for (Recording r : again) {
                replays.add(StreamIndexer.builder()
                        .source(r)
                        .changes(factory)
                        .index(a.index())
                        .deadLetters(a.dlq())
                        .metrics(metrics)
                        .batchSize(40)
                        .maxWait(Duration.ofMillis(30))
                        .build());
            }
            final int expected = events;
            try (Indexers replay = new Indexers(replays)) {
                replay.drainUntil(
                        () -> again.stream().mapToInt(r -> r.seen.size()).sum() >= expected);
                replay.drainAll();
            }
            for (int i = 0; i < again.size(); i++) {
                assertThat(positions(again.get(i).seen))
                        .as("source " + i + " again")
                        .isEqualTo(positions(first.get(i)));
            }
            assertThat(metrics.get("feedsearch.indexer.stale").counters().stream()
                            .mapToDouble(Counter::count)
                            .sum())
                    .as("every replayed change is a no-op")
                    .isEqualTo(events);
            assertThat(snapshot(a.index())).isEqualTo(state);
            Reconciler.Report r = store.reconcile(a.index());
            assertThat(r.clean()).as(r.toString()).isTrue();
            for (int u = 0; u < 4; u++) assertThat(a.index().followees("u" + u)).isEqualTo(store.followees("u" + u));

            // the same events shuffled, each twice, in random batches, into a fresh index: the same end state
            List<SourceEvent> shuffled = new ArrayList<>();
            first.forEach(shuffled::addAll);
            first.forEach(shuffled::addAll);
            Collections.shuffle(shuffled, rnd);
            try (StreamIndexer si = indexer(new ListSource(shuffled, rnd), b)) {
                assertThat(drain(si)).isEqualTo(2 * events);
            }
            assertThat(snapshot(b.index())).isEqualTo(state);
            for (int u = 0; u < 4; u++) assertThat(b.index().followees("u" + u)).isEqualTo(store.followees("u" + u));

            // checkpointed by the replay: a restart reads only what is new
            s.putPost("a3", "u2", "Third post, after the restart");
            s.commit();
            sources = store.openSources(a.checkpoints());
            try {
                List<SourceEvent> after =
                        pollAll(sources, 1).stream().flatMap(List::stream).toList();
                assertThat(after)
                        .singleElement()
                        .satisfies(
                                e -> assertThat(e.record().get("id").asText()).isEqualTo("a3"));
            } finally {
                closeAll(sources);
            }
        }
    }

    // ------------------------------------------------------------------ bad records

    @Test
    void aBadRecordIsDeadLetteredWithItsReasonTheOthersAreIndexedAndTheSourceMovesPastIt() throws Exception {
        try (Store store = openStore(false);
                Session s = store.session();
                Env env = env("bad")) {
            List<ChangeSource> sources = store.openSources(env.checkpoints());
            List<String> names = sources.stream().map(ChangeSource::name).toList();
            BadRecord bad;
            try (Indexers ix = indexers(sources, env)) {
                s.putPost("g1", "u1", "Morning swim before work");
                bad = s.putBadPost("b1");
                s.putPost("g2", "u1", "Evening run along the river");
                s.commit();
                catchUp(s, env, ix);
            }
            assertThat(env.index().get("g1", null)).isPresent();
            assertThat(env.index().get("g2", null)).isPresent();
            assertThat(env.index().get("b1", null)).isEmpty();
            assertThat(env.dlq().list()).singleElement().satisfies(d -> {
                assertThat(d.field()).isEqualTo(bad.field());
                assertThat(d.reason()).contains(bad.reason());
                assertThat(d.source()).isIn(names);
                assertThat(d.position()).matches(store.deadLetterPosition());
                assertThat(d.raw()).contains("b1");
            });

            // checkpointed past it: a restart neither reads it nor dead-letters it again
            List<Recording> reopened = new ArrayList<>();
            for (ChangeSource src : store.openSources(env.checkpoints())) reopened.add(new Recording(src));
            try (Indexers ix = indexers(reopened, env)) {
                s.putPost("g3", "u2", "After the restart the stream moves on");
                s.commit();
                catchUp(s, env, ix);
            }
            assertThat(env.index().get("g3", null)).isPresent();
            assertThat(reopened.stream().flatMap(r -> r.seen.stream()))
                    .noneMatch(e -> e.raw() != null && e.raw().contains("b1")
                            || e.record() != null
                                    && "b1".equals(e.record().path("id").asText()));
            assertThat(env.dlq().list()).hasSize(1);
        }
    }

    // ------------------------------------------------------------------ backfill

    @Test
    void aBackfillUnderConcurrentWritesThenStreamingReconcilesClean() throws Exception {
        try (Store store = openStore(false);
                Env env = env("backfill");
                Session s = store.session()) {
            store.seed(1500, 50);
            Writer writer = new Writer(store, 1700, 50, new Random(42));
            writer.start();
            try {
                Thread.sleep(100);
                long before = writer.ops.get();
                Optional<IngestReport> report = store.backfillIfNeeded(env.index(), env.dlq(), env.checkpoints());
                long during = writer.ops.get() - before;
                assertThat(report).isPresent();
                assertThat(report.get().posts()).as(report.get().toString()).isGreaterThanOrEqualTo(1200);
                assertThat(during).as("writes while the backfill ran").isGreaterThan(50);
                assertThat(store.backfillIfNeeded(env.index(), env.dlq(), env.checkpoints()))
                        .as("done once")
                        .isEmpty();
                try (Indexers ix = indexers(store.openSources(env.checkpoints()), env)) {
                    for (int i = 0; i < 10; i++) ix.drainOnce(); // streaming while the writes go on
                    writer.stop();
                    catchUp(s, env, ix);
                }
                Reconciler.Report r = store.reconcile(env.index());
                System.out.printf(
                        "%s: backfill %s, writer %d units (%d during the backfill); %s%n",
                        getClass().getSimpleName(), report.get(), writer.ops.get(), during, r);
                assertThat(writer.failure).isNull();
                assertThat(r.clean()).as(r.toString()).isTrue();
                assertThat(r.sourceRows()).isGreaterThan(1000);
                for (int u = 0; u < 50; u++)
                    assertThat(env.index().followees("u" + u))
                            .as("followees of u" + u)
                            .isEqualTo(store.followees("u" + u));
                assertThat(env.dlq().list()).isEmpty();
            } finally {
                writer.stop();
            }
        }
    }

    @Test
    void aBackfillAfterTheStreamPositionWasLostRemovesPostsAndFollowsTheStoreNoLongerHolds() throws Exception {
        try (Store store = openStore(false);
                Session s = store.session();
                Env env = env("lost")) {
            store.seed(100, 6);
            s.follow("u1", "u3");
            s.follow("u1", "u4");
            s.commit();
            assertThat(store.backfillIfNeeded(env.index(), env.dlq(), env.checkpoints()))
                    .isPresent();
            assertThat(env.index().followees("u1")).containsExactlyInAnyOrder("u2", "u3", "u4");
            assertThat(env.index().followees("u5")).containsExactly("u0");

            store.loseStreamPosition(env.checkpoints());
            // changes no stream recorded: only a new backfill can tell
            s.deletePost("p1");
            s.deletePost("p2");
            s.putPost("p3", "u3", "Edited while unwatched");
            s.unfollow("u1", "u3");
            s.unfollow("u5", "u0");
            s.commit();
            IngestReport again = store.backfillIfNeeded(env.index(), env.dlq(), env.checkpoints())
                    .orElseThrow();
            assertThat(again.deletes()).as("two posts, two follows").isEqualTo(4);
            assertThat(env.index().get("p1", null)).isEmpty();
            assertThat(env.index().get("p2", null)).isEmpty();
            assertThat(env.index().get("p4", null)).isPresent();
            assertThat(env.index().get("p3", null).orElseThrow().post().text()).isEqualTo("Edited while unwatched");
            assertThat(env.index().followees("u1"))
                    .containsExactlyInAnyOrder("u2", "u4")
                    .isEqualTo(store.followees("u1"));
            assertThat(env.index().followees("u5")).isEmpty();
            Reconciler.Report r = store.reconcile(env.index());
            assertThat(r.clean()).as(r.toString()).isTrue();
        }
    }

    // ------------------------------------------------------------------ hard kills

    /**
     * Hard kills: the indexer runs in a child JVM (backfill, then streaming) while a writer inserts, updates and
     * deletes posts and follow edges; the child is SIGKILLed at random points (no close, no drain, no checkpoint, the
     * Lucene writer dies with uncommitted changes): while backfilling, mid-stream, anywhere after it started. Then an indexer catches
     * up from what was saved and every row of the store matches the index. A child JVM rather than an in-process
     * hook: the kill then also covers the uncommitted index, the lock file, a half-written checkpoint and the store
     * noticing a dead connection, with no test hook in the product.
     */
    @Test
    void hardKilledIndexerProcessesRestartCatchUpAndLoseNothing() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (Store store = openStore(true)) {
            store.seed(500, 40); // small enough for DynamoDB Local over HTTP, large enough for a kill mid-backfill
            Writer writer = new Writer(store, 700, 40, new Random(seed + 1));
            writer.start();
            Path idx = dir.resolve("crash/idx"), dlq = dir.resolve("crash/dlq.jsonl"), cp = dir.resolve("crash/cp");
            Files.createDirectories(idx.getParent());
            List<String> kills = new ArrayList<>();
            try {
                for (int round = 0; round < 3; round++) {
                    Path log = dir.resolve("child-" + round + ".log");
                    long t0 = System.nanoTime();
                    Process child = store.startIndexerProcess(idx, dlq, cp, log);
                    try {
                        switch (round) { // round 0 dies while backfilling (or just after), 1 mid-stream, 2 anywhere
                            // once it is up
                            case 0 -> {
                                waitForLine(child, log, "BACKFILLING");
                                Thread.sleep(rnd.nextInt(400));
                            }
                            case 1 -> {
                                waitForLine(child, log, "applied [1-9].*");
                                Thread.sleep(rnd.nextInt(1_000));
                            }
                            default -> {
                                waitForLine(child, log, ".+");
                                Thread.sleep(rnd.nextInt(3_000));
                            }
                        }
                        assertThat(child.isAlive())
                                .as("child still running, log: " + Files.readString(log))
                                .isTrue();
                    } finally {
                        child.destroyForcibly().waitFor(); // SIGKILL
                    }
                    List<String> lines = Files.readAllLines(log).stream()
                            .filter(l -> l.startsWith("applied") || l.matches("BACKFILL\\w*|STREAMING"))
                            .toList();
                    kills.add(String.format(
                            "round %d killed at %.1f s after %s",
                            round, (System.nanoTime() - t0) / 1e9, lines.isEmpty() ? "startup" : lines.getLast()));
                }
            } finally {
                writer.stop();
            }
            assertThat(writer.failure).isNull();
            long catchUp = System.nanoTime();
            try (Env env = env("crash");
                    Session s = store.session()) {
                store.backfillIfNeeded(env.index(), env.dlq(), env.checkpoints());
                try (Indexers ix = indexers(store.openSources(env.checkpoints()), env)) {
                    catchUp(s, env, ix);
                }
                Reconciler.Report r = store.reconcile(env.index());
                System.out.printf(
                        "%s crash test seed %d: writer %d units, %s; caught up in %d ms; %s%n",
                        getClass().getSimpleName(),
                        seed,
                        writer.ops.get(),
                        kills,
                        (System.nanoTime() - catchUp) / 1_000_000,
                        r);
                assertThat(kills)
                        .as("some child got to streaming before its kill")
                        .anyMatch(k -> k.contains("applied"));
                assertThat(r.clean()).as("seed " + seed + ": " + r).isTrue();
                for (int u = 0; u < 40; u++)
                    assertThat(env.index().followees("u" + u))
                            .as("followees of u" + u)
                            .isEqualTo(store.followees("u" + u));
                assertThat(env.dlq().list()).isEmpty();
            }
        }
    }

    protected static void waitForLine(Process child, Path log, String regex) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive())
                    .as("child died: " + Files.readString(log))
                    .isTrue();
            if (Files.readAllLines(log).stream().anyMatch(l -> l.matches(regex))) return;
            Thread.sleep(10);
        }
        throw new AssertionError("child printed no line like '" + regex + "' within 30 s: " + Files.readString(log));
    }

    /** Starts a test class's {@code main} in a child JVM on the test classpath, output to {@code log}. */
    protected static Process childJvm(Class<?> main, Path log, String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                "-cp",
                classpath,
                main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    // ------------------------------------------------------------------ the writer

    /**
     * Random inserts, updates and deletes of posts and follow edges in units of one to four writes, from its own
     * thread and session, as an app writes; a short pause between units (an app's pace, not a flood).
     */
    protected static final class Writer {
        final Store store;
        final int posts, users;
        final Random r;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ops = new AtomicLong();
        volatile Throwable failure;
        private Thread thread;

        Writer(Store store, int posts, int users, Random r) {
            this.store = store;
            this.posts = posts;
            this.users = users;
            this.r = r;
        }

        void start() {
            thread = Thread.ofPlatform().name("writer").start(this::run);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (thread != null) thread.join();
        }

        private void run() {
            try (Session s = store.session()) {
                while (!stop.get()) {
                    for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                        String id = "p" + r.nextInt(posts), u = "u" + r.nextInt(users), v = "u" + r.nextInt(users);
                        switch (r.nextInt(6)) {
                            case 0, 1 -> s.putPost(id, u, "Rewritten " + r.nextInt() + " at the harbour in the rain");
                            case 2 -> s.likePost(id);
                            case 3 -> s.deletePost(id);
                            case 4 -> s.follow(u, v);
                            default -> s.unfollow(u, v);
                        }
                    }
                    s.commit();
                    ops.incrementAndGet();
                    Thread.sleep(1);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** An index, a dead-letter store and a checkpoint store in a folder of their own: what one indexer owns. */
    protected record Env(Path dir, EmbeddedPostIndex index, JsonlDeadLetterStore dlq, FileCheckpointStore checkpoints)
            implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            try (index;
                    dlq) {
                // both closed
            }
        }
    }

    protected Env env(String name) throws Exception {
        Path d = dir.resolve(name);
        return new Env(
                d,
                EmbeddedPostIndex.open(d.resolve("idx"), GroupAnalyzers.build(mappings)),
                new JsonlDeadLetterStore(d.resolve("dlq.jsonl")),
                new FileCheckpointStore(d.resolve("cp")));
    }

    protected static StreamIndexer indexer(ChangeSource s, Env env) {
        return StreamIndexer.builder()
                .source(s)
                .changes(factory)
                .index(env.index())
                .deadLetters(env.dlq())
                .batchSize(100)
                .maxWait(Duration.ofMillis(30))
                .build();
    }

    /** One indexer per source, into one index, driven from the test's thread. Closing them checkpoints what they applied. */
    protected static final class Indexers implements AutoCloseable {
        final List<StreamIndexer> all;

        Indexers(List<StreamIndexer> all) {
            this.all = all;
        }

        void drainOnce() throws Exception {
            for (StreamIndexer si : all) {
                assertThat(si.failure()).isNull();
                si.drainOnce();
            }
        }

        /** Polls every source until {@code done} holds; fails after 60 s. */
        void drainUntil(Callable<Boolean> done) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.call()) {
                assertThat(System.nanoTime())
                        .as("timed out draining the sources")
                        .isLessThan(deadline);
                drainOnce();
            }
        }

        /** Each source until a poll comes back empty. */
        void drainAll() throws Exception {
            for (StreamIndexer si : all) drain(si);
        }

        @Override
        public void close() throws Exception {
            Exception first = null;
            for (StreamIndexer si : all) {
                try {
                    si.close();
                } catch (Exception e) {
                    if (first == null) first = e;
                }
            }
            if (first != null) throw first;
        }
    }

    protected static Indexers indexers(List<? extends ChangeSource> sources, Env env) {
        return new Indexers(sources.stream().map(s -> indexer(s, env)).toList());
    }

    /**
     * Writes a fence (a post and a follow edge) after everything else and drains every source until both are in the
     * index and a poll finds nothing more: then everything written before it is applied.
     */
    protected void catchUp(Session s, Env env, Indexers ix) throws Exception {
        String fence = "fence" + fences.incrementAndGet();
        s.putPost(fence, "u0", "The fence after everything else");
        s.follow(fence, "u0");
        s.commit();
        ix.drainUntil(() -> env.index().get(fence, null).isPresent()
                && env.index().followees(fence).contains("u0"));
        ix.drainAll();
    }

    /** Polls and applies until a poll comes back empty; returns the events handled. */
    protected static int drain(StreamIndexer si) throws Exception {
        int total = 0, n;
        while ((n = si.drainOnce()) > 0) total += n;
        return total;
    }

    /**
     * Polls every source until {@code expected} events came from all of them, then once more each: nothing else may
     * come. Per source, in poll order; fails after 30 s.
     */
    protected static List<List<SourceEvent>> pollAll(List<ChangeSource> sources, int expected) throws Exception {
        List<List<SourceEvent>> out = new ArrayList<>();
        sources.forEach(s -> out.add(new ArrayList<>()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int total = 0;
        while (total < expected) {
            assertThat(System.nanoTime())
                    .as("only " + total + " of " + expected + " events came")
                    .isLessThan(deadline);
            for (int i = 0; i < sources.size(); i++) {
                List<SourceEvent> got = sources.get(i).poll(100, Duration.ofMillis(100));
                out.get(i).addAll(got);
                total += got.size();
            }
        }
        for (ChangeSource s : sources)
            assertThat(s.poll(100, Duration.ofMillis(300)))
                    .as("events past the " + expected)
                    .isEmpty();
        return out;
    }

    protected static List<IndexChange> changes(List<List<SourceEvent>> events) throws InvalidRecordException {
        List<IndexChange> out = new ArrayList<>();
        for (List<SourceEvent> l : events) for (SourceEvent e : l) out.add(factory.fromJson(e.record()));
        return out;
    }

    static List<String> positions(List<SourceEvent> events) {
        return events.stream().map(e -> e.partition() + "@" + e.position()).toList();
    }

    protected static void closeAll(List<? extends ChangeSource> sources) throws Exception {
        for (ChangeSource s : sources) s.close();
    }

    protected static List<String> search(PostIndex index, String q) throws Exception {
        return index
                .search(SearchQuery.builder()
                        .text(q)
                        .sort(SortOrder.RECENT)
                        .limit(50)
                        .build())
                .hits()
                .stream()
                .map(h -> h.post().post().id())
                .toList();
    }

    /** Every post the index remembers: id → version, with "x" for a tombstone. */
    protected static Map<String, String> snapshot(PostIndex index) throws Exception {
        Map<String, String> m = new TreeMap<>();
        index.forEachPostVersion((id, version, deleted) -> m.put(id, version + (deleted ? "x" : "")));
        return m;
    }

    /** Passes a source through, remembering every event it handed out, in order. */
    protected static final class Recording implements ChangeSource {
        public final ChangeSource in;
        public final List<SourceEvent> seen = Collections.synchronizedList(new ArrayList<>());

        public Recording(ChangeSource in) {
            this.in = in;
        }

        @Override
        public String name() {
            return in.name();
        }

        @Override
        public List<SourceEvent> poll(int maxEvents, Duration maxWait) throws Exception {
            List<SourceEvent> r = in.poll(maxEvents, maxWait);
            seen.addAll(r);
            return r;
        }

        @Override
        public void checkpoint(List<SourceEvent> applied) throws Exception {
            in.checkpoint(applied);
        }

        @Override
        public void close() throws Exception {
            in.close();
        }
    }

    /** Hands out a fixed list of events in batches of random size. */
    protected static final class ListSource implements ChangeSource {
        final List<SourceEvent> events;
        final Random rnd;
        int next;

        ListSource(List<SourceEvent> events, Random rnd) {
            this.events = events;
            this.rnd = rnd;
        }

        @Override
        public String name() {
            return "list";
        }

        @Override
        public List<SourceEvent> poll(int maxEvents, Duration maxWait) {
            int n = Math.min(events.size() - next, 1 + rnd.nextInt(Math.min(maxEvents, 40)));
            List<SourceEvent> r = List.copyOf(events.subList(next, next + n));
            next += n;
            return r;
        }

        @Override
        public void checkpoint(List<SourceEvent> applied) {}

        @Override
        public void close() {}
    }
}
