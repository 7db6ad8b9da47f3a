package dev.feedsearch.indexer.reindex;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/**
 * The posts table of the source of truth, read in pages from a resumable position: what a reindex
 * {@code --from source} fills the new versions from. Records are in the change path's JSON contract (the same
 * mapping the stream and the backfill use), so they decode, validate and detect exactly as streamed changes do.
 */
public interface SourceSnapshot {
    /** One page: its records, and the position to read on from (null: the table is done). */
    record Page(List<JsonNode> records, String next) {}

    /** Up to {@code max} post records after {@code position} (null: from the start). */
    Page read(String position, int max) throws IOException;

    /** How many post rows the table holds now (for progress; may be approximate). */
    long count() throws IOException;

    /** For status and logs, e.g. "dynamodb table posts". */
    String describe();
}
