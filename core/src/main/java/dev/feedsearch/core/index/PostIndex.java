package dev.feedsearch.core.index;

import dev.feedsearch.core.reindex.Rebuildable;
import java.io.IOException;
import java.util.Optional;

/**
 * One engine's index (embedded Lucene or OpenSearch): the seam between the data path and an engine. Each job has its
 * own interface: query-service reads ({@link PostReader}), the indexer writes ({@link PostWriter}), caches ask
 * {@link #changes()} what changed, the reindex job drives {@link #rebuilds()}, and feeds share {@link #sessions()}.
 */
public interface PostIndex extends PostReader, PostWriter, AutoCloseable {

    /** What changed since a generation: what keeps caches above this index exact. */
    ChangeTracker changes();

    /** The engine's blue/green rebuilds of a language group, if it has them. */
    Optional<Rebuildable> rebuilds();

    /**
     * Sessions shared by every process serving this index, when more than one can (OpenSearch); empty when one
     * process owns the index (embedded), whose own memory is then the only place a session needs to be.
     */
    Optional<SessionStore> sessions();

    @Override
    void close() throws IOException;
}
