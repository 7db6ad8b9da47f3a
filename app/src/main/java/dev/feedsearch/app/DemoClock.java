package dev.feedsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Dates the demo's sample relative to the moment the demo starts. The committed sample is dated September and
 * October: weeks later every recency feature was ~0 and the feed's popular window (the last 48 h) was empty. Each
 * {@code created_at} is mapped linearly so the newest record is {@link #NEWEST_AGE} old and the oldest
 * {@link #NEWEST_AGE} + {@link #SPAN}, keeping every record's order (and so every cursor's) as the sample has it.
 */
final class DemoClock {
    static final Duration NEWEST_AGE = Duration.ofMinutes(5);
    static final Duration SPAN = Duration.ofDays(21);

    private DemoClock() {}

    /** Copies of the records with {@code created_at} moved; a record without one is copied as it is. */
    static List<JsonNode> relativeTo(List<JsonNode> records, Instant start) {
        Instant oldest = null, newest = null;
        for (JsonNode r : records) {
            Instant t = createdAt(r);
            if (t == null) continue;
            if (oldest == null || t.isBefore(oldest)) oldest = t;
            if (newest == null || t.isAfter(newest)) newest = t;
        }
        List<JsonNode> out = new ArrayList<>(records.size());
        Instant end = start.minus(NEWEST_AGE);
        double scale = oldest == null || !newest.isAfter(oldest)
                ? 0
                : (double) SPAN.toMillis() / Duration.between(oldest, newest).toMillis();
        for (JsonNode r : records) {
            Instant t = createdAt(r);
            if (t == null) {
                out.add(r.deepCopy());
                continue;
            }
            long before = Math.round(Duration.between(t, newest).toMillis() * scale);
            // whole seconds, as the sample writes them; the rounding keeps order (equal times stay equal)
            Instant moved = end.minusMillis(before).truncatedTo(ChronoUnit.SECONDS);
            out.add(((ObjectNode) r.deepCopy()).put("created_at", moved.toString()));
        }
        return out;
    }

    private static Instant createdAt(JsonNode r) {
        JsonNode t = r.get("created_at");
        return t == null || !t.isTextual() ? null : Instant.parse(t.asText());
    }
}
