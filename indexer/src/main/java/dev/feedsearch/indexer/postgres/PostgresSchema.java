package dev.feedsearch.indexer.postgres;

import dev.feedsearch.indexer.Reconciler.SourceRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL objects the indexer relies on: the shipped DDL, the publication, the replication slot,
 * and the checks that fail fast with the fix when the database is not set up for it.
 */
public final class PostgresSchema {
    private static final String DDL_RESOURCE = "/feedsearch/postgres/schema.sql";

    private PostgresSchema() {}

    /** The DDL for {@code posts}, {@code follows} and the {@code feedsearch} publication (schema.sql). */
    public static String ddl() {
        try (InputStream in = PostgresSchema.class.getResourceAsStream(DDL_RESOURCE)) {
            if (in == null) throw new IllegalStateException(DDL_RESOURCE + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the tables, trigger and publication if missing (for tests, the demo and new databases). */
    public static void apply(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl());
        }
    }

    /** A normal (non-replication) connection. */
    public static Connection connect(PostgresConfig cfg) throws SQLException {
        return DriverManager.getConnection(cfg.jdbcUrl(), properties(cfg));
    }

    /** A normal connection that gives up connecting, and each read, after {@code timeoutSeconds}. */
    static Connection connect(PostgresConfig cfg, int timeoutSeconds) throws SQLException {
        Properties p = properties(cfg);
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        p.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
        return DriverManager.getConnection(cfg.jdbcUrl(), p);
    }

    private static Properties properties(PostgresConfig cfg) {
        Properties p = new Properties();
        p.setProperty("user", cfg.user());
        if (cfg.password() != null) p.setProperty("password", cfg.password());
        p.setProperty("ApplicationName", "feedsearch-indexer");
        return p;
    }

    /** Creates the publication over both tables if missing, and adds a table it lacks. */
    static void ensurePublication(Connection c, PostgresConfig cfg) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, cfg.publication());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement s = c.createStatement()) {
            if (!exists) {
                s.execute("CREATE PUBLICATION " + cfg.publication() + " FOR TABLE " + cfg.postsTable() + ", "
                        + cfg.followsTable());
                return;
            }
            for (String table : List.of(cfg.postsTable(), cfg.followsTable())) {
                if (!published(c, cfg.publication(), table)) {
                    s.execute("ALTER PUBLICATION " + cfg.publication() + " ADD TABLE " + table);
                }
            }
        }
    }

    private static boolean published(Connection c, String publication, String table) throws SQLException {
        String[] st = table.split("\\.");
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            ps.setString(1, publication);
            ps.setString(2, st[0]);
            ps.setString(3, st[1]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Fails unless both tables exist with REPLICA IDENTITY FULL: without it a DELETE carries only the key,
     * not the version the removal must be ordered by, and every delete would be dead-lettered.
     */
    static void requireReplicaIdentityFull(Connection c, PostgresConfig cfg) throws SQLException {
        for (String table : List.of(cfg.postsTable(), cfg.followsTable())) {
            String[] st = table.split("\\.");
            try (PreparedStatement ps = c.prepareStatement("SELECT c.relreplident::text FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                ps.setString(1, st[0]);
                ps.setString(2, st[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException(
                                "table " + table + " does not exist: create it (indexer/POSTGRES.md, schema.sql)");
                    }
                    if (!"f".equals(rs.getString(1))) {
                        throw new SQLException("table " + table + " needs ALTER TABLE " + table
                                + " REPLICA IDENTITY FULL " + "so that a DELETE carries the removed row's version");
                    }
                }
            }
        }
    }

    /**
     * Creates the logical slot with pgoutput if it does not exist. Returns the slot's consistent point
     * when it was created now: every transaction committing after it will be streamed, so a snapshot taken
     * after this call plus the stream miss nothing.
     */
    static Optional<String> ensureSlot(Connection c, PostgresConfig cfg) throws SQLException {
        return slotExists(c, cfg) ? Optional.empty() : Optional.of(createSlot(c, cfg));
    }

    /** Whether the slot exists; fails if a slot of that name exists but is not a pgoutput slot of this database. */
    static boolean slotExists(Connection c, PostgresConfig cfg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT plugin, slot_type, database FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, cfg.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                if (!"logical".equals(rs.getString(2))
                        || !"pgoutput".equals(rs.getString(1))
                        || !c.getCatalog().equals(rs.getString(3))) {
                    throw new SQLException("replication slot " + cfg.slot()
                            + " exists but is not a pgoutput slot of database "
                            + c.getCatalog() + " (" + rs.getString(2) + ", " + rs.getString(1) + ", " + rs.getString(3)
                            + "): drop it or configure another slot name");
                }
                return true;
            }
        }
    }

    /** Creates the slot and returns its consistent point (waits for transactions running now to end). */
    static String createSlot(Connection c, PostgresConfig cfg) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, cfg.slot());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Drops the slot if it exists (a forgotten slot keeps WAL on the server forever). */
    public static boolean dropSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every row of the posts table as (id, version): the source of truth {@code Reconciler} compares with. */
    public static List<SourceRow> postRows(Connection c, PostgresConfig cfg) throws SQLException {
        List<SourceRow> rows = new ArrayList<>();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor, not the whole table in memory at once
        try (Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery("SELECT id, version FROM " + cfg.postsTable())) {
                while (rs.next()) rows.add(new SourceRow(rs.getString(1), rs.getLong(2), false));
            }
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
        return rows;
    }
}
