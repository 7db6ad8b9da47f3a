package dev.feedsearch.bench.gate;

/**
 * A metric's last accepted level (benchmarks/results/gate-baseline.json, written by {@code --update-baseline}):
 * its median and the spread of its rounds in the run that was accepted.
 */
public record Accepted(double value, double spread) {}
