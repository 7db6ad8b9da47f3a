package dev.feedsearch.indexer;

import java.time.Instant;

/**
 * A record that could not be indexed: where it came from ({@code source} + {@code position}, e.g. a file
 * and line number or a shard and sequence number), why, the raw record as the source gave it, and, when
 * the source could map it, the ingest-contract JSON ({@code record}) that {@code dlq replay} re-submits.
 */
public record DeadLetterEntry(Instant at, String source, String position, String field, String reason, String raw,
                              String record) {}
