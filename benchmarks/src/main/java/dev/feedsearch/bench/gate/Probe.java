package dev.feedsearch.bench.gate;

import java.util.List;

/**
 * One measured path of the performance gate. Each gated metric is a ratio of a subject (what feedsearch does)
 * to a baseline (the same work done by the bare library or server), both measured inside the same round,
 * back to back, so that a slow or noisy machine moves both. The gate runs every probe's rounds interleaved
 * with the other probes' rounds and takes the median.
 */
public interface Probe extends AutoCloseable {

    /** A short name, used by {@code --only}. */
    String name();

    /** The gated metrics each {@link #round} yields (each must have a threshold in benchmarks/gate.json). */
    List<String> metrics();

    /** Builds what the rounds need and warms both sides up; not timed. */
    void open(GateContext context) throws Exception;

    /** One round: every baseline and its subject measured back to back. */
    Round round(int round) throws Exception;

    @Override
    default void close() throws Exception {}
}
