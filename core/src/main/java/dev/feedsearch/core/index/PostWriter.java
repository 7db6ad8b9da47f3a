package dev.feedsearch.core.index;

import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The write side of an index, what the indexer sees: apply changes in version order, make them durable, and the
 * visitors and purge that reconciliation and retention need.
 */
public interface PostWriter {

    /**
     * Applies changes idempotently: per key, a change whose version is not newer than the stored one is
     * a no-op; deletes leave a tombstone so a late, older upsert cannot revive the post. Changes are
     * visible to {@link PostReader#search} when this returns; durable after {@link #commit}.
     */
    ApplyResult apply(List<? extends IndexChange> changes) throws IOException;

    /** Makes every applied change durable (call before checkpointing a source position). */
    void commit() throws IOException;

    /**
     * Visits every post the index remembers, live or deleted (tombstone), with its stored version: what
     * reconciliation against a source of truth compares.
     */
    void forEachPostVersion(PostVersionVisitor visitor) throws IOException;

    @FunctionalInterface
    interface PostVersionVisitor {
        void visit(String id, long version, boolean deleted) throws IOException;
    }

    /**
     * Visits every follow, mute and block edge the index remembers, active or undone, with its stored version
     * ({@code createdAt} is null): what a backfill compares with the source table to remove edges that were
     * deleted while no change stream was read.
     */
    void forEachFollowEdge(FollowEdgeVisitor visitor) throws IOException;

    @FunctionalInterface
    interface FollowEdgeVisitor {
        void visit(FollowEdge edge) throws IOException;
    }

    /**
     * Removes what deletes left behind before {@code before}: post tombstones and undone follow edges. Returns how
     * many. A tombstone is what refuses a late, older upsert of a deleted post; once purged, a change older than
     * the delete would revive the post. So purge only past the longest time a source can redeliver an old change
     * (the DynamoDB stream's 24 h retention; a PostgreSQL slot's unacknowledged tail; a JSONL file fed again).
     */
    long purgeDeletions(Instant before) throws IOException;
}
