package dev.feedsearch.core.index;

/**
 * How many posts a search matches for its viewer, counted exactly up to {@link #LIMIT} and past that reported as
 * "at least {@link #LIMIT}" (OpenSearch's {@code track_total_hits} contract, which both engines follow).
 */
public record HitTotal(long value, boolean atLeast) {
    public static final int LIMIT = 10_000;

    /** The total of an exact count, capped at {@link #LIMIT}. */
    public static HitTotal of(long exact, boolean lowerBound) {
        return exact > LIMIT || (lowerBound && exact >= LIMIT)
                ? new HitTotal(LIMIT, true)
                : new HitTotal(exact, lowerBound);
    }

    /** {@code eq} or {@code gte}, as the API writes it. */
    public String relation() {
        return atLeast ? "gte" : "eq";
    }
}
