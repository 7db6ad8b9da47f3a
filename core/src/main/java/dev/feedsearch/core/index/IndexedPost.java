package dev.feedsearch.core.index;

import dev.feedsearch.core.model.Post;

/** A post as stored in an index, with the language it was detected as and the group it was analysed by. */
public record IndexedPost(Post post, String lang, String group) {}
