package dev.feedsearch.query.rank;

import java.util.Set;

/** What ranking knows about the viewer: whom they follow, who follows them, their languages. */
public record ViewerContext(String viewer, Set<String> followees, Set<String> followers, Set<String> languages) {
    public static final ViewerContext ANONYMOUS = new ViewerContext(null, Set.of(), Set.of(), Set.of());

    public ViewerContext {
        followees = Set.copyOf(followees);
        followers = Set.copyOf(followers);
        languages = Set.copyOf(languages);
    }
}
