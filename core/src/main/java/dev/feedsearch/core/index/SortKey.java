package dev.feedsearch.core.index;

import java.util.Objects;

/**
 * A keyset position: the primary sort value (epoch millis for {@code recent}, the float score's raw
 * bits for {@code relevance}) and the post id as tie-breaker. The next page starts strictly after it.
 */
public record SortKey(long value, String id) {
    public SortKey {
        Objects.requireNonNull(id, "id");
    }

    public static SortKey ofScore(float score, String id) {
        return new SortKey(Float.floatToIntBits(score), id);
    }

    public float score() {
        return Float.intBitsToFloat((int) value);
    }
}
