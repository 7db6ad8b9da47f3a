package dev.feedsearch.indexer.reindex;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.core.reindex.Rebuildable.Digest;
import dev.feedsearch.core.reindex.ReindexControl;
import dev.feedsearch.core.reindex.ReindexException;
import dev.feedsearch.core.reindex.ReindexJson;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.core.reindex.ReindexStatus.State;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin reindex job, blue/green per language group, on any engine that is {@link Rebuildable}:
 * build the next version of each group from the current mappings while the live one serves (every new write
 * goes to both), copy the group's posts into it batch by batch, detecting each post's language again (one whose
 * detection now names another group moves there at once; progress persisted after each batch, so a
 * killed job resumes where it stopped), then at a quiescent point verify that the new version, the live one
 * and the engine's version registry hold the same (id, version) set, and only then swap atomically. The
 * previous version is kept, and written, until the retention ends: rollback is one more swap. A mismatch
 * fails the job with both digests and swaps nothing. The copy phase itself is {@link ReindexCopy}.
 */
public final class ReindexJobs implements ReindexControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReindexJobs.class);
    private static final ObjectMapper JSON = ReindexJson.MAPPER;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** The position of a group whose copy is complete (ids are never this: the NUL is not in any). */
    static final String DONE_MARK = "\u0000done";

    static final String FROM_INDEX = "index", FROM_SOURCE = "source";
    /** The position key of a job reading the source (one pass over the table for all its groups). */
    static final String SOURCE_POSITION = "_source";

    private final Rebuildable engine;
    private final Mappings mappings;
    private final SourceSnapshot source; // null: from=source is refused
    private final ReindexCopy copy;
    private final Path dir;
    private final Clock clock;
    private final Map<String, ReindexStatus> jobs = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private final Map<String, Boolean> stopRequested = new ConcurrentHashMap<>(); // job → true: cancel, false: pause
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "reindex");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reindex-retention");
        t.setDaemon(true);
        return t;
    });

    private ReindexJobs(
            Rebuildable engine,
            Mappings mappings,
            Rebuildable.Redetect redetect,
            ChangeFactory changes,
            SourceSnapshot source,
            Path dir,
            Clock clock) {
        this.engine = engine;
        this.source = source;
        this.mappings = mappings;
        this.dir = dir;
        this.clock = clock;
        this.copy = new ReindexCopy(engine, redetect, changes, source, clock, new ReindexCopy.Progress() {
            @Override
            public ReindexStatus save(ReindexStatus s) throws IOException {
                return ReindexJobs.this.save(s);
            }

            @Override
            public boolean stopped(ReindexStatus s) throws IOException {
                return ReindexJobs.this.stopped(s);
            }
        });
    }

    /**
     * Loads the persisted jobs of {@code dir}: running ones resume copying, swapped ones keep their retention.
     *
     * @param redetect the indexer's language rule ({@link ChangeFactory#fromPost}), run again on
     *                 every copied post
     */
    public static ReindexJobs open(
            Rebuildable engine, Mappings mappings, Rebuildable.Redetect redetect, Path dir, Clock clock)
            throws IOException {
        return open(new ReindexJobs(engine, mappings, redetect, null, null, dir, clock));
    }

    /**
     * Like {@link #open(Rebuildable, Mappings, Rebuildable.Redetect, Path, Clock)}, with the source of truth that jobs
     * {@code from=source} read, decoded and detected by {@code changes} (which also re-detects copies from the index).
     */
    public static ReindexJobs open(
            Rebuildable engine, Mappings mappings, ChangeFactory changes, SourceSnapshot source, Path dir, Clock clock)
            throws IOException {
        return open(new ReindexJobs(engine, mappings, changes::fromPost, changes, source, dir, clock));
    }

    private static ReindexJobs open(ReindexJobs jobs) throws IOException {
        Path dir = jobs.dir;
        Files.createDirectories(dir);
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                ReindexStatus s = JSON.readValue(f.toFile(), ReindexStatus.class);
                jobs.jobs.put(s.job(), s);
            }
        }
        for (ReindexStatus s : jobs.jobs.values()) {
            if (s.state() == State.RUNNING) jobs.launch(s.job());
            if (s.state() == State.SWAPPED) jobs.scheduleRetention(s);
        }
        return jobs;
    }

    // ---------------------------------------------------------------- requests

    @Override
    public synchronized ReindexStatus start(ReindexRequest r) throws ReindexException, IOException {
        if (r.groups().isEmpty())
            throw new ReindexException(
                    ReindexException.Kind.BAD_REQUEST, "groups", "name at least one language group (or all)");
        Set<String> known = new HashSet<>();
        mappings.groups().forEach(g -> known.add(g.name()));
        for (String g : r.groups()) {
            if (!known.contains(g)) {
                throw new ReindexException(
                        ReindexException.Kind.BAD_REQUEST,
                        "groups",
                        "unknown language group '" + g + "' (known: " + String.join(",", new TreeSet<>(known)) + ")");
            }
        }
        if (!FROM_INDEX.equals(r.from()) && !FROM_SOURCE.equals(r.from())) {
            throw new ReindexException(
                    ReindexException.Kind.BAD_REQUEST,
                    "from",
                    "from must be 'index' (copy from the serving version) or 'source' (read the source of truth), got '"
                            + r.from() + "'");
        }
        if (FROM_SOURCE.equals(r.from()) && source == null) {
            throw new ReindexException(
                    ReindexException.Kind.BAD_REQUEST,
                    "from",
                    "from=source needs a source of truth to read: start serve with --source dynamodb|postgres, or use from=index");
        }
        if (r.throttlePerSec() < 0)
            throw new ReindexException(
                    ReindexException.Kind.BAD_REQUEST, "throttle", "throttle must be >= 0 posts/s (0: unthrottled)");
        if (r.batch() < 1 || r.batch() > 10_000)
            throw new ReindexException(ReindexException.Kind.BAD_REQUEST, "batch", "batch must be 1..10000");
        if (r.retainMinutes() < 0)
            throw new ReindexException(
                    ReindexException.Kind.BAD_REQUEST, "retain_minutes", "retain_minutes must be >= 0");
        for (ReindexStatus other : jobs.values()) {
            if (!other.state().active()) continue;
            for (String g : r.groups()) {
                if (other.request().groups().contains(g)) {
                    throw new ReindexException(
                            ReindexException.Kind.CONFLICT,
                            "groups",
                            "group '" + g + "' is already being rebuilt by job " + other.job() + " ("
                                    + other.state().name().toLowerCase() + "); wait for it, or cancel or roll it back");
                }
            }
        }
        Map<String, Integer> from = new LinkedHashMap<>(), to = new LinkedHashMap<>();
        Map<String, String> position = new LinkedHashMap<>();
        long total = 0;
        for (String g : r.groups()) {
            int v = engine.servingVersion(g);
            from.put(g, v);
            to.put(g, v + 1);
            if (FROM_INDEX.equals(r.from())) {
                position.put(g, null);
                total += engine.count(g, v);
            }
        }
        if (FROM_SOURCE.equals(r.from())) {
            position.put(SOURCE_POSITION, null);
            total = -1; // the job counts the table's rows itself: a count can take as long as a scan, not here under
            // the lock
        }
        Instant now = clock.instant();
        String id = "rx-" + ID_TIME.format(now) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        ReindexStatus s = new ReindexStatus(
                id, r, State.RUNNING, from, to, position, List.of(), 0, 0, total, 0, now, now, null, null);
        save(s);
        launch(id);
        return s;
    }

    @Override
    public Optional<ReindexStatus> status(String job) {
        return Optional.ofNullable(jobs.get(job));
    }

    @Override
    public List<ReindexStatus> list() {
        List<ReindexStatus> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(ReindexStatus::startedAt).reversed());
        return all;
    }

    @Override
    public synchronized ReindexStatus pause(String job) throws ReindexException, IOException {
        ReindexStatus s = require(job);
        if (s.state() != State.RUNNING) throw conflict(s, "only a running job can be paused");
        stopRequested.put(job, false);
        return awaitLeaving(job, State.RUNNING);
    }

    @Override
    public synchronized ReindexStatus resume(String job) throws ReindexException, IOException {
        ReindexStatus s = require(job);
        if (s.state() != State.PAUSED) throw conflict(s, "only a paused job can be resumed");
        save(s.with(State.RUNNING, null, clock.instant()));
        launch(job);
        return jobs.get(job);
    }

    /** Stops a job before its swap and drops what it built; the live versions are untouched. */
    @Override
    public synchronized ReindexStatus cancel(String job) throws ReindexException, IOException {
        ReindexStatus s = require(job);
        if (s.state() == State.RUNNING) {
            stopRequested.put(job, true);
            return awaitLeaving(job, State.RUNNING);
        }
        if (s.state() != State.PAUSED)
            throw conflict(s, "only a running or paused job can be cancelled (a swapped one is rolled back)");
        dropBuilt(s);
        return save(s.with(State.CANCELLED, null, clock.instant()));
    }

    /** Swaps a swapped job's groups back to their previous versions (kept and written since) and drops the new ones. */
    @Override
    public synchronized ReindexStatus rollback(String job) throws ReindexException, IOException {
        ReindexStatus s = require(job);
        if (s.state() != State.SWAPPED) throw conflict(s, "only a swapped job within its retention can be rolled back");
        engine.whileWritesPaused(() -> {
            for (String g : s.swapped()) engine.swap(g, s.fromVersion().get(g));
            return null;
        });
        for (String g : s.swapped()) engine.drop(g, s.toVersion().get(g));
        return save(s.with(State.ROLLED_BACK, null, clock.instant()));
    }

    private ReindexStatus require(String job) throws ReindexException {
        ReindexStatus s = jobs.get(job);
        if (s == null)
            throw new ReindexException(ReindexException.Kind.NOT_FOUND, "job", "no reindex job '" + job + "'");
        return s;
    }

    private static ReindexException conflict(ReindexStatus s, String why) {
        return new ReindexException(
                ReindexException.Kind.CONFLICT,
                "job",
                "job " + s.job() + " is " + s.state().name().toLowerCase() + ": " + why);
    }

    /** Waits (briefly) for the job's thread to act on a stop request. */
    private ReindexStatus awaitLeaving(String job, State state) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jobs.get(job).state() == state && System.nanoTime() < deadline) {
            try {
                wait(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return jobs.get(job);
    }

    // ---------------------------------------------------------------- the job itself

    private void launch(String job) {
        runner.submit(() -> {
            try {
                run(job);
            } catch (Throwable e) {
                if (closing)
                    return; // shutting down: the job stays RUNNING and resumes from its last batch at the next open
                log.error("reindex job {} failed", job, e);
                try {
                    ReindexStatus s = jobs.get(job);
                    dropBuilt(s);
                    save(s.with(State.FAILED, "error: " + e, clock.instant()));
                } catch (IOException ex) {
                    log.error("could not record the failure of job {}", job, ex);
                }
            }
        });
    }

    private void run(String job) throws IOException, InterruptedException {
        ReindexStatus s = jobs.get(job);
        ReindexStatus copied;
        if (FROM_SOURCE.equals(s.request().from())) {
            if (source == null) { // paused, not failed: the versions it built stay, and resume works once a source is
                // given
                save(s.with(
                        State.PAUSED,
                        "this process was started without a source of truth to read (serve --source): restart with it and resume, or cancel",
                        clock.instant()));
                notifyWaiters();
                return;
            }
            copied = copy.fromSource(s);
        } else {
            copied = copy.fromIndex(s);
        }
        if (copied != null) verifyAndSwap(copied); // null: paused or cancelled meanwhile
    }

    /** A requested pause or cancel, carried out: true when the job must stop now. */
    private boolean stopped(ReindexStatus s) throws IOException {
        Boolean stop = stopRequested.remove(s.job());
        if (stop == null) return false;
        if (stop) {
            dropBuilt(s);
            save(s.with(State.CANCELLED, null, clock.instant()));
        } else {
            save(s.with(State.PAUSED, null, clock.instant()));
        }
        notifyWaiters();
        return true;
    }

    private void verifyAndSwap(ReindexStatus copiedAll) throws IOException {
        ReindexStatus s = copiedAll.with(State.RUNNING, null, clock.instant());
        // the quiescent point: no write lands between the digests and the swap
        String mismatch = engine.whileWritesPaused(() -> {
            StringBuilder why = new StringBuilder();
            for (String g : s.request().groups()) {
                Digest built = engine.digest(g, s.toVersion().get(g));
                Digest live = engine.digest(g, s.fromVersion().get(g));
                Digest registry = engine.registryDigest(g);
                if (!built.equals(live) || !live.equals(registry)) {
                    why.append(String.format(
                            "group %s: new v%d %s, live v%d %s, version registry %s; ",
                            g, s.toVersion().get(g), built, s.fromVersion().get(g), live, registry));
                }
            }
            if (!why.isEmpty()) return why.toString();
            for (String g : s.request().groups()) engine.swap(g, s.toVersion().get(g));
            return null;
        });
        if (mismatch != null) {
            dropBuilt(s);
            save(s.with(State.FAILED, "verification failed, nothing swapped: " + mismatch, clock.instant()));
            return;
        }
        Instant now = clock.instant();
        ReindexStatus swapped = new ReindexStatus(
                s.job(),
                s.request(),
                State.SWAPPED,
                s.fromVersion(),
                s.toVersion(),
                s.position(),
                s.request().groups(),
                s.total(),
                s.regrouped(),
                s.total(),
                s.docsPerSecond(),
                s.startedAt(),
                now,
                now.plus(Duration.ofMinutes(s.request().retainMinutes())),
                null);
        save(swapped);
        scheduleRetention(swapped);
    }

    private void scheduleRetention(ReindexStatus s) {
        long delay =
                Math.max(0, Duration.between(clock.instant(), s.retainUntil()).toMillis());
        retention.schedule(
                () -> {
                    try {
                        finish(s.job());
                    } catch (IOException e) {
                        log.error("dropping the previous versions of job {} failed", s.job(), e);
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    private synchronized void finish(String job) throws IOException {
        ReindexStatus s = jobs.get(job);
        if (s.state() != State.SWAPPED) return; // rolled back meanwhile
        for (String g : s.swapped()) engine.drop(g, s.fromVersion().get(g));
        save(s.with(State.DONE, null, clock.instant()));
    }

    private void dropBuilt(ReindexStatus s) throws IOException {
        for (String g : s.request().groups()) {
            if (engine.servingVersion(g) != s.toVersion().get(g))
                engine.drop(g, s.toVersion().get(g));
        }
    }

    private synchronized void notifyWaiters() {
        notifyAll();
    }

    /** Persists atomically (write, then rename), then publishes. */
    private ReindexStatus save(ReindexStatus s) throws IOException {
        if (closing) throw new IOException("the job manager is closed");
        Path tmp = dir.resolve(s.job() + ".json.tmp");
        JSON.writeValue(tmp.toFile(), s);
        Files.move(
                tmp,
                dir.resolve(s.job() + ".json"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        jobs.put(s.job(), s);
        notifyWaiters();
        return s;
    }

    @Override
    public void close() {
        closing = true;
        runner.shutdownNow();
        retention.shutdownNow();
    }
}
