package dev.feedsearch.core.index;

import dev.feedsearch.core.model.IndexChange;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    /**
     * How many posts {@code query} matches that its viewer may see (its cursor and limit aside), exact up to
     * {@link HitTotal#LIMIT}.
     */
    HitTotal count(SearchQuery query) throws IOException;

    /**
     * Per language group, about how many posts could match {@code text} in their prose: the smallest document
     * frequency over the query's positions in the group's main text field (at one position, the largest over the
     * tokens stacked there; sub-fields such as a folded one are not counted), including deleted posts not yet
     * merged away. Groups where some position has no posts are left out. Cheap (term dictionary look-ups, no
     * matching): what tells which language a short, ambiguous query is written in on this network.
     */
    Map<String, Long> proseMatchBounds(String text) throws IOException;

    /** The post as indexed, if it exists, is not deleted and {@code viewer} may see it. */
    Optional<IndexedPost> get(String id, String viewer) throws IOException;

    /** Authors that {@code viewer} currently follows. */
    Set<String> followees(String viewer) throws IOException;

    /** Users who currently follow {@code user}. */
    Set<String> followers(String user) throws IOException;

    /** Authors whose posts {@code viewer} must not be shown: muted or blocked by the viewer, or blocking the viewer. */
    Set<String> hiddenAuthors(String viewer) throws IOException;

    /** The posts among {@code ids} that exist and {@code viewer} may see (any order). */
    List<IndexedPost> getVisible(Collection<String> ids, String viewer) throws IOException;

    /**
     * Each author's {@code perAuthor} most recent posts, newest first, of EVERY visibility: this is raw
     * material for per-viewer assembly (the feed's per-author cache), and callers must filter each post with
     * {@link dev.feedsearch.core.model.Visibility#canSee} before it reaches anyone.
     */
    Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor) throws IOException;

    /** Public posts in {@code langs} created at or after {@code since}, most engaging first. */
    List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException;

    // ---- change tracking for caches: a generation increases with every apply that wrote something

    /** The generation of the latest write. */
    long generation();

    /** Generation of the latest write to any post of {@code author} (0 if none since start). */
    long authorGeneration(String author);

    /** Generation of the latest follow/mute/block change made by {@code viewer} or blocking them (0 if none). */
    long viewerGeneration(String viewer);

    /**
     * True when any of {@code postIds} changed (edited, deleted, visibility changed) after {@code generation},
     * or when that is no longer known (then callers must treat cached copies as stale).
     */
    boolean changedSince(long generation, Collection<String> postIds);

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
        void visit(dev.feedsearch.core.model.FollowEdge edge) throws IOException;
    }

    /** Counts for /ready and the operators. */
    IndexStats stats() throws IOException;

    /**
     * Removes what deletes left behind before {@code before}: post tombstones and undone follow edges. Returns how
     * many. A tombstone is what refuses a late, older upsert of a deleted post; once purged, a change older than
     * the delete would revive the post. So purge only past the longest time a source can redeliver an old change
     * (the DynamoDB stream's 24 h retention; a PostgreSQL slot's unacknowledged tail; a JSONL file fed again).
     */
    long purgeDeletions(Instant before) throws IOException;

    @Override
    void close() throws IOException;
}
