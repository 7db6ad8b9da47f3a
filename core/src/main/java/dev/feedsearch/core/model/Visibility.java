package dev.feedsearch.core.model;

import java.util.Locale;

/** Who may see a post. Enforced inside every engine query, never after the fact. */
public enum Visibility {
    PUBLIC,
    FOLLOWERS,
    PRIVATE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The visibility rule, for code that filters posts in memory (caches). The engines express the same
     * rule inside their queries.
     */
    public static boolean canSee(String viewer, String author, Visibility visibility, boolean viewerFollowsAuthor) {
        return switch (visibility) {
            case PUBLIC -> true;
            case PRIVATE -> viewer != null && viewer.equals(author);
            case FOLLOWERS -> viewer != null && (viewer.equals(author) || viewerFollowsAuthor);
        };
    }

    /** Parses the wire form; null when the value is not one of the three. */
    public static Visibility parse(String s) {
        if (s == null) return null;
        return switch (s) {
            case "public" -> PUBLIC;
            case "followers" -> FOLLOWERS;
            case "private" -> PRIVATE;
            default -> null;
        };
    }
}
