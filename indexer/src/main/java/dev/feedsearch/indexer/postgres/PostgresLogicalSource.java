package dev.feedsearch.indexer.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.postgres.PgOutput.Value;
import dev.feedsearch.indexer.postgres.RowMapper.MappingException;
import dev.feedsearch.indexer.postgres.RowMapper.Table;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.SourceEvent;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes of {@code posts} and {@code follows} from a logical replication slot ({@code pgoutput}, protocol
 * 1), mapped to the ingest JSON contract.
 *
 * <p>Positions: an event's {@code position} is the LSN of its own WAL record (what {@code pg_waldump} and
 * a dead-letter entry point at). What is acknowledged is different: the <em>end</em> LSN of the last
 * transaction all of whose events were checkpointed. The server streams a transaction only after it
 * committed, whole and in commit order, and on restart resumes at the first transaction whose commit
 * record lies at or after the acknowledged LSN; so a transaction is either skipped whole (acknowledged)
 * or replayed whole, and replays are no-ops thanks to versions. Events are handed out as they arrive,
 * so a transaction larger than a poll spans several polls and is acknowledged with its last one.
 *
 * <p>Threads: {@link #poll} runs on the indexer's reader thread and {@link #checkpoint} on its applier
 * thread; a lock serialises their use of the (not thread-safe) replication stream.
 *
 * <p>Liveness: a connection the network cut without a reset (a NAT or firewall dropping the flow, a failover
 * that leaves the old address silent) shows nothing on this side: reads just find no data, and the kernel
 * may take a quarter of an hour to give up on the status updates. The server notices within its
 * {@code wal_sender_timeout} (60 s by default) and ends its walsender, which frees the slot. So every
 * {@code livenessInterval} a poll asks the server, on a separate short-lived connection, whether the slot
 * is still served by this connection's walsender; when it is not, the poll throws and the supervisor opens the
 * stream again from the checkpoints. A check that cannot get an answer (no connection slot free, a timeout)
 * proves nothing and only logs: the stream itself may be healthy, and opening it again would need that same
 * kind of connection.
 */
public final class PostgresLogicalSource implements ChangeSource {
    private static final Logger log = LoggerFactory.getLogger(PostgresLogicalSource.class);

    /** A decoded item in stream order: an event, or the commit that closes the events before it. */
    private record Item(SourceEvent event, long commitEnd) {}

    /** How often a poll checks that the slot is still served by this connection. */
    public static final Duration DEFAULT_LIVENESS_INTERVAL = Duration.ofSeconds(30);

    private static final int LIVENESS_TIMEOUT_SECONDS = 10;

    private final PostgresConfig cfg;
    private final Connection connection;
    private final PGReplicationStream stream;
    private final int backendPid;
    private final long livenessNanos;
    private long nextLivenessCheck;
    private int livenessFailures;
    private volatile boolean cutOff; // the server no longer serves this connection: nothing more is read from it
    private final ReentrantLock io = new ReentrantLock();
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();
    private final ArrayDeque<Item> ready = new ArrayDeque<>(); // decoded, not yet returned by poll
    private final ArrayDeque<Item> handedOut = new ArrayDeque<>(); // returned by poll, not yet checkpointed
    private int readyEvents; // events (not commits) in ready
    private PgOutput.Begin txn; // the open transaction, null between them
    private long acked; // the LSN last confirmed to the server

    private PostgresLogicalSource(
            PostgresConfig cfg, Connection connection, PGReplicationStream stream, Duration livenessInterval)
            throws SQLException {
        this.cfg = cfg;
        this.connection = connection;
        this.stream = stream;
        this.backendPid = connection.unwrap(PGConnection.class).getBackendPID();
        this.livenessNanos = livenessInterval.toNanos();
        this.nextLivenessCheck = System.nanoTime() + livenessNanos;
    }

    /**
     * Checks the tables, creates the publication and the slot if missing, and starts streaming from the
     * slot's acknowledged position. A new slot starts at "now": use {@link PostgresBackfill} first when the
     * index does not yet hold the tables' rows.
     */
    public static PostgresLogicalSource open(PostgresConfig cfg) throws SQLException, InterruptedException {
        return open(cfg, DEFAULT_LIVENESS_INTERVAL);
    }

    /** Like {@link #open(PostgresConfig)}, checking that the slot is still served this often (see the class comment). */
    public static PostgresLogicalSource open(PostgresConfig cfg, Duration livenessInterval)
            throws SQLException, InterruptedException {
        if (livenessInterval.isNegative() || livenessInterval.isZero())
            throw new IllegalArgumentException("livenessInterval must be positive");
        try (Connection c = PostgresSchema.connect(cfg)) {
            PostgresSchema.requireReplicaIdentityFull(c, cfg);
            PostgresSchema.ensurePublication(c, cfg);
            PostgresSchema.ensureSlot(c, cfg)
                    .ifPresent(lsn -> log.info("created replication slot {} at {}", cfg.slot(), lsn));
        }
        // a killed predecessor's walsender may hold the slot for a moment after its connection died
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Connection c = replicationConnection(cfg);
            try {
                PGReplicationStream s = c.unwrap(PGConnection.class)
                        .getReplicationAPI()
                        .replicationStream()
                        .logical()
                        .withSlotName(cfg.slot())
                        .withSlotOption("proto_version", "1")
                        .withSlotOption("publication_names", cfg.publication())
                        .withStatusInterval(5, TimeUnit.SECONDS)
                        // pgjdbc's automatic flush would confirm keepalive positions while events are still in
                        // flight; only checkpoint() and ackIdle() confirm anything
                        .withAutomaticFlush(false)
                        .start();
                return new PostgresLogicalSource(cfg, c, s, livenessInterval);
            } catch (SQLException e) {
                c.close();
                if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) throw e; // 55006: slot in use
                Thread.sleep(200);
            }
        }
    }

    private static Connection replicationConnection(PostgresConfig cfg) throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, cfg.user());
        if (cfg.password() != null) PGProperty.PASSWORD.set(p, cfg.password());
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple"); // the walsender speaks only the simple protocol
        PGProperty.APPLICATION_NAME.set(p, "feedsearch-indexer");
        // bounds the blocking reads only (starting the stream, ending it at close); readPending peeks with its
        // own 1 ms timeout. Without it, closing a stream whose connection the network cut would wait forever
        PGProperty.SOCKET_TIMEOUT.set(p, "60");
        return DriverManager.getConnection(cfg.jdbcUrl(), p);
    }

    @Override
    public String name() {
        return cfg.sourceName();
    }

    @Override
    public List<SourceEvent> poll(int maxEvents, Duration maxWait) throws Exception {
        if (System.nanoTime() - nextLivenessCheck >= 0) checkLiveness();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (readyEvents < maxEvents) {
            boolean got;
            io.lock();
            try {
                ByteBuffer msg = stream.readPending();
                got = msg != null;
                if (got) handle(PgOutput.decode(msg), stream.getLastReceiveLSN().asLong());
                else if (txn == null && ready.isEmpty() && handedOut.isEmpty()) ackIdle();
            } finally {
                io.unlock();
            }
            if (!got) {
                if (System.nanoTime() >= deadline) break;
                Thread.sleep(5); // readPending does not block: a short nap between empty reads
            }
        }
        List<SourceEvent> out = new ArrayList<>(Math.min(maxEvents, ready.size()));
        io.lock();
        try {
            while (!ready.isEmpty() && !(ready.peekFirst().event() != null && out.size() == maxEvents)) {
                Item item = ready.pollFirst();
                handedOut.addLast(item);
                if (item.event() != null) {
                    out.add(item.event());
                    readyEvents--;
                }
            }
            // commits whose events were all checkpointed before the commit itself arrived
            if (handedOut.stream().allMatch(i -> i.event() == null)) ack(popCommits(null));
        } finally {
            io.unlock();
        }
        return out;
    }

    /** Throws when the server no longer serves the slot through this connection (see the class comment). */
    private void checkLiveness() throws SQLException {
        nextLivenessCheck = System.nanoTime() + livenessNanos;
        Integer servedBy;
        try (Connection c = PostgresSchema.connect(cfg, LIVENESS_TIMEOUT_SECONDS);
                PreparedStatement ps =
                        c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setQueryTimeout(LIVENESS_TIMEOUT_SECONDS);
            ps.setString(1, cfg.slot());
            try (ResultSet rs = ps.executeQuery()) {
                servedBy = rs.next() ? (Integer) rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            livenessFailures++;
            log.warn(
                    "{}: could not check that the slot still streams to this connection ({} in a row): {}",
                    name(),
                    livenessFailures,
                    e.toString());
            return;
        }
        livenessFailures = 0;
        if (servedBy == null || servedBy != backendPid) {
            cutOff = true;
            throw new SQLException(
                    "slot " + cfg.slot() + " is no longer streaming to this connection (walsender " + backendPid
                            + "; the slot is " + (servedBy == null ? "inactive" : "served by " + servedBy)
                            + "): the server ended it, e.g. after wal_sender_timeout when the network dropped the connection; opening it again");
        }
    }

    /**
     * Acknowledges the end LSN of the last transaction whose events are all applied; the server may then
     * recycle the WAL before it. A transaction only partly covered by {@code applied} stays unacknowledged
     * and is replayed whole after a restart.
     */
    @Override
    public void checkpoint(List<SourceEvent> applied) throws Exception {
        if (applied.isEmpty()) return;
        io.lock();
        try {
            ack(popCommits(applied.getLast()));
        } finally {
            io.unlock();
        }
    }

    /** Pops handed-out items up to {@code last} (null: none) and the commit markers right after it. */
    private long popCommits(SourceEvent last) {
        long commit = 0;
        if (last != null) {
            while (true) {
                Item i = handedOut.pollFirst();
                if (i == null)
                    throw new IllegalArgumentException("checkpoint of an event this source did not hand out");
                if (i.event() == null) commit = Math.max(commit, i.commitEnd());
                if (i.event() == last) break;
            }
        }
        while (!handedOut.isEmpty() && handedOut.peekFirst().event() == null)
            commit = Math.max(commit, handedOut.pollFirst().commitEnd());
        return commit;
    }

    private void ack(long lsn) throws SQLException {
        if (lsn <= acked) return;
        LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
        stream.setAppliedLSN(l);
        stream.setFlushedLSN(l);
        stream.forceUpdateStatus();
        acked = lsn;
    }

    /**
     * Nothing in flight and between transactions: everything the server sent up to its last keepalive is
     * applied (or was not ours), so let the slot move on. Otherwise a quiet publication on a busy database
     * would pin all WAL written since the last change of posts/follows.
     */
    private void ackIdle() throws SQLException {
        long received = stream.getLastReceiveLSN().asLong();
        if (received > acked + (16 << 20)) ack(received); // a status update per 16 MB of other tables' WAL is enough
    }

    /** The last LSN acknowledged to the server (0 before the first). */
    public long acknowledgedLsn() {
        io.lock();
        try {
            return acked;
        } finally {
            io.unlock();
        }
    }

    // ---------------------------------------------------------------- decoding

    private void handle(PgOutput.Message m, long lsn) throws SQLException {
        switch (m) {
            case PgOutput.Begin b -> txn = b;
            case PgOutput.Commit c -> {
                ready.addLast(new Item(null, c.endLsn()));
                txn = null;
            }
            case PgOutput.Relation r -> relations.put(r.id(), r);
            case PgOutput.Insert i -> row(lsn, "INSERT", i.relationId(), null, i.newRow());
            case PgOutput.Update u -> row(lsn, "UPDATE", u.relationId(), u.oldRow(), u.newRow());
            case PgOutput.Delete d -> row(lsn, "DELETE", d.relationId(), d.oldRow(), null);
            case PgOutput.Truncate t -> {
                for (int id : t.relationIds()) {
                    String table = relation(id).qualifiedName();
                    log.error(
                            "TRUNCATE of {} at {} cannot be applied row by row: the index keeps the rows until a backfill "
                                    + "(drop slot {} and restart the indexer)",
                            table,
                            LogSequenceNumber.valueOf(lsn),
                            cfg.slot());
                    unmappable(
                            lsn,
                            "TRUNCATE",
                            table,
                            null,
                            null,
                            "TRUNCATE cannot be applied row by row: the index still holds the truncated rows; drop the slot "
                                    + cfg.slot() + " and restart the indexer to backfill");
                }
            }
            case PgOutput.Ignored ignored -> {}
        }
    }

    private PgOutput.Relation relation(int id) throws SQLException {
        PgOutput.Relation r = relations.get(id);
        if (r == null) throw new SQLException("pgoutput sent a change of relation " + id + " before describing it");
        return r;
    }

    private void row(long lsn, String op, int relationId, List<Value> oldValues, List<Value> newValues)
            throws SQLException {
        PgOutput.Relation rel = relation(relationId);
        String name = rel.qualifiedName();
        Table table =
                name.equals(cfg.postsTable()) ? Table.POSTS : name.equals(cfg.followsTable()) ? Table.FOLLOWS : null;
        try {
            if (table == null)
                throw new MappingException(
                        "table " + name + " is neither " + cfg.postsTable() + " nor " + cfg.followsTable());
            Map<String, String> old = oldValues == null ? null : columns(rel, oldValues, null);
            Map<String, String> now = newValues == null ? null : columns(rel, newValues, old);
            if (old != null && (now == null || !RowMapper.sameKey(table, old, now))) {
                // a DELETE, or an UPDATE that changed the key: the old key goes away
                emit(lsn, RowMapper.removal(table, old));
            }
            if (now != null) emit(lsn, RowMapper.row(table, now));
        } catch (MappingException e) {
            unmappable(lsn, op, name, raw(rel, oldValues), raw(rel, newValues), e.getMessage());
        }
    }

    /**
     * Column name → text. An unchanged TOASTed value ('u': a long text an UPDATE did not touch) is not in
     * the WAL's new row; it is taken from the old row, which REPLICA IDENTITY FULL provides.
     */
    private static Map<String, String> columns(PgOutput.Relation rel, List<Value> values, Map<String, String> old)
            throws SQLException, MappingException {
        if (values.size() != rel.columns().size()) {
            throw new SQLException(rel.qualifiedName() + ": tuple has " + values.size() + " columns, relation "
                    + rel.columns().size());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String col = rel.columns().get(i).name();
            Value v = values.get(i);
            if (v.kind() != 'u') {
                m.put(col, v.text());
            } else if (old != null && old.containsKey(col)) {
                m.put(col, old.get(col));
            } else {
                throw new MappingException(
                        "column " + col + " is an unchanged TOASTed value and the WAL has no old row "
                                + "to take it from: set REPLICA IDENTITY FULL on " + rel.qualifiedName());
            }
        }
        return m;
    }

    /** The tuple as sent, for a dead-letter entry. */
    private static Map<String, String> raw(PgOutput.Relation rel, List<Value> values) {
        if (values == null) return null;
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size() && i < rel.columns().size(); i++) {
            Value v = values.get(i);
            m.put(rel.columns().get(i).name(), v.kind() == 'u' ? "(unchanged TOASTed value, not sent)" : v.text());
        }
        return m;
    }

    private void emit(long lsn, ObjectNode record) {
        readyEvents++;
        ready.addLast(new Item(
                SourceEvent.of(
                        cfg.slot(),
                        LogSequenceNumber.valueOf(lsn).asString(),
                        txn == null ? null : txn.commitTime(),
                        record,
                        null),
                0));
    }

    private void unmappable(
            long lsn, String op, String table, Map<String, String> old, Map<String, String> now, String reason) {
        ObjectNode raw = PostJson.MAPPER.createObjectNode();
        raw.put("op", op);
        raw.put("table", table);
        raw.put("lsn", LogSequenceNumber.valueOf(lsn).asString());
        if (txn != null) {
            raw.put("xid", Integer.toUnsignedLong(txn.xid()));
            raw.put("commit_lsn", LogSequenceNumber.valueOf(txn.finalLsn()).asString());
        }
        if (old != null) raw.set("old", PostJson.MAPPER.valueToTree(old));
        if (now != null) raw.set("new", PostJson.MAPPER.valueToTree(now));
        readyEvents++;
        ready.addLast(new Item(
                SourceEvent.unmappable(
                        cfg.slot(),
                        LogSequenceNumber.valueOf(lsn).asString(),
                        txn == null ? null : txn.commitTime(),
                        raw.toString(),
                        reason),
                0));
    }

    /** Closes the replication connection without acknowledging anything more. */
    @Override
    public void close() {
        io.lock();
        try {
            try {
                // ending the copy waits for the server's answer, which a cut connection never brings
                if (!cutOff && !stream.isClosed()) stream.close();
            } finally {
                connection.close();
            }
        } catch (SQLException e) {
            log.debug("closing {}: {}", name(), e.toString());
        } finally {
            io.unlock();
        }
    }
}
