package dev.feedsearch.bench.gate;

import java.util.ArrayList;
import java.util.List;

/** One metric's values over the rounds of a run. */
public record Measured(String metric, List<Double> rounds) {
    public Measured {
        if (rounds.isEmpty()) throw new IllegalArgumentException(metric + ": no rounds");
        rounds = List.copyOf(rounds);
    }

    /** The median of the rounds: the run's value. */
    public double median() {
        List<Double> s = new ArrayList<>(rounds);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The spread of the rounds (max − min): how far this machine moved the ratio within one run. */
    public double spread() {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double v : rounds) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }
}
