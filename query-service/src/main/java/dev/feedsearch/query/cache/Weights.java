package dev.feedsearch.query.cache;

import dev.feedsearch.core.index.IndexedPost;
import java.util.Collection;
import java.util.List;

/** Rough byte sizes for cache weighers: caches are bounded by memory, not by entry count. */
final class Weights {
    private Weights() {}

    static int post(IndexedPost p) {
        // two bytes per char of text and ids, plus object and field overhead
        return 2
                        * (p.post().text().length()
                                + p.post().id().length()
                                + p.post().authorId().length())
                + 256;
    }

    static long ids(Collection<String> ids) {
        long w = 64;
        for (String id : ids) w += 2L * id.length() + 48; // a set entry: its node and string
        return w;
    }

    static int posts(List<IndexedPost> posts) {
        int w = 64;
        for (IndexedPost p : posts) w += post(p);
        return w;
    }
}
