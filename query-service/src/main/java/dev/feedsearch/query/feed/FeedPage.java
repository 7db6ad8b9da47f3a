package dev.feedsearch.query.feed;

import dev.feedsearch.core.index.IndexedPost;
import java.util.List;

/**
 * A page of the feed. {@code ranking} is "ranked", or "reverse_chronological" when scoring failed or ran
 * out of its time budget ({@code fallbackReason} then says which).
 */
public record FeedPage(List<Entry> entries, String nextCursor, String ranking, String fallbackReason) {
    public record Entry(IndexedPost post, RankedItem item) {}
}
