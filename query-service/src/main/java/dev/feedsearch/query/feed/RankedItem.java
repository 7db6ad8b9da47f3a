package dev.feedsearch.query.feed;

import dev.feedsearch.query.rank.Features;

/** One feed entry in ranked order: the post, its score and the features behind it (null in fallback order). */
public record RankedItem(String postId, String authorId, double score, Features features) {}
