package dev.feedsearch.core.index;

/** A post that matched, its engine score (NaN for sort=recent), and its keyset position. */
public record SearchHit(IndexedPost post, float score, SortKey key) {}
