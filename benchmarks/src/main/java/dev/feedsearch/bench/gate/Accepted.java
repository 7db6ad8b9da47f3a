package dev.feedsearch.bench.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * A metric's accepted level (benchmarks/results/gate-baseline.json, written by {@code --update-baseline}): the
 * median of the last accepted runs' medians, and their spread: the range of those medians (run to run) or the
 * widest round-to-round spread within one of them, whichever is larger.
 *
 * @param runs the accepted runs it comes from, newest last (at most {@link #KEEP})
 */
public record Accepted(double value, double spread, List<Run> runs) {
    static final int KEEP = 5;

    /** One accepted run: its median and the spread of its rounds. */
    public record Run(double median, double spread) {}

    public Accepted {
        runs = List.copyOf(runs);
    }

    public Accepted(double value, double spread) {
        this(value, spread, List.of(new Run(value, spread)));
    }

    /** The level after accepting one more run. */
    static Accepted of(List<Run> runs) {
        List<Run> kept = runs.subList(Math.max(0, runs.size() - KEEP), runs.size());
        List<Double> medians = new ArrayList<>();
        double within = 0;
        for (Run r : kept) {
            medians.add(r.median());
            within = Math.max(within, r.spread());
        }
        Measured m = new Measured("accepted", medians);
        return new Accepted(Gate.round(m.median()), Gate.round(Math.max(m.spread(), within)), kept);
    }
}
