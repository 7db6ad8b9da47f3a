package dev.feedsearch.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the work searches and feeds may put on the machine. At most {@code maxConcurrent} run at once, each on a
 * platform thread of its own pool (request threads are virtual, so /health and /ready never wait behind a search for
 * a thread or a carrier); a request that finds no free slot within {@code queueWait} is refused with 503 and
 * Retry-After. A search that runs past its {@code budget} is answered with 503 {@code timeout}; it keeps its slot
 * until it finishes, so timed-out work still counts against the bound instead of piling up behind it.
 */
public final class Admission implements AutoCloseable {
    /** The limits: concurrent searches, how long a request waits for a slot, and each search's time budget. */
    public record Limits(int maxConcurrent, Duration queueWait, Duration budget) {
        public Limits {
            if (maxConcurrent < 1 || maxConcurrent > 1_024)
                throw new IllegalArgumentException("limits.max_concurrent_searches must be within 1..1024");
            if (queueWait.isNegative() || queueWait.toMillis() > 60_000)
                throw new IllegalArgumentException("limits.queue_wait_ms must be within 0..60000");
            if (budget.toMillis() < 1 || budget.toMillis() > 600_000)
                throw new IllegalArgumentException("limits.search_budget_ms must be within 1..600000");
        }

        /** Two searches per core (each is CPU-bound), a short wait for a slot, 5 s per search. */
        public static Limits defaults() {
            return new Limits(
                    Math.max(2, 2 * Runtime.getRuntime().availableProcessors()),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(5));
        }
    }

    private final Limits limits;
    private final Semaphore slots;
    private final ExecutorService pool;
    private final Counter overloaded, timedOut;

    public Admission(Limits limits, MeterRegistry metrics) {
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConcurrent(), true);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(limits.maxConcurrent(), r -> {
            Thread t = new Thread(r, "feedsearch-search-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.overloaded = Counter.builder("feedsearch.admission.refused")
                .tag("reason", "overloaded")
                .register(metrics);
        this.timedOut = Counter.builder("feedsearch.admission.refused")
                .tag("reason", "timeout")
                .register(metrics);
    }

    public Limits limits() {
        return limits;
    }

    /** Runs {@code work} within the bound and the budget. @throws ApiException 503 when refused or out of time */
    public <T> T run(Callable<T> work) throws Exception {
        if (!slots.tryAcquire(limits.queueWait().toNanos(), TimeUnit.NANOSECONDS)) {
            overloaded.increment();
            throw new ApiException(503, "overloaded", null, "too many searches at once; retry shortly")
                    .retryAfterSeconds(1);
        }
        Future<T> f;
        try {
            f = pool.submit(() -> {
                try {
                    return work.call();
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException rejected) {
            slots.release();
            throw rejected;
        }
        try {
            return f.get(limits.budget().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut.increment();
            throw new ApiException(
                            503,
                            "timeout",
                            null,
                            "the search ran past its time budget of "
                                    + limits.budget().toMillis() + " ms; narrow it (fewer words, a filter) or retry")
                    .retryAfterSeconds(1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
