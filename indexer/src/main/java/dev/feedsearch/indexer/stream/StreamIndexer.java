package dev.feedsearch.indexer.stream;

import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterStore;
import dev.feedsearch.indexer.IsolatingApplier;
import dev.feedsearch.indexer.stream.StreamDecoder.Decoded;
import dev.feedsearch.indexer.stream.StreamDecoder.Good;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change-stream pipeline for one source, four threads joined by bounded queues:
 * poll (reader) → validate + detect language, in parallel (decoder) → {@link PostWriter#apply} (applier) →
 * {@link PostWriter#commit} → {@link ChangeSource#checkpoint} (committer).
 *
 * <p>Applied changes are searchable when {@code apply} returns, which costs the engine a reader refresh per
 * call; so the applier calls it at most once per {@link Builder#applyInterval} and whatever arrives meanwhile
 * joins the next call (under load every call takes longer than that anyway and the groups grow by themselves).
 * A Lucene commit writes segments and fsyncs: the committer makes applied changes durable at most once per
 * {@link Builder#commitInterval} while they keep coming, and at once when the applier goes idle, then
 * checkpoints them in poll order, so a position is never saved before the changes up to it are durable. The
 * applier never waits for an fsync.
 *
 * <p>The queues bound memory: when the index falls behind, the reader blocks and stops pulling from the
 * source. Events that fail mapping or validation go to the dead-letter store with their source position, and
 * the stream keeps moving; so does a change the engine throws on while applying it ({@link IsolatingApplier}
 * splits the batch until that change is alone, dead-letters it and applies the rest), so one poison record never
 * holds the checkpoint back. {@link #close()} stops reading, drains the queues, commits and checkpoints.
 */
public final class StreamIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamIndexer.class);

    private final ChangeSource source;
    private final StreamDecoder decoding;
    private final PostWriter index;
    private final DeadLetterStore deadLetters;
    private final int batchSize;
    private final Duration maxWait;
    private final BlockingQueue<List<SourceEvent>> polled;
    private final BlockingQueue<Decoded> decoded;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong applied = new AtomicLong();
    private final StreamLag lag = new StreamLag();
    private volatile boolean readerDone, decoderDone;
    private final long commitIntervalNanos, applyIntervalNanos;
    private final int maxGroupEvents;
    // applied, not yet durable, in poll order; handed from the applier to the committer
    private final Object handoff = new Object();
    private final List<Decoded> uncommitted = new ArrayList<>(); // guarded by handoff
    private boolean applierIdle, applierDone; // guarded by handoff
    private Thread reader, decoder, applier, committer;

    private final MeterRegistry metrics;
    private final List<Gauge> gauges;
    private final Counter eventsIn, deadLettered, staleCount;
    private final Timer batchTimer, commitTimer;

    private StreamIndexer(Builder b) {
        this.source = Objects.requireNonNull(b.source, "source");
        this.decoding = new StreamDecoder(source, Objects.requireNonNull(b.changes, "changes"));
        this.index = Objects.requireNonNull(b.index, "index");
        this.deadLetters = Objects.requireNonNull(b.deadLetters, "deadLetters");
        this.batchSize = b.batchSize;
        this.maxWait = b.maxWait;
        this.commitIntervalNanos = b.commitInterval.toNanos();
        this.applyIntervalNanos = b.applyInterval.toNanos();
        this.maxGroupEvents = (b.queueBatches + 1) * b.batchSize;
        this.polled = new ArrayBlockingQueue<>(b.queueBatches);
        this.decoded = new ArrayBlockingQueue<>(b.queueBatches);
        MeterRegistry m = b.metrics != null ? b.metrics : new SimpleMeterRegistry();
        String name = source.name();
        eventsIn = Counter.builder("feedsearch.indexer.events")
                .tag("source", name)
                .description("events applied")
                .register(m);
        deadLettered = Counter.builder("feedsearch.indexer.dead_letters")
                .tag("source", name)
                .register(m);
        staleCount = Counter.builder("feedsearch.indexer.stale")
                .tag("source", name)
                .description("duplicate or out-of-order changes skipped by version")
                .register(m);
        batchTimer = Timer.builder("feedsearch.indexer.batch")
                .tag("source", name)
                .description("apply of one group of batches")
                .register(m);
        commitTimer = Timer.builder("feedsearch.indexer.commit")
                .tag("source", name)
                .description("index commit (durable) and checkpoint of the batches it covers")
                .register(m);
        // gauges read this instance: removed again at close, so a restarted stream's indexer registers its own
        this.metrics = m;
        this.gauges = List.of(
                Gauge.builder("feedsearch.indexer.lag.seconds", this, StreamIndexer::lagSecondsOrNaN)
                        .tag("source", name)
                        .register(m),
                Gauge.builder("feedsearch.indexer.queue.batches", this, si -> si.polled.size() + si.decoded.size())
                        .tag("source", name)
                        .register(m));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the reader, decoder, applier and committer threads. */
    public StreamIndexer start() {
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("already started");
        reader = Thread.ofPlatform().name("indexer-read-" + source.name()).start(this::readLoop);
        decoder = Thread.ofPlatform().name("indexer-decode-" + source.name()).start(this::decodeLoop);
        applier = Thread.ofPlatform().name("indexer-apply-" + source.name()).start(this::applyLoop);
        committer = Thread.ofPlatform().name("indexer-commit-" + source.name()).start(this::commitLoop);
        return this;
    }

    private void readLoop() {
        try {
            while (running.get()) {
                List<SourceEvent> batch = source.poll(batchSize, maxWait);
                lag.polled(batch);
                if (batch.isEmpty()) continue;
                // blocks while the later stages are behind: backpressure reaches the source
                while (running.get() && !polled.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    // keep waiting for room
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail("reading " + source.name(), t);
        } finally {
            readerDone = true;
        }
    }

    /** Validation and language detection dominate the cost: done here, in parallel, while the previous batch is applied. */
    private void decodeLoop() {
        try {
            while (true) {
                List<SourceEvent> batch = polled.poll(100, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    if (readerDone && polled.isEmpty()) return;
                    continue;
                }
                Decoded d = decoding.decodeAll(batch);
                while (!decoded.offer(d, 100, TimeUnit.MILLISECONDS)) {
                    if (failure.get() != null) return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail("decoding " + source.name(), t);
        } finally {
            decoderDone = true;
        }
    }

    private void applyLoop() {
        try {
            List<Decoded> group = new ArrayList<>();
            long lastApply = System.nanoTime() - applyIntervalNanos;
            while (true) {
                Decoded first = decoded.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    idle(true); // the committer makes what was applied durable now
                    if (decoderDone && decoded.isEmpty()) return; // everything read was applied
                    continue;
                }
                idle(false);
                // whatever else is already decoded goes into the same apply, and so does what arrives until
                // applyInterval has passed since the last one: one reader refresh per interval, not per batch
                group.clear();
                group.add(first);
                int events = first.events().size();
                long due = lastApply + applyIntervalNanos;
                while (events < maxGroupEvents) {
                    Decoded more = decoded.poll();
                    if (more == null) {
                        long wait = due - System.nanoTime();
                        if (wait <= 0 || (more = decoded.poll(wait, TimeUnit.NANOSECONDS)) == null) break;
                    }
                    group.add(more);
                    events += more.events().size();
                }
                lastApply = System.nanoTime();
                applyGroup(group);
                synchronized (handoff) {
                    uncommitted.addAll(group);
                    handoff.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail("applying " + source.name(), t);
        } finally {
            synchronized (handoff) {
                applierDone = true;
                handoff.notifyAll();
            }
        }
    }

    private void idle(boolean idle) {
        synchronized (handoff) {
            if (applierIdle == idle) return;
            applierIdle = idle;
            if (idle) handoff.notifyAll();
        }
    }

    /**
     * Commits what the applier handed over when commitInterval has passed since the last commit, the applier
     * is idle, or it has stopped (also after a failure elsewhere: what was applied before it is still made
     * durable and checkpointed); then checkpoints those batches in poll order. A commit may also cover part of
     * an apply running meanwhile: harmless, that part is checkpointed with its own group later (or replayed
     * after a crash, which versions make a no-op). A failed commit ends this loop: nothing after it is
     * checkpointed.
     */
    private void commitLoop() {
        try {
            long lastCommit = System.nanoTime();
            List<Decoded> batches = new ArrayList<>();
            while (true) {
                synchronized (handoff) {
                    while (true) {
                        long wait = lastCommit + commitIntervalNanos - System.nanoTime();
                        if (!uncommitted.isEmpty() && (applierIdle || applierDone || wait <= 0)) break;
                        if (uncommitted.isEmpty() && applierDone) return;
                        TimeUnit.NANOSECONDS.timedWait(
                                handoff, uncommitted.isEmpty() ? TimeUnit.SECONDS.toNanos(1) : Math.max(wait, 1));
                    }
                    batches.clear();
                    batches.addAll(uncommitted);
                    uncommitted.clear();
                }
                long t0 = System.nanoTime();
                commitAndCheckpoint(batches);
                lastCommit = System.nanoTime();
                commitTimer.record(lastCommit - t0, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail("committing " + source.name(), t);
        }
    }

    /** Applies one polled batch synchronously (decode, apply, commit, checkpoint). Used by {@link #drainOnce}. */
    void applyBatch(List<SourceEvent> batch) throws Exception {
        List<Decoded> group = List.of(decoding.decodeAll(batch));
        applyGroup(group);
        commitAndCheckpoint(group);
    }

    /**
     * Makes everything applied so far durable, then checkpoints {@code applied} in poll order: a position is
     * never saved before the changes up to it are committed.
     */
    private void commitAndCheckpoint(List<Decoded> applied) throws Exception {
        index.commit();
        for (Decoded d : applied) source.checkpoint(d.events());
    }

    /**
     * Dead letters first, then the index (visible to searches at once; durable at the next commit). A change the
     * engine throws on is dead-lettered too, before this returns: its position is checkpointed with the rest.
     */
    private void applyGroup(List<Decoded> group) throws Exception {
        long t0 = System.nanoTime();
        List<Good> changes = new ArrayList<>();
        int events = 0;
        for (Decoded d : group) {
            for (DeadLetterEntry e : d.dead()) {
                deadLetters.add(e);
                deadLettered.increment();
            }
            changes.addAll(d.changes());
            events += d.events().size();
        }
        IsolatingApplier.Outcome r = IsolatingApplier.apply(index, changes, Good::change, (g, why) -> {
            deadLetters.add(decoding.deadLetter(g.event(), null, IsolatingApplier.reason(why)));
            deadLettered.increment();
        });
        staleCount.increment(r.stale());
        eventsIn.increment(events);
        applied.addAndGet(events);
        lag.applied(events);
        batchTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    /**
     * Polls once and applies what came, on the caller's thread (for tests and the backfill step). Returns
     * the number of events handled. Not to be mixed with {@link #start()}.
     */
    public int drainOnce() throws Exception {
        List<SourceEvent> batch = source.poll(batchSize, maxWait);
        lag.polled(batch);
        if (!batch.isEmpty()) applyBatch(batch);
        return batch.size();
    }

    private void fail(String what, Throwable t) {
        if (failure.compareAndSet(null, t)) log.error("indexer stopped while {}: {}", what, t.toString(), t);
        running.set(false);
    }

    /** The error that stopped the pipeline, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /** Events applied (good and dead-lettered) since start. */
    public long applied() {
        return applied.get();
    }

    /**
     * How far behind the stream is: 0 while caught up (the last poll found the source drained and every event polled
     * before it is applied), else the seconds since it last was (since creation if never). A bound on the age of
     * the oldest change not yet applied, read from what the indexer knows: source record times are too coarse
     * (DynamoDB Local rounds them to the minute) and a quiet stream has no newer record to lower them.
     */
    public OptionalDouble lagSeconds() {
        return lag.lagSeconds();
    }

    private double lagSecondsOrNaN() {
        return lagSeconds().orElse(Double.NaN);
    }

    /** Stops reading, applies what is queued, commits and checkpoints it, and closes the source. */
    @Override
    public void close() throws Exception {
        running.set(false);
        try {
            if (reader != null) reader.join(30_000);
            if (decoder != null) decoder.join(60_000);
            if (applier != null) applier.join(60_000);
            if (committer != null) committer.join(60_000);
        } finally {
            gauges.forEach(metrics::remove);
            source.close();
        }
    }

    public static final class Builder {
        private ChangeSource source;
        private ChangeFactory changes;
        private PostWriter index;
        private DeadLetterStore deadLetters;
        private MeterRegistry metrics;
        private int batchSize = 1_000;
        private Duration maxWait = Duration.ofMillis(200);
        private int queueBatches = 4;
        private Duration commitInterval = Duration.ofSeconds(1);
        private Duration applyInterval = Duration.ofMillis(100);

        public Builder source(ChangeSource v) {
            source = v;
            return this;
        }

        public Builder changes(ChangeFactory v) {
            changes = v;
            return this;
        }

        public Builder index(PostWriter v) {
            index = v;
            return this;
        }

        public Builder deadLetters(DeadLetterStore v) {
            deadLetters = v;
            return this;
        }

        public Builder metrics(MeterRegistry v) {
            metrics = v;
            return this;
        }
        /** Most events per poll and per index batch (default 1000). */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }
        /** How long a poll waits for events before returning empty (default 200 ms). */
        public Builder maxWait(Duration v) {
            maxWait = v;
            return this;
        }
        /** Batches buffered between reader and applier (default 4): the memory bound. */
        public Builder queueBatches(int v) {
            queueBatches = v;
            return this;
        }
        /** Longest time applied changes wait for a commit (and their checkpoint) while more keep coming (default 1 s). */
        public Builder commitInterval(Duration v) {
            commitInterval = v;
            return this;
        }
        /**
         * Shortest time between two applies, each of which makes its changes searchable (a reader refresh in the
         * embedded engine); what arrives meanwhile joins the next one (default 100 ms). Adds at most this much
         * to the time until a change is searchable, and saves the refresh per small batch that would otherwise
         * cost the CPU the index needs under sustained load.
         */
        public Builder applyInterval(Duration v) {
            applyInterval = v;
            return this;
        }

        public StreamIndexer build() {
            return new StreamIndexer(this);
        }
    }
}
