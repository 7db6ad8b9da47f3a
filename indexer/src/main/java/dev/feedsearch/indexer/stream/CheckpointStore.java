package dev.feedsearch.indexer.stream;

import java.io.IOException;
import java.util.Map;

/**
 * Durable source positions: for each source, a map of partition (e.g. shard id) to the last applied
 * position (or a marker such as {@code SHARD_END}). Written only after the index is durable.
 */
public interface CheckpointStore {
    Map<String, String> load(String source) throws IOException;

    /** Replaces the stored positions of {@code source} with {@code positions}, atomically. */
    void save(String source, Map<String, String> positions) throws IOException;
}
