package dev.feedsearch.indexer;

import dev.feedsearch.core.index.PostWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges, on a schedule, the tombstones and undone follow edges older than a retention
 * ({@link PostWriter#purgeDeletions}): without it they pile up for ever, one per delete. The retention must
 * outlast any source's redelivery of old changes (see there).
 */
public final class DeletionPurge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeletionPurge.class);

    private final PostWriter index;
    private final Duration retention;
    private final Clock clock;
    private final Counter purged;
    private final ScheduledExecutorService timer;

    private DeletionPurge(PostWriter index, Duration retention, Duration every, Clock clock, MeterRegistry metrics) {
        if (retention.isNegative() || retention.isZero())
            throw new IllegalArgumentException("retention must be positive");
        if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("every must be positive");
        this.index = Objects.requireNonNull(index, "index");
        this.retention = retention;
        this.clock = clock;
        this.purged = Counter.builder("feedsearch.index.deletions.purged")
                .description("tombstones and undone follow edges purged after their retention")
                .register(metrics);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("deletion-purge").unstarted(r));
        timer.scheduleWithFixedDelay(this::runOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Purges every {@code every}, the first time after one {@code every}. */
    public static DeletionPurge start(
            PostWriter index, Duration retention, Duration every, Clock clock, MeterRegistry metrics) {
        return new DeletionPurge(index, retention, every, clock, metrics != null ? metrics : new SimpleMeterRegistry());
    }

    /** One purge now; failures are logged and retried at the next run (nothing is lost by waiting). */
    public void runOnce() {
        try {
            long n = index.purgeDeletions(clock.instant().minus(retention));
            purged.increment(n);
            if (n > 0) log.info("purged {} tombstones and undone follow edges older than {}", n, retention);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // anything else: a scheduled task that throws is never run again
            log.warn("purging deletions failed; next run retries", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown(); // not shutdownNow: an interrupt inside a Lucene write can close the index's files under it
        // a purge in progress finishes before the index closes (within what a shutdown hook waits for)
        if (!timer.awaitTermination(8, TimeUnit.SECONDS)) log.warn("a purge is still running at shutdown");
    }
}
