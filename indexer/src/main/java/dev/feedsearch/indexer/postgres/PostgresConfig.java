package dev.feedsearch.indexer.postgres;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the app's PostgreSQL (or Aurora PostgreSQL) is and what the indexer owns there.
 *
 * @param jdbcUrl      e.g. {@code jdbc:postgresql://host:5432/app}
 * @param user         needs REPLICATION (Aurora: the {@code rds_replication} role) and SELECT on the tables
 * @param password     null when the server does not ask for one
 * @param slot         the logical replication slot (one per indexer: it records what was acknowledged)
 * @param publication  the publication the slot streams (created FOR TABLE posts, follows when missing)
 * @param postsTable   schema-qualified, e.g. {@code public.posts}
 * @param followsTable schema-qualified, e.g. {@code public.follows}
 */
public record PostgresConfig(
        String jdbcUrl,
        String user,
        String password,
        String slot,
        String publication,
        String postsTable,
        String followsTable) {
    // names end up in SQL text (CREATE PUBLICATION, SELECT ... FROM): plain lower-case identifiers only
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}\\.[a-z_][a-z0-9_]{0,62}");

    public PostgresConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        require(NAME, slot, "slot");
        require(NAME, publication, "publication");
        require(TABLE, postsTable, "postsTable");
        require(TABLE, followsTable, "followsTable");
    }

    /** The defaults: slot and publication {@code feedsearch}, tables {@code public.posts} and {@code public.follows}. */
    public static PostgresConfig of(String jdbcUrl, String user, String password) {
        return new PostgresConfig(
                jdbcUrl, user, password, "feedsearch", "feedsearch", "public.posts", "public.follows");
    }

    public PostgresConfig withSlot(String slot) {
        return new PostgresConfig(jdbcUrl, user, password, slot, publication, postsTable, followsTable);
    }

    public PostgresConfig withPublication(String publication) {
        return new PostgresConfig(jdbcUrl, user, password, slot, publication, postsTable, followsTable);
    }

    /** The source name in metrics, checkpoints and dead-letter entries. */
    public String sourceName() {
        return "postgres:" + slot;
    }

    private static void require(Pattern p, String value, String what) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + p.pattern() + ", got " + value);
        }
    }
}
