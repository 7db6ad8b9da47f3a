package dev.feedsearch.core.model;

/** One validated change headed for a {@code PostIndex}: either a post or a follow edge. */
public sealed interface IndexChange permits PostChange, FollowChange {
    /** Identity under which versions are compared (post id, or follow edge key). */
    String key();

    long version();
}
