package dev.feedsearch.core.index;

import dev.feedsearch.core.model.IndexChange;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The seam between the data path and an engine. Both engines (embedded Lucene, OpenSearch) give the
 * same observable behaviour; ranking and caching live above this interface.
 */
public interface PostIndex extends AutoCloseable {

    /**
     * Applies changes idempotently: per key, a change whose version is not newer than the stored one is
     * a no-op; deletes leave a tombstone so a late, older upsert cannot revive the post. Changes are
     * visible to {@link #search} when this returns; durable after {@link #commit}.
     */
    ApplyResult apply(List<? extends IndexChange> changes) throws IOException;

    /** Makes every applied change durable (call before checkpointing a source position). */
    void commit() throws IOException;

    /** One page of hits the viewer may see, with the keyset position of the next page if any. */
    SearchPage search(SearchQuery query) throws IOException;

    /** The post as indexed, if it exists, is not deleted and {@code viewer} may see it. */
    Optional<IndexedPost> get(String id, String viewer) throws IOException;

    /** Authors that {@code viewer} currently follows. */
    Set<String> followees(String viewer) throws IOException;

    /**
     * Visits every post the index remembers, live or deleted (tombstone), with its stored version: what
     * reconciliation against a source of truth compares.
     */
    void forEachPostVersion(PostVersionVisitor visitor) throws IOException;

    @FunctionalInterface
    interface PostVersionVisitor {
        void visit(String id, long version, boolean deleted) throws IOException;
    }

    /** Counts for /ready and the operators. */
    IndexStats stats() throws IOException;

    @Override
    void close() throws IOException;
}
