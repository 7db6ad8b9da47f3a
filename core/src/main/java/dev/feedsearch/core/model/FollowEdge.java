package dev.feedsearch.core.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A directed relation between two users: {@code followerId} follows, mutes or blocks {@code followeeId}.
 * {@code deleted} means the relation was undone. Versions are ordered per (follower, followee, relation).
 */
public record FollowEdge(
        String followerId, String followeeId, Instant createdAt, long version, boolean deleted, Relation relation) {

    /** follow: see followers-only posts, feed candidates; mute: hide their posts from me; block: hide both ways. */
    public enum Relation {
        FOLLOW,
        MUTE,
        BLOCK;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Relation parse(String s) {
            if (s == null) return FOLLOW;
            return switch (s) {
                case "follow" -> FOLLOW;
                case "mute" -> MUTE;
                case "block" -> BLOCK;
                default -> null;
            };
        }
    }

    public FollowEdge {
        Objects.requireNonNull(followerId, "followerId");
        Objects.requireNonNull(followeeId, "followeeId");
        Objects.requireNonNull(relation, "relation");
    }

    /** A follow (the common case). */
    public FollowEdge(String followerId, String followeeId, Instant createdAt, long version, boolean deleted) {
        this(followerId, followeeId, createdAt, version, deleted, Relation.FOLLOW);
    }

    /** The key under which versions of this edge are ordered: "follower US followee", plus the relation unless follow. */
    public String key() {
        String base = followerId + "\u001f" + followeeId;
        return relation == Relation.FOLLOW ? base : base + "\u001f" + relation.wire();
    }

    /** "follower US followee": the form the engines index active relations under. */
    public String pair() {
        return followerId + "\u001f" + followeeId;
    }
}
