package dev.feedsearch.indexer;

/**
 * What a bulk load did. {@code stale} counts changes skipped because a newer version was already stored (they are
 * among posts, follows and deletes). Every line is exactly one of: a post, a follow edge, a delete, dead-lettered, or
 * blank.
 */
public record IngestReport(
        long lines, long posts, long follows, long deletes, long stale, long deadLettered, long blank) {}
