package dev.feedsearch.core.index;

import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The read side of an index, what query-service sees: hits, posts and the follow graph, each filtered for a viewer
 * (but {@link #recentPostsUnfiltered}, which says so). Both engines give the same observable behaviour; ranking and
 * caching live above this interface.
 */
public interface PostReader {

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
     * {@link Visibility#canSee} before it reaches anyone.
     */
    Map<String, List<IndexedPost>> recentPostsUnfiltered(Collection<String> authors, int perAuthor) throws IOException;

    /** Public posts in {@code langs} created at or after {@code since}, most engaging first. */
    List<IndexedPost> popularPublic(Collection<String> langs, Instant since, int limit) throws IOException;

    /** Counts for /ready and the operators. */
    IndexStats stats() throws IOException;
}
