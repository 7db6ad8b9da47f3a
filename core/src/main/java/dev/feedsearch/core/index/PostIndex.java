package dev.feedsearch.core.index;

import dev.feedsearch.core.reindex.Rebuildable;
import java.io.IOException;
import java.util.Optional;

/**
 * One engine's index (embedded Lucene or OpenSearch): the seam between the data path and an engine. Each job has its
 * own interface: query-service reads ({@link PostReader}), the indexer writes ({@link PostWriter}), caches ask
 * {@link #changes()} what changed, and the reindex job drives {@link #rebuilds()}.
 */
public interface PostIndex extends PostReader, PostWriter, AutoCloseable {

    /** What changed since a generation: what keeps caches above this index exact. */
    ChangeTracker changes();

    /** The engine's blue/green rebuilds of a language group, if it has them. */
    Optional<Rebuildable> rebuilds();

    @Override
    void close() throws IOException;
}
