package dev.feedsearch.core.reindex;

import java.util.List;

/**
 * What a data engineer asks for: rebuild these language groups with the current mappings.
 *
 * @param groups         the groups to rebuild (validated against the mappings)
 * @param from           {@code index}: copy each group's posts from its serving version
 * @param throttlePerSec at most this many posts copied per second (0: unthrottled), so live search keeps its budget
 * @param batch          posts per copy batch (and per persisted progress step)
 * @param retainMinutes  how long the previous version is kept (and still written) after the swap, for rollback
 */
public record ReindexRequest(List<String> groups, String from, int throttlePerSec, int batch, int retainMinutes) {
    public ReindexRequest {
        groups = List.copyOf(groups);
    }
}
