package dev.feedsearch.core.opensearch;

import static dev.feedsearch.core.opensearch.OpenSearchDocuments.EDGE_IDENTITY;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.FOLLOWEE;
import static dev.feedsearch.core.opensearch.OpenSearchDocuments.FOLLOWER;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.opensearch.OpenSearchDocuments.FollowDoc;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opensearch.client.opensearch.OpenSearchClient;

/** The reads of the follows index: a viewer's followees and hidden authors, and a user's followers. */
final class FollowGraph {
    private final OpenSearchClient client;
    private final ChangeLog changeLog;
    private final boolean cacheable;
    private final Cache<String, ViewerEdges> viewerEdgeCache =
            Caffeine.newBuilder().maximumSize(100_000).build();

    /** @param cacheable false when writes return before they are searchable (see {@link #viewerEdges}) */
    FollowGraph(OpenSearchClient client, ChangeLog changeLog, boolean cacheable) {
        this.client = client;
        this.changeLog = changeLog;
        this.cacheable = cacheable;
    }

    Set<String> followees(String viewer) throws IOException {
        return viewerEdges(viewer).followees();
    }

    Set<String> followers(String user) throws IOException {
        Set<String> out = new HashSet<>();
        Scan.of(
                        client,
                        IndexNames.FOLLOWS,
                        Queries.activeEdges(Queries.term(FOLLOWEE, user), FollowEdge.Relation.FOLLOW),
                        List.of(FOLLOWER),
                        FollowDoc.class)
                .only(List.of(FOLLOWER))
                .forEach(h -> out.add(h.source().follower()));
        return out;
    }

    Set<String> hiddenAuthors(String viewer) throws IOException {
        return viewerEdges(viewer).hidden();
    }

    /** A viewer's own edges: whom it follows, and whose posts it may not see (muted, blocked, blocking it). */
    private record ViewerEdges(long generation, Set<String> followees, Set<String> hidden) {}

    /**
     * Every search with a viewer needs its followees and hidden authors: read in one request (not four), and kept
     * while {@link ChangeLog#viewerGeneration} says none of the viewer's edges changed. The generation is read
     * before the edges, so a change landing during the read is seen by the next call. Writes that return before
     * they are searchable ({@code --refresh false}) record the change too early for that rule, so nothing is kept
     * then.
     */
    private ViewerEdges viewerEdges(String viewer) throws IOException {
        long generation = changeLog.viewerGeneration(viewer);
        ViewerEdges known = viewerEdgeCache.getIfPresent(viewer);
        if (known != null && known.generation() == generation) return known;
        Set<String> followees = new HashSet<>(), hidden = new HashSet<>();
        Scan.of(client, IndexNames.FOLLOWS, Queries.viewerEdges(viewer), EDGE_IDENTITY, FollowDoc.class)
                .forEach(h -> {
                    FollowDoc edge = h.source();
                    if (!edge.follower().equals(viewer)) hidden.add(edge.follower()); // blocks the viewer
                    else if (FollowEdge.Relation.FOLLOW.wire().equals(edge.relation())) followees.add(edge.followee());
                    else hidden.add(edge.followee()); // muted or blocked by the viewer
                });
        ViewerEdges fresh = new ViewerEdges(generation, Set.copyOf(followees), Set.copyOf(hidden));
        if (cacheable) viewerEdgeCache.put(viewer, fresh);
        return fresh;
    }
}
