package dev.feedsearch.bench.gate;

import java.util.Locale;

/** One gated metric's limit, from benchmarks/gate.json: a ratio that must stay at most or at least {@code limit}. */
public record Threshold(String metric, Direction direction, double limit, String reason) {

    public enum Direction {
        AT_MOST("<="),
        AT_LEAST(">=");

        final String symbol;

        Direction(String symbol) {
            this.symbol = symbol;
        }

        /** True when {@code value} is on the good side of {@code limit}. */
        boolean holds(double value, double limit) {
            return this == AT_MOST ? value <= limit : value >= limit;
        }

        /** How much worse {@code value} is than {@code reference} (positive: worse). */
        double worseBy(double value, double reference) {
            return this == AT_MOST ? value - reference : reference - value;
        }
    }

    public Threshold {
        if (!Double.isFinite(limit)) throw new IllegalArgumentException(metric + ": the limit must be a finite number");
    }

    public Threshold withLimit(double newLimit) {
        return new Threshold(metric, direction, newLimit, reason);
    }

    /** The line {@code --list} prints: {@code NAME <= VALUE}. */
    public String rule() {
        return String.format(Locale.ROOT, "%s %s %s", metric, direction.symbol, Gate.number(limit));
    }
}
