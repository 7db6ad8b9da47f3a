package dev.feedsearch.indexer.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.BackfillStrays;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterStore;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.IsolatingApplier;
import dev.feedsearch.indexer.postgres.RowMapper.Table;
import dev.feedsearch.indexer.stream.CheckpointStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfill then stream, with no gap: the slot is created first (its consistent point: every transaction
 * committing after it will be streamed), then both tables are read in one REPEATABLE READ snapshot taken
 * after that point and applied through the same row mapper and {@link ChangeFactory} as the stream. A
 * transaction committing between the two is both in the snapshot and in the stream; versions make the
 * second copy a no-op. Streaming starts only once the backfill is durable, so nothing is acknowledged
 * before it: a crash mid-backfill leaves the slot at its consistent point and the marker at "pending",
 * and the next start backfills again.
 */
public final class PostgresBackfill {
    private static final Logger log = LoggerFactory.getLogger(PostgresBackfill.class);
    private static final String STATE = "backfill", PENDING = "pending", DONE = "done";

    private final PostgresConfig cfg;
    private final ChangeFactory factory;
    private final PostWriter index;
    private final DeadLetterStore deadLetters;
    private final int batchSize;

    public PostgresBackfill(
            PostgresConfig cfg, ChangeFactory factory, PostWriter index, DeadLetterStore deadLetters, int batchSize) {
        this.cfg = cfg;
        this.factory = factory;
        this.index = index;
        this.deadLetters = deadLetters;
        this.batchSize = batchSize;
    }

    /**
     * Runs the backfill when the slot is new or an earlier backfill did not finish (the marker lives in
     * {@code checkpoints} under {@link PostgresConfig#sourceName()}); otherwise does nothing. Call before
     * {@link PostgresLogicalSource#open}.
     */
    public Optional<IngestReport> runIfNeeded(CheckpointStore checkpoints) throws SQLException, IOException {
        try (Connection c = PostgresSchema.connect(cfg)) {
            PostgresSchema.requireReplicaIdentityFull(c, cfg);
            PostgresSchema.ensurePublication(c, cfg);
            Map<String, String> state = new HashMap<>(checkpoints.load(cfg.sourceName()));
            if (!PostgresSchema.slotExists(c, cfg)) {
                // marker first: a crash right after creating the slot must not find an old "done"
                state.put(STATE, PENDING);
                checkpoints.save(cfg.sourceName(), state);
                state.put("slot_created_at", PostgresSchema.createSlot(c, cfg));
                checkpoints.save(cfg.sourceName(), state);
                log.info("created replication slot {} at {}", cfg.slot(), state.get("slot_created_at"));
            } else if (DONE.equals(state.get(STATE))) {
                return Optional.empty();
            }
            IngestReport report = snapshot(c);
            index.commit();
            state.put(STATE, DONE);
            state.put("backfilled_at", Instant.now().toString());
            checkpoints.save(cfg.sourceName(), state);
            log.info("backfilled {} and {} into the index: {}", cfg.postsTable(), cfg.followsTable(), report);
            return Optional.of(report);
        }
    }

    /** Reads both tables in one snapshot and applies them; posts and edges live in the index but not in the snapshot are removed. */
    IngestReport snapshot(Connection c) throws SQLException, IOException {
        BackfillStrays strays =
                BackfillStrays.of(index, true, true); // live in the index: removed unless the snapshot has them
        Counts n = new Counts();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try {
            scan(c, cfg.postsTable(), Table.POSTS, n, strays);
            scan(c, cfg.followsTable(), Table.FOLLOWS, n, strays);
            c.commit();
        } finally {
            if (!c.getAutoCommit()) c.rollback();
            c.setAutoCommit(true);
        }
        // deleted before the snapshot, e.g. while no slot existed: remove at the version the index holds
        List<IndexChange> removals = strays.removals();
        n.deletes += removals.size();
        n.stale += index.apply(removals).stale();
        return new IngestReport(n.rows, n.posts, n.follows, n.deletes, n.stale, n.dead, 0);
    }

    private void scan(Connection c, String table, Table kind, Counts n, BackfillStrays strays)
            throws SQLException, IOException {
        List<String> cols = columns(c, table);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.size(); i++)
            sql.append(i == 0 ? "" : ", ").append(quote(cols.get(i))).append("::text");
        sql.append(" FROM ").append(table);
        try (Statement s = c.createStatement()) {
            s.setFetchSize(batchSize); // a cursor: the table never sits in memory whole
            try (ResultSet rs = s.executeQuery(sql.toString())) {
                List<Map<String, String>> batch = new ArrayList<>(batchSize);
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < cols.size(); i++) row.put(cols.get(i), rs.getString(i + 1));
                    if (kind == Table.POSTS) strays.seenPost(row.get("id"));
                    else strays.seenEdge(row.get("follower_id"), row.get("followee_id"), row.get("relation"));
                    batch.add(row);
                    if (batch.size() == batchSize) {
                        apply(table, kind, batch, n);
                        batch.clear();
                    }
                }
                apply(table, kind, batch, n);
            }
        }
    }

    private void apply(String table, Table kind, List<Map<String, String>> rows, Counts n) throws IOException {
        if (rows.isEmpty()) return;
        List<ObjectNode> records =
                rows.stream().map(r -> RowMapper.row(kind, r)).toList();
        List<ChangeFactory.Decoded> decoded = factory.decodeEach(records, r -> r);
        List<Integer> good = new ArrayList<>(records.size());
        for (int i = 0; i < decoded.size(); i++) {
            n.rows++;
            InvalidRecordException e = decoded.get(i).invalid();
            if (e != null) {
                deadLetter(table, rows.get(i), records.get(i), e.field(), e.getMessage(), n);
                continue;
            }
            IndexChange change = decoded.get(i).change();
            if (change instanceof FollowChange) n.follows++;
            else n.posts++;
            good.add(i);
        }
        // a change the engine throws on is dead-lettered alone (and no longer counted as applied)
        n.stale += IsolatingApplier.apply(index, good, i -> decoded.get(i).change(), (i, why) -> {
                    if (decoded.get(i).change() instanceof FollowChange) n.follows--;
                    else n.posts--;
                    deadLetter(table, rows.get(i), records.get(i), null, IsolatingApplier.reason(why), n);
                })
                .stale();
    }

    private void deadLetter(String table, Map<String, String> row, ObjectNode r, String field, String reason, Counts n)
            throws IOException {
        n.dead++;
        String key = r.has("id")
                ? r.path("id").asText()
                : r.path("follower_id").asText() + "->" + r.path("followee_id").asText();
        deadLetters.add(new DeadLetterEntry(
                Instant.now(),
                cfg.sourceName(),
                "snapshot " + table + " " + key,
                field,
                reason,
                PostJson.MAPPER.valueToTree(row).toString(),
                r.toString()));
    }

    static List<String> columns(Connection c, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) cols.add(rs.getString(1));
            }
        }
        return cols;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static final class Counts {
        long rows, posts, follows, deletes, stale, dead;
    }
}
