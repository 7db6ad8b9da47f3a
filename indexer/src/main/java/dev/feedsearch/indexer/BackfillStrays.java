package dev.feedsearch.indexer;

import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backfill must remove: the posts and edges live in the index that the source's scan does not return,
 * because they were deleted while no change stream was read (a PostgreSQL slot that was lost, a DynamoDB
 * stream read past its retention). Taken from the index before the scan; every row the scan returns is struck
 * off; the rest is removed at the version the index holds (a removal beats an upsert of the same version, and
 * any newer change the stream brings still wins). Not thread-safe: one backfill's thread strikes rows off.
 */
public final class BackfillStrays {
    private final Map<String, Long> posts = new HashMap<>();
    private final Map<String, Long> edges = new HashMap<>(); // FollowEdge#key → version: follow graphs are large

    private BackfillStrays() {}

    /** The live posts (when {@code posts}) and active edges (when {@code follows}) of {@code index}. */
    public static BackfillStrays of(PostWriter index, boolean posts, boolean follows) throws IOException {
        BackfillStrays s = new BackfillStrays();
        if (posts) {
            index.forEachPostVersion((id, version, deleted) -> {
                if (!deleted) s.posts.put(id, version);
            });
        }
        if (follows) {
            index.forEachFollowEdge(e -> {
                if (!e.deleted()) s.edges.put(e.key(), e.version());
            });
        }
        return s;
    }

    /** The source still holds this post. */
    public void seenPost(String id) {
        if (id != null) posts.remove(id);
    }

    /**
     * The source still holds this edge; {@code relation} null means follow. A row whose relation is unknown (it is
     * dead-lettered) keeps every edge of the pair, as an invalid post row keeps its post: a bad row is not a delete.
     */
    public void seenEdge(String followerId, String followeeId, String relation) {
        if (followerId == null || followeeId == null) return;
        FollowEdge.Relation r = FollowEdge.Relation.parse(relation);
        for (FollowEdge.Relation each : r != null ? List.of(r) : List.of(FollowEdge.Relation.values())) {
            edges.remove(new FollowEdge(followerId, followeeId, null, 0, false, each).key());
        }
    }

    /** Deletes for everything not struck off, each at the version the index holds. */
    public List<IndexChange> removals() {
        List<IndexChange> out = new ArrayList<>(posts.size() + edges.size());
        posts.forEach((id, version) -> out.add(PostChange.delete(id, version)));
        edges.forEach((key, version) -> {
            String[] parts = key.split("\u001f", -1); // FollowEdge#key: follower US followee [US relation]
            FollowEdge.Relation r = parts.length > 2 ? FollowEdge.Relation.parse(parts[2]) : FollowEdge.Relation.FOLLOW;
            out.add(new FollowChange(new FollowEdge(parts[0], parts[1], null, version, true, r)));
        });
        return out;
    }
}
