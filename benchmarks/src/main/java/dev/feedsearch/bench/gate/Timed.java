package dev.feedsearch.bench.gate;

/** Nanoseconds, as the probes' histograms record them, in the milliseconds the results report. */
final class Timed {
    private Timed() {}

    static double ms(double nanos) {
        return nanos / 1e6;
    }
}
