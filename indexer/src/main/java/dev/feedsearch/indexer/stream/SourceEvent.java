package dev.feedsearch.indexer.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change read from a source, already mapped to the ingest JSON contract (a post or follow-edge
 * object, see ARCHITECTURE.md) but not yet validated. When the source could not even map it
 * ({@code record == null}), {@code mappingError} says why; it then goes to the dead-letter store.
 *
 * @param partition where ordering holds (a DynamoDB shard id, a PostgreSQL slot)
 * @param position  the source position of this event inside its partition (sequence number, LSN)
 * @param eventTime when the source recorded the change (for lag), or null if unknown
 * @param raw       the native record as text, kept for the dead-letter store
 */
public record SourceEvent(
        String partition, String position, Instant eventTime, JsonNode record, String raw, String mappingError) {

    public static SourceEvent of(String partition, String position, Instant eventTime, JsonNode record, String raw) {
        return new SourceEvent(partition, position, eventTime, record, raw, null);
    }

    public static SourceEvent unmappable(
            String partition, String position, Instant eventTime, String raw, String error) {
        return new SourceEvent(partition, position, eventTime, null, raw, error);
    }
}
