package dev.feedsearch.core.index;

import java.util.Collection;

/**
 * What changed since a cache entry was built. A generation increases with every apply that wrote something; a cached
 * value remembers the generation it was built at and is served only while nothing it depends on changed since.
 */
public interface ChangeTracker {

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
}
