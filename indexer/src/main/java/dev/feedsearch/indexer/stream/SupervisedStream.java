package dev.feedsearch.indexer.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one change stream running. When its {@link StreamIndexer} stops on an error (the database closed the
 * replication connection, a network cut, the index refused a commit), the indexer is closed, which commits and
 * checkpoints what it had applied, and the stream is opened again from its checkpoints after a backoff:
 * {@link #minBackoff} doubling up to {@link #maxBackoff}, with jitter, reset once a stream has run for
 * {@code maxBackoff}. Nothing is lost across a restart: the source replays from the last checkpoint and
 * versions make the overlap harmless.
 *
 * <p>{@link #problem()} names the error while the stream is down, for {@code /ready}.
 */
public final class SupervisedStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SupervisedStream.class);

    /** Opens the source from its checkpoints and returns its indexer, started. Called once per (re)start. */
    @FunctionalInterface
    public interface Opener {
        StreamIndexer open() throws Exception;
    }

    private final String name;
    private final Opener opener;
    private final Duration minBackoff, maxBackoff, watchEvery;
    private final Counter restartCounter;
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong appliedBefore = new AtomicLong(); // by indexers that have stopped
    private volatile StreamIndexer current;
    private volatile Throwable down; // the error the stream is down for, null while it runs
    private volatile boolean closed;
    private final Thread watcher;

    private SupervisedStream(Builder b) throws Exception {
        this.name = Objects.requireNonNull(b.name, "name");
        this.opener = Objects.requireNonNull(b.opener, "opener");
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.watchEvery = b.watchEvery;
        MeterRegistry m = b.metrics != null ? b.metrics : new SimpleMeterRegistry();
        this.restartCounter = Counter.builder("feedsearch.indexer.restarts")
                .tag("source", name)
                .description("times the stream was opened again after it stopped on an error")
                .register(m);
        this.current = opener.open(); // the first open fails the caller: a misconfigured source is not retried
        this.watcher =
                Thread.ofPlatform().daemon().name("indexer-supervise-" + name).start(this::watch);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs on its own thread until close. Never interrupted: an interrupt landing in an indexer's close or in an
     * opener (which writes to the shared index during a backfill) could break what it interrupts; it sleeps on
     * this object's monitor instead, which close() wakes.
     */
    private void watch() {
        long backoffNanos = minBackoff.toNanos();
        long startedAt = System.nanoTime();
        while (pause(watchEvery.toNanos())) {
            StreamIndexer s;
            synchronized (this) {
                s = current;
                if (s == null || s.failure() == null) continue;
                down = s.failure();
                current = null; // taken out under the lock: close() cannot take it too
                appliedBefore.addAndGet(s.applied()); // counted at once: applied() never dips
            }
            log.warn("stream {} stopped; closing it and opening it again from its checkpoints", name, down);
            long counted = s.applied();
            closeQuietly(s); // it still commits and checkpoints what it had applied, maybe applying a little more
            appliedBefore.addAndGet(s.applied() - counted);
            if (System.nanoTime() - startedAt >= maxBackoff.toNanos())
                backoffNanos = minBackoff.toNanos(); // it ran a while
            while (true) {
                long sleep = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
                if (!pause(sleep)) return;
                backoffNanos = Math.min(maxBackoff.toNanos(), backoffNanos * 2);
                StreamIndexer next;
                try {
                    next = opener.open();
                } catch (Throwable e) { // an Error too: this thread is what keeps the stream alive
                    down = e;
                    log.warn(
                            "opening stream {} again failed; next attempt within {} ms",
                            name,
                            backoffNanos / 1_000_000,
                            e);
                    if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
                    continue;
                }
                synchronized (this) {
                    if (closed) {
                        closeQuietly(next);
                        return;
                    }
                    current = next;
                    down = null;
                }
                startedAt = System.nanoTime();
                restarts.incrementAndGet();
                restartCounter.increment();
                log.info("stream {} running again (restart {})", name, restarts.get());
                break;
            }
        }
    }

    /** Waits up to {@code nanos} unless closed meanwhile; false once closed. */
    private synchronized boolean pause(long nanos) {
        long until = System.nanoTime() + nanos;
        try {
            for (long left = nanos; !closed && left > 0; left = until - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    private void closeQuietly(StreamIndexer s) {
        try {
            s.close();
        } catch (Exception e) {
            log.warn("closing the stopped stream {} failed", name, e);
        }
    }

    /** The source's name, which is also the key of its checkpoints. */
    public String name() {
        return name;
    }

    /** Why the stream is down (it is being opened again), or null while it runs. */
    public Throwable problem() {
        StreamIndexer s = current;
        Throwable f = s == null ? null : s.failure();
        return f != null ? f : down;
    }

    /** Times the stream was opened again after an error. */
    public long restarts() {
        return restarts.get();
    }

    /** Events applied since the first start, over every restart. */
    public synchronized long applied() {
        StreamIndexer s = current;
        return appliedBefore.get() + (s == null ? 0 : s.applied());
    }

    /** The running indexer's lag; empty while down or before its first event. */
    public OptionalDouble lagSeconds() {
        StreamIndexer s = current;
        return s == null ? OptionalDouble.empty() : s.lagSeconds();
    }

    /**
     * Stops watching, waits for a restart in progress (an indexer being closed or opened) to finish, and closes
     * the running indexer (drains, commits, checkpoints).
     */
    @Override
    public void close() throws Exception {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        // a restart in progress ends first: never two pipelines, never an index closed under one; an opener stuck
        // on an unanswering network is not waited for forever
        watcher.join(Duration.ofMinutes(1));
        if (watcher.isAlive()) log.warn("stream {}: a restart still in progress after 1 min; closing without it", name);
        StreamIndexer s;
        synchronized (this) {
            s = current;
            current = null;
        }
        if (s != null) s.close();
    }

    public static final class Builder {
        private String name;
        private Opener opener;
        private MeterRegistry metrics;
        private Duration minBackoff = Duration.ofSeconds(1),
                maxBackoff = Duration.ofMinutes(1),
                watchEvery = Duration.ofMillis(250);

        /** For logs and metrics: the source's name. */
        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder opener(Opener v) {
            opener = v;
            return this;
        }

        public Builder metrics(MeterRegistry v) {
            metrics = v;
            return this;
        }
        /** First wait before opening again (default 1 s); doubles per failed attempt. */
        public Builder minBackoff(Duration v) {
            minBackoff = v;
            return this;
        }
        /** Longest wait between attempts (default 1 min). */
        public Builder maxBackoff(Duration v) {
            maxBackoff = v;
            return this;
        }

        /** Opens the stream (an error here is the caller's) and starts watching it. */
        public SupervisedStream start() throws Exception {
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff");
            }
            return new SupervisedStream(this);
        }
    }
}
