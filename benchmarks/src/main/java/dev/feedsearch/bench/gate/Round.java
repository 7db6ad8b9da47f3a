package dev.feedsearch.bench.gate;

import java.util.Map;

/**
 * What one round of a probe measured: the gated {@code ratios} (subject ÷ baseline, or baseline ÷ subject for
 * throughput, as each metric's name and threshold say), and {@code figures}, absolute values (ms, posts/s)
 * that are recorded in the results but not gated, because a shared machine moves them too much.
 */
public record Round(Map<String, Double> ratios, Map<String, Double> figures) {
    public Round {
        ratios = Map.copyOf(ratios);
        figures = Map.copyOf(figures);
    }
}
