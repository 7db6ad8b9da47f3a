package dev.feedsearch.query.rank;

import java.util.HashSet;
import java.util.Set;

/**
 * What search and feed know about the viewer: whom they follow, which of those follow them back, whose posts they
 * must not be shown (muted, blocked, blocking them), and the languages they write in. Loaded once per viewer and
 * change generation by {@code ViewerContexts}; {@code ANONYMOUS} has none of it.
 *
 * <p>Mutual followers, not all followers: the mutual feature needs only the intersection, which is small and (unlike
 * every follower) is told stale by the generations of the viewer and their followees alone.
 */
public record ViewerContext(
        String viewer, Set<String> followees, Set<String> mutuals, Set<String> hidden, Set<String> languages) {
    public static final ViewerContext ANONYMOUS = new ViewerContext(null, Set.of(), Set.of(), Set.of(), Set.of());

    public ViewerContext {
        followees = Set.copyOf(followees);
        mutuals = Set.copyOf(mutuals);
        hidden = Set.copyOf(hidden);
        languages = Set.copyOf(languages);
    }

    /** This context with {@code language} among the viewer's languages too (null: unchanged). */
    public ViewerContext withLanguage(String language) {
        if (language == null || languages.contains(language)) return this;
        Set<String> more = new HashSet<>(languages);
        more.add(language);
        return new ViewerContext(viewer, followees, mutuals, hidden, more);
    }
}
