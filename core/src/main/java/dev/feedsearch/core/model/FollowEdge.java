package dev.feedsearch.core.model;

import java.time.Instant;
import java.util.Objects;

/** follower follows followee; {@code deleted} means the follow was undone. */
public record FollowEdge(String followerId, String followeeId, Instant createdAt, long version, boolean deleted) {
    public FollowEdge {
        Objects.requireNonNull(followerId, "followerId");
        Objects.requireNonNull(followeeId, "followeeId");
    }

    /** The key under which versions of this edge are ordered. */
    public String key() {
        return followerId + "\u001f" + followeeId;
    }
}
