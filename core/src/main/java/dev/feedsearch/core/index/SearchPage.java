package dev.feedsearch.core.index;

import java.util.List;
import java.util.Optional;

/** One page of hits; {@code next} is present when more hits follow. */
public record SearchPage(List<SearchHit> hits, Optional<SortKey> next) {
    public SearchPage {
        hits = List.copyOf(hits);
    }
}
