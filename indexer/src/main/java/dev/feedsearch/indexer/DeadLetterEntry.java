package dev.feedsearch.indexer;

import java.time.Instant;

/**
 * A record that could not be indexed: where it came from ({@code source} + {@code position}, e.g. a file
 * and line number or a shard and sequence number), why, the raw record as the source gave it, and, when
 * the source could map it to something else, the ingest-contract JSON ({@code record}) that {@code dlq replay}
 * re-submits. A record that is its raw form (a JSONL line) is stored once: {@code record} is then null and replay
 * re-submits {@code raw}.
 */
public record DeadLetterEntry(
        Instant at, String source, String position, String field, String reason, String raw, String record) {
    public DeadLetterEntry {
        if (record != null && record.equals(raw)) record = null;
    }

    /** What {@code dlq replay} re-submits. */
    public String replayable() {
        return record != null ? record : raw;
    }
}
