package dev.feedsearch.core.index;

/** Live posts, remembered deletes (tombstones) and active follow edges. */
public record IndexStats(long posts, long tombstones, long follows) {}
