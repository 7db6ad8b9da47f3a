package dev.feedsearch.core.opensearch;

import dev.feedsearch.core.index.ChangeLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.MgetResponse;
import org.opensearch.client.opensearch.core.mget.MultiGetResponseItem;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query replica's side of change tracking: reads the writer's {@link ChangeJournal} in order and records each entry
 * in this process's {@link ChangeLog}, which every cache here already obeys. Entries are read by id with real-time
 * multi-gets, so an entry is seen as soon as it is written, with no refresh.
 *
 * <p>Fail safe, never stale: a gap (entries pruned before this replica read them, or a restart of the writer's
 * numbering) and any time spent out of touch with the journal for longer than {@code maxLag} are recorded as
 * "everything changed", so every cached page and timeline here is dropped. The lag is watched by a thread of its own:
 * a read that hangs (a partition where packets vanish, up to the client's 30 s response timeout) blocks the reader,
 * not the rule.
 */
public final class ChangeFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeFollower.class);
    private static final int BATCH = 64;
    private static final long HOLE_CHECK_NANOS = Duration.ofSeconds(2).toNanos();

    private final OpenSearchClient client;
    private final ChangeLog local;
    private final Runnable onEverything;
    private final Duration poll, maxLag;
    private final Thread thread, watchdog;
    private final AtomicLong applied = new AtomicLong(), gaps = new AtomicLong(), readFailures = new AtomicLong();
    private volatile long next;
    private volatile long lastInTouchNanos = System.nanoTime();
    private long lastHoleCheckNanos = System.nanoTime();
    private volatile boolean closed;

    private ChangeFollower(
            OpenSearchClient client,
            ChangeLog local,
            Runnable onEverything,
            Duration poll,
            Duration maxLag,
            long next) {
        this.client = client;
        this.local = local;
        this.onEverything = onEverything;
        this.poll = poll;
        this.maxLag = maxLag;
        this.next = next;
        this.thread = Thread.ofPlatform().daemon().name("change-follower").unstarted(this::run);
        this.watchdog =
                Thread.ofPlatform().daemon().name("change-follower-watchdog").unstarted(this::watch);
    }

    /**
     * Starts following after the newest entry (what came before could only concern caches this process does not have
     * yet). {@code onEverything} runs on each "everything" entry, after it is recorded: where a replica reloads which
     * index version of each language group serves.
     */
    public static ChangeFollower start(
            OpenSearchClient client, ChangeLog local, Runnable onEverything, Duration poll, Duration maxLag)
            throws IOException {
        ChangeFollower f =
                new ChangeFollower(client, local, onEverything, poll, maxLag, ChangeJournal.newest(client, true) + 1);
        f.thread.start();
        f.watchdog.start();
        return f;
    }

    /** A follower that reads from entry {@code next} when {@link #readOnce} is called, without a thread (tests). */
    static ChangeFollower unstarted(OpenSearchClient client, ChangeLog local, Runnable onEverything, long next) {
        return new ChangeFollower(client, local, onEverything, Duration.ofMillis(50), Duration.ofSeconds(5), next);
    }

    private void run() {
        boolean stale = false; // out of touch past maxLag: caches were dropped and stay off until back in touch
        while (!closed) {
            try {
                int read = readOnce();
                stale = false;
                if (read == BATCH) continue; // more are waiting: not at the head yet
                lastInTouchNanos = System.nanoTime(); // read up to the head
            } catch (IOException | RuntimeException e) {
                if (closed) return;
                readFailures.incrementAndGet();
                if (!stale)
                    log.warn("change journal unreachable ({}); caches are dropped while this lasts", e.toString());
                stale = true;
            }
            if (stale) local.recordEverything(); // cannot know what changed meanwhile
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Out of touch past maxLag, by the clock alone: every cache here is dropped at each poll until back in touch. */
    private void watch() {
        while (!closed) {
            if (lagNanos() > maxLag.toNanos()) local.recordEverything();
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads and records the entries from {@code next} on, up to one batch; returns how many. */
    int readOnce() throws IOException {
        long from = next;
        List<String> ids =
                LongStream.range(from, from + BATCH).mapToObj(Long::toString).toList();
        MgetResponse<ChangeJournal.Entry> r;
        try {
            r = client.mget(m -> m.index(ChangeJournal.INDEX).ids(ids).realtime(true), ChangeJournal.Entry.class);
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 404) return 0; // no writer has published yet
            throw e;
        }
        List<ChangeJournal.Entry> found = new ArrayList<>();
        for (MultiGetResponseItem<ChangeJournal.Entry> item : r.docs()) {
            if (item.isFailure())
                throw new IOException(
                        "change journal read failed: " + item.failure().error().reason());
            found.add(item.result().found() ? item.result().source() : null);
        }
        int read = 0;
        for (ChangeJournal.Entry e : found) {
            if (e == null) break;
            record(e);
            read++;
        }
        if (read > 0) return read;
        for (ChangeJournal.Entry e : found) {
            if (e != null) { // the next entry is gone and later ones exist
                gap(from, e.seq());
                return 0;
            }
        }
        long now = System.nanoTime();
        if (now - lastHoleCheckNanos > HOLE_CHECK_NANOS) { // a hole wider than a batch: seen only by a search
            lastHoleCheckNanos = now;
            long newest = ChangeJournal.newest(client, false);
            if (newest >= from + BATCH) gap(from, newest + 1);
        }
        return 0;
    }

    private void record(ChangeJournal.Entry e) {
        if (e.everything()) {
            local.recordEverything();
            onEverything.run();
        } else {
            local.record(e.posts(), e.authors(), e.viewers());
        }
        applied.incrementAndGet();
        next = e.seq() + 1;
    }

    /** Entries from {@code missing} are gone; reading resumes at {@code resume}. */
    private void gap(long missing, long resume) {
        gaps.incrementAndGet();
        log.warn(
                "change journal entries from {} are gone (pruned, or renumbered); dropping every cached page", missing);
        local.recordEverything();
        onEverything.run();
        next = resume;
    }

    /** How long since this replica last read the journal up to its head: its change-feed lag, at most. */
    public long lagNanos() {
        return System.nanoTime() - lastInTouchNanos;
    }

    public long applied() {
        return applied.get();
    }

    public long gaps() {
        return gaps.get();
    }

    /** Reads of the journal that failed (an error or the client's timeout), each dropping every cache here. */
    public long readFailures() {
        return readFailures.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : List.of(watchdog, thread)) {
            if (!t.isAlive()) continue;
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
