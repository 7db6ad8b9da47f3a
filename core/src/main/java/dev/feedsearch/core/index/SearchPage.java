package dev.feedsearch.core.index;

import java.util.List;
import java.util.Optional;

/** One page of hits; {@code next} is present when more hits follow. */
public record SearchPage(List<SearchHit> hits, Optional<SortKey> next) {
    public SearchPage {
        hits = List.copyOf(hits);
    }

    /**
     * A page read with one hit more than {@code limit} asked of the engine ({@link SearchQuery#fetchSize()}): that
     * extra hit, never decoded, only says that a next page exists, which costs no count. {@code hits} holds at most
     * {@code limit} hits; {@code fetched} is how many the engine returned.
     */
    public static SearchPage overfetched(List<SearchHit> hits, int fetched, int limit) {
        boolean more = fetched > limit && !hits.isEmpty();
        return new SearchPage(hits, more ? Optional.of(hits.getLast().key()) : Optional.empty());
    }
}
