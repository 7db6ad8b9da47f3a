package dev.feedsearch.indexer.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

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
        this.restartCounter = Counter.builder("feedsearch.indexer.restarts").tag("source", name)
                .description("times the stream was opened again after it stopped on an error").register(m);
        this.current = opener.open(); // the first open fails the caller: a misconfigured source is not retried
        this.watcher = Thread.ofPlatform().daemon().name("indexer-supervise-" + name).start(this::watch);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void watch() {
        long backoffNanos = minBackoff.toNanos();
        long startedAt = System.nanoTime();
        try {
            while (!closed) {
                Thread.sleep(watchEvery.toMillis());
                StreamIndexer s = current;
                Throwable f = s == null ? null : s.failure();
                if (f == null) continue;
                down = f;
                current = null;
                closeQuietly(s);
                appliedBefore.addAndGet(s.applied());
                if (System.nanoTime() - startedAt >= maxBackoff.toNanos()) backoffNanos = minBackoff.toNanos(); // it ran a while
                while (!closed) {
                    long sleep = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
                    log.warn("stream {} stopped ({}); opening it again in {} ms", name, down.toString(), sleep / 1_000_000);
                    Thread.sleep(sleep / 1_000_000);
                    backoffNanos = Math.min(maxBackoff.toNanos(), backoffNanos * 2);
                    if (closed) return;
                    try {
                        StreamIndexer next = opener.open();
                        synchronized (this) {
                            if (closed) {
                                closeQuietly(next);
                                return;
                            }
                            current = next;
                        }
                        startedAt = System.nanoTime();
                        down = null;
                        restarts.incrementAndGet();
                        restartCounter.increment();
                        log.info("stream {} running again (restart {})", name, restarts.get());
                        break;
                    } catch (Exception e) {
                        down = e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(StreamIndexer s) {
        try {
            s.close();
        } catch (Exception e) {
            log.warn("closing the stopped stream {} failed: {}", name, e.toString());
        }
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
    public long applied() {
        StreamIndexer s = current;
        return appliedBefore.get() + (s == null ? 0 : s.applied());
    }

    /** The running indexer's lag; empty while down or before its first event. */
    public OptionalDouble lagSeconds() {
        StreamIndexer s = current;
        return s == null ? OptionalDouble.empty() : s.lagSeconds();
    }

    /** Stops watching and closes the running indexer (drains, commits, checkpoints). */
    @Override
    public void close() throws Exception {
        StreamIndexer s;
        synchronized (this) {
            closed = true;
            s = current;
            current = null;
        }
        watcher.interrupt();
        watcher.join(10_000);
        if (s != null) s.close();
    }

    public static final class Builder {
        private String name;
        private Opener opener;
        private MeterRegistry metrics;
        private Duration minBackoff = Duration.ofSeconds(1), maxBackoff = Duration.ofMinutes(1), watchEvery = Duration.ofMillis(250);

        /** For logs and metrics: the source's name. */
        public Builder name(String v) { name = v; return this; }
        public Builder opener(Opener v) { opener = v; return this; }
        public Builder metrics(MeterRegistry v) { metrics = v; return this; }
        /** First wait before opening again (default 1 s); doubles per failed attempt. */
        public Builder minBackoff(Duration v) { minBackoff = v; return this; }
        /** Longest wait between attempts (default 1 min). */
        public Builder maxBackoff(Duration v) { maxBackoff = v; return this; }

        /** Opens the stream (an error here is the caller's) and starts watching it. */
        public SupervisedStream start() throws Exception {
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff");
            }
            return new SupervisedStream(this);
        }
    }
}
