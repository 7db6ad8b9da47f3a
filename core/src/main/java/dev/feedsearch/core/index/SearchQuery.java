package dev.feedsearch.core.index;

import java.time.Instant;
import java.util.Objects;

/**
 * An immutable, already validated search. Build with {@link #builder()}. {@code text} may be null
 * for a pure filter listing (sort=recent); {@code viewer} null means an anonymous, public-only viewer.
 */
public record SearchQuery(String text, String lang, String author, String tag, Instant since, Instant until,
                          SortOrder sort, int limit, SortKey after, String viewer) {

    public SearchQuery {
        Objects.requireNonNull(sort, "sort");
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().text(text).lang(lang).author(author).tag(tag).since(since).until(until)
                .sort(sort).limit(limit).after(after).viewer(viewer);
    }

    public static final class Builder {
        private String text, lang, author, tag, viewer;
        private Instant since, until;
        private SortOrder sort = SortOrder.RELEVANCE;
        private int limit = 20;
        private SortKey after;

        public Builder text(String v) { text = v; return this; }
        public Builder lang(String v) { lang = v; return this; }
        public Builder author(String v) { author = v; return this; }
        public Builder tag(String v) { tag = v; return this; }
        public Builder since(Instant v) { since = v; return this; }
        public Builder until(Instant v) { until = v; return this; }
        public Builder sort(SortOrder v) { sort = v; return this; }
        public Builder limit(int v) { limit = v; return this; }
        public Builder after(SortKey v) { after = v; return this; }
        public Builder viewer(String v) { viewer = v; return this; }

        public SearchQuery build() {
            return new SearchQuery(text, lang, author, tag, since, until, sort, limit, after, viewer);
        }
    }
}
