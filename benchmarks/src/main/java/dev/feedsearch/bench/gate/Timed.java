package dev.feedsearch.bench.gate;

import org.HdrHistogram.Histogram;

import java.time.Duration;

/** Runs one side of a ratio for a while, recording each operation's latency (ns). */
final class Timed {
    interface Op {
        void run(int i) throws Exception;
    }

    private Timed() {}

    /** Calls {@code op} with 0, 1, 2, … until {@code budget} has passed (at least {@code minOps} times). */
    static Histogram run(Duration budget, int minOps, Op op) throws Exception {
        Histogram h = new Histogram(60_000_000_000L, 3);
        long end = System.nanoTime() + budget.toNanos();
        for (int i = 0; i < minOps || System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            op.run(i);
            h.recordValue(System.nanoTime() - t0);
        }
        return h;
    }

    static double ms(double nanos) {
        return nanos / 1e6;
    }
}
