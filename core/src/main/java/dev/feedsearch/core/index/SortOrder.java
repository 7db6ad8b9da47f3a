package dev.feedsearch.core.index;

/** Result order: engine relevance (ties by id) or newest first (ties by id). */
public enum SortOrder {
    RELEVANCE,
    RECENT;

    public static SortOrder parse(String s) {
        return switch (s) {
            case "relevance" -> RELEVANCE;
            case "recent" -> RECENT;
            default -> null;
        };
    }
}
