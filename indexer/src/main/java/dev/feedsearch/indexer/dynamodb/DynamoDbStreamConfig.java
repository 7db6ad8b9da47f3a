package dev.feedsearch.indexer.dynamodb;

import java.time.Duration;
import java.util.Objects;

/**
 * One table's stream as a change source.
 *
 * @param table            the table (its stream must be enabled with view type NEW_AND_OLD_IMAGES)
 * @param start            where to begin in a shard nothing was checkpointed for and whose parent was never
 *                         read: {@link Start#TRIM_HORIZON} (everything the stream still holds, up to 24 h) or
 *                         {@link Start#LATEST} (only changes from now on; closed shards are skipped)
 * @param idleBackoff      pause between rounds of GetRecords that brought nothing (AWS allows ~5 GetRecords
 *                         per second per shard; 250 ms keeps freshness well under a second)
 * @param describeInterval how often the shard list is re-read even when no shard ended (new shards otherwise
 *                         show up as soon as their parent's iterator ends)
 */
public record DynamoDbStreamConfig(String table, Start start, Duration idleBackoff, Duration describeInterval) {

    public enum Start {
        TRIM_HORIZON,
        LATEST
    }

    public DynamoDbStreamConfig {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(start, "start");
        if (idleBackoff.isNegative() || describeInterval.isNegative())
            throw new IllegalArgumentException("negative duration");
    }

    /** TRIM_HORIZON, 250 ms idle backoff, shard list re-read every 10 s. */
    public static DynamoDbStreamConfig of(String table) {
        return new DynamoDbStreamConfig(table, Start.TRIM_HORIZON, Duration.ofMillis(250), Duration.ofSeconds(10));
    }

    public DynamoDbStreamConfig withStart(Start s) {
        return new DynamoDbStreamConfig(table, s, idleBackoff, describeInterval);
    }

    public DynamoDbStreamConfig withIdleBackoff(Duration d) {
        return new DynamoDbStreamConfig(table, start, d, describeInterval);
    }

    /** The source name in metrics, checkpoints and dead-letter entries: {@code dynamodb:<table>}. */
    public String sourceName() {
        return "dynamodb:" + table;
    }
}
