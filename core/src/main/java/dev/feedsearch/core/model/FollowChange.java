package dev.feedsearch.core.model;

/** A follow edge created or removed at a version. */
public record FollowChange(FollowEdge edge) implements IndexChange {
    @Override
    public boolean removal() {
        return edge.deleted();
    }

    @Override
    public String key() {
        return edge.key();
    }

    @Override
    public long version() {
        return edge.version();
    }
}
