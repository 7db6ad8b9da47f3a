package dev.feedsearch.bench.gate;

/**
 * The gate's decision on one metric.
 *
 * @param accepted  the accepted level, or null when the baseline has none (a new metric)
 * @param tolerance how much worse than {@code accepted} the value may be: the larger of the accepted run's spread
 *                  and this run's spread
 */
public record Verdict(
        Threshold threshold, Measured measured, Accepted accepted, double tolerance, Status status, String why) {

    public enum Status {
        PASS,
        FAIL_THRESHOLD,
        FAIL_REGRESSION,
        FAIL_MISSING
    }

    public boolean failed() {
        return status != Status.PASS;
    }
}
