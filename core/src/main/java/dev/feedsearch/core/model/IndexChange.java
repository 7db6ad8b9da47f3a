package dev.feedsearch.core.model;

/** One validated change headed for a {@code PostIndex}: either a post or a follow edge. */
public sealed interface IndexChange permits PostChange, FollowChange {
    /** Identity under which versions are compared (post id, or follow edge key). */
    String key();

    long version();

    /** A post delete, or an undone follow/mute/block. */
    boolean removal();

    /**
     * What versions are compared by: the version, and at equal versions a removal beats an upsert. A source that
     * reports a delete with the version of the row it removed (a DynamoDB REMOVE's old image, a PostgreSQL DELETE's
     * old row) thus wins over that row, and a replayed upsert of it cannot revive it. Both engines store this value.
     */
    default long order() {
        return (version() << 1) | (removal() ? 1 : 0);
    }

    /** {@link #key()} prefixed by the kind ({@code p:} post, {@code f:} follow edge), so the two never collide. */
    default String scopedKey() {
        return switch (this) {
            case PostChange p -> postKey(p.id());
            case FollowChange f -> "f:" + f.key();
        };
    }

    /** The scoped key of post {@code id}. */
    static String postKey(String id) {
        return "p:" + id;
    }
}
