package dev.feedsearch.indexer;

/** What a bulk load did. {@code stale} counts changes skipped because a newer version was already stored. */
public record IngestReport(long lines, long posts, long follows, long deletes, long stale, long deadLettered) {}
