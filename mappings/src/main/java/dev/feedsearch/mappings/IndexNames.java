package dev.feedsearch.mappings;

/**
 * The OpenSearch names every component agrees on. Posts live in one versioned index per language group,
 * {@code posts-<group>-v<N>}, so one group can be re-analysed and rebuilt alone; readers search the alias
 * {@code posts} over the serving version of every group; writers write through {@code posts-<group>}.
 * Two small indices hold what is not per language: each post key's newest version (tombstones included)
 * and the follow/mute/block edges.
 */
public final class IndexNames {
    /** The read alias over the serving index of every group. */
    public static final String READ_ALIAS = "posts";
    /** Per post id: the newest version order seen, its group and author, and whether it is deleted. */
    public static final String KEYS = "feedsearch-keys";
    /** Follow, mute and block edges, one document per edge key, active or undone. */
    public static final String FOLLOWS = "feedsearch-follows";
    /** The writer's change journal: numbered entries saying what each applied batch changed, read by query replicas. */
    public static final String CHANGES = "feedsearch-changes";
    /** The change sources' positions, one document per source, so an indexer taking over resumes where they are. */
    public static final String CHECKPOINTS = "feedsearch-checkpoints";
    /** Feed sessions shared by the query replicas, so a feed cursor pages on any of them; short-lived. */
    public static final String FEED_SESSIONS = "feedsearch-feed-sessions";

    private IndexNames() {}

    /** The write alias of a group: where its posts are indexed (and, during a rebuild, the next version too). */
    public static String writeAlias(String group) {
        return "posts-" + group;
    }

    /** The concrete index of version {@code v} of a group. */
    public static String index(String group, int version) {
        if (version < 1) throw new IllegalArgumentException("index versions start at 1");
        return "posts-" + group + "-v" + version;
    }

    /** The version number of a concrete group index name, or -1 when the name is not one. */
    public static int versionOf(String group, String index) {
        String prefix = "posts-" + group + "-v";
        if (!index.startsWith(prefix)) return -1;
        try {
            return Integer.parseInt(index.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
