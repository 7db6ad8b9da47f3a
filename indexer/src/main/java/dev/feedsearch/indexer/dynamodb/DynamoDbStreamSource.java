package dev.feedsearch.indexer.dynamodb;

import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig.Start;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.SourceEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB table's stream (view NEW_AND_OLD_IMAGES) as a {@link ChangeSource}, read with a small shard
 * poller rather than the KCL: one table, one reader.
 *
 * <p>Shards: the shard list comes from DescribeStream (re-read when a shard ends and every
 * {@link DynamoDbStreamConfig#describeInterval}). A shard is read only once its parent is fully read (its
 * iterator ran out) or gone from the stream, so per key the parent's changes come before the child's.
 * Ready shards are read round-robin, one GetRecords each per round, records kept in shard order. A round
 * that brings nothing is followed by {@link DynamoDbStreamConfig#idleBackoff} of sleep, up to the poll's
 * {@code maxWait}: an idle stream costs a few requests per second, not a spinning core.
 *
 * <p>Positions: the checkpoint (saved through the {@link CheckpointStore} only in {@link #checkpoint}) maps
 * shard id → the last applied sequence number, {@value #SHARD_END} once a closed shard is fully applied,
 * or {@value #TRIM_HORIZON} for a shard to read from its start (a child of a shard we read, or pinned before
 * a backfill). A restart resumes each shard AFTER_SEQUENCE_NUMBER its checkpoint. A shard with no entry
 * whose parent we never read starts at the configured {@link Start}. An expired iterator is replaced by one
 * after the last record read; a position past the trim horizon (records lost to the 24 h retention) falls
 * back to TRIM_HORIZON with a warning: run a backfill or reconcile. SHARD_END entries of shards that left
 * the stream are dropped, so the checkpoint stays small. Two extra keys: {@code stream} (the stream ARN; a
 * new stream on the table discards old positions and asks for a new backfill) and {@code backfill}.
 *
 * <p>Threads: {@link #poll} runs on one reader thread, {@link #checkpoint} on the applier thread.
 */
public final class DynamoDbStreamSource implements ChangeSource {
    private static final Logger log = LoggerFactory.getLogger(DynamoDbStreamSource.class);
    public static final String SHARD_END = "SHARD_END";
    public static final String TRIM_HORIZON = "TRIM_HORIZON";
    static final String STREAM_KEY = "stream", BACKFILL_KEY = "backfill";
    private static final int MAX_RECORDS_PER_CALL = 1000; // GetRecords' limit

    private final DynamoDbStreamsClient streams;
    private final DynamoDbStreamConfig cfg;
    private final String streamArn;
    private final CheckpointStore store;

    private final Object lock = new Object();
    private final Map<String, String> committed; // guarded by lock: what checkpoint() saves
    /** Shards whose iterator ran out → the last sequence read from them ("" if none): SHARD_END once applied. */
    private final Map<String, String> ended = new ConcurrentHashMap<>();

    private volatile Set<String> listed = Set.of();
    private volatile boolean closed;

    // reader thread only
    private final Map<String, Cursor> cursors = new TreeMap<>();
    private long nextDescribe = System.nanoTime();
    private boolean describeNow = true;
    private int roundRobin;

    /** Read state of one shard. */
    private static final class Cursor {
        final String id, parent;
        ShardIteratorType start = ShardIteratorType.TRIM_HORIZON; // first iterator when nothing was read
        String lastSeq; // last sequence number handed out (or the checkpoint resumed from)
        String iterator;
        boolean done; // iterator ran out, finished before (SHARD_END), skipped (LATEST) or gone
        boolean skipped; // closed before we came, under LATEST: its lineage is not ours
        boolean trimmed; // next iterator at TRIM_HORIZON: our position fell off the stream

        Cursor(String id, String parent) {
            this.id = id;
            this.parent = parent;
        }
    }

    private DynamoDbStreamSource(
            DynamoDbStreamsClient streams, DynamoDbStreamConfig cfg, String streamArn, CheckpointStore store)
            throws IOException {
        this.streams = streams;
        this.cfg = cfg;
        this.streamArn = streamArn;
        this.store = store;
        this.committed = new TreeMap<>(store.load(cfg.sourceName()));
        String known = committed.put(STREAM_KEY, streamArn);
        if (known != null && !known.equals(streamArn)) {
            log.warn(
                    "{}: the table's stream changed ({} → {}): old positions dropped, a backfill is needed",
                    name(),
                    known,
                    streamArn);
            committed.keySet().removeIf(k -> !k.equals(STREAM_KEY));
        }
    }

    /** Opens the stream of {@code cfg.table()}, resuming from the positions {@code store} holds for it. */
    public static DynamoDbStreamSource open(
            DynamoDbClient ddb, DynamoDbStreamsClient streams, DynamoDbStreamConfig cfg, CheckpointStore store)
            throws IOException {
        return new DynamoDbStreamSource(streams, cfg, streamArn(ddb, cfg.table()), store);
    }

    /** The table's current stream ARN; fails with the fix when the stream is off or lacks old/new images. */
    public static String streamArn(DynamoDbClient ddb, String table) {
        TableDescription t = ddb.describeTable(b -> b.tableName(table)).table();
        StreamSpecification s = t.streamSpecification();
        if (s == null || !Boolean.TRUE.equals(s.streamEnabled()) || t.latestStreamArn() == null) {
            throw new IllegalStateException(
                    "table " + table + " has no stream: enable DynamoDB Streams with view type NEW_AND_OLD_IMAGES");
        }
        if (s.streamViewType() != StreamViewType.NEW_AND_OLD_IMAGES) {
            throw new IllegalStateException("table " + table + " streams " + s.streamViewType()
                    + ": the indexer needs NEW_AND_OLD_IMAGES (a REMOVE must carry the version it deletes)");
        }
        return t.latestStreamArn();
    }

    @Override
    public String name() {
        return cfg.sourceName();
    }

    public String table() {
        return cfg.table();
    }

    public String streamArn() {
        return streamArn;
    }

    /**
     * Up to {@code maxEvents} events, or one more when the last record is a follow relation change (two
     * events at one sequence number: they must land in the same batch, or a checkpoint between them would
     * skip the second on restart).
     */
    @Override
    public List<SourceEvent> poll(int maxEvents, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        List<SourceEvent> out = new ArrayList<>();
        while (!closed) {
            if (describeNow || System.nanoTime() - nextDescribe >= 0) describe();
            List<Cursor> ready = ready();
            boolean shardEnded = false;
            for (int i = 0; i < ready.size() && out.size() < maxEvents; i++) {
                Cursor c = ready.get(Math.floorMod(roundRobin + i, ready.size()));
                read(c, maxEvents - out.size(), out);
                shardEnded |= c.done;
            }
            roundRobin++;
            if (shardEnded) describeNow = true; // its children may be listed and ready now
            if (!out.isEmpty()) return out;
            if (shardEnded) continue;
            long left = deadline - System.nanoTime();
            if (left <= 0) return out;
            Thread.sleep(Math.max(1, Math.min(cfg.idleBackoff().toMillis(), TimeUnit.NANOSECONDS.toMillis(left))));
        }
        return out;
    }

    /** Not finished, and the parent fully read or gone: per key, nothing of a child before its parent's last change. */
    private List<Cursor> ready() {
        List<Cursor> r = new ArrayList<>();
        for (Cursor c : cursors.values()) {
            if (c.done) continue;
            Cursor p = c.parent == null ? null : cursors.get(c.parent);
            if (p == null || p.done) r.add(c);
        }
        return r;
    }

    /** One GetRecords on {@code c}, replacing an expired or trimmed iterator as needed. */
    private void read(Cursor c, int limit, List<SourceEvent> out) {
        for (int attempt = 0; attempt < 3 && !c.done; attempt++) {
            try {
                if (c.iterator == null) c.iterator = iterator(c);
                if (c.iterator == null) {
                    finish(c);
                    return;
                }
                String it = c.iterator;
                GetRecordsResponse r =
                        streams.getRecords(b -> b.shardIterator(it).limit(Math.min(limit, MAX_RECORDS_PER_CALL)));
                for (Record rec : r.records()) {
                    out.addAll(ItemMapper.toEvents(c.id, rec));
                    c.lastSeq = rec.dynamodb().sequenceNumber();
                }
                c.iterator = r.nextShardIterator();
                c.trimmed = false;
                if (c.iterator == null) finish(c);
                return;
            } catch (DynamoDbException e) {
                // by error code: DynamoDB Local's embedded client throws the base type with the code set
                switch (errorCode(e)) {
                    case "ExpiredIteratorException" -> c.iterator = null; // a new one after the last record read
                    case "TrimmedDataAccessException" -> {
                        c.iterator = null;
                        if (c.trimmed) { // even TRIM_HORIZON is past retention: nothing left to read here
                            log.warn("{}: shard {} holds no records any more; moving on to its children", name(), c.id);
                            finish(c);
                        } else {
                            if (c.lastSeq == null) {
                                // nothing was read from this shard yet, so nothing can have been lost
                                log.info("{}: shard {} starts at TRIM_HORIZON", name(), c.id);
                            } else {
                                log.warn(
                                        "{}: shard {} position {} is older than the stream keeps (24 h); records were lost. "
                                                + "Reading from TRIM_HORIZON; run a backfill or reconcile to repair",
                                        name(),
                                        c.id,
                                        c.lastSeq);
                            }
                            c.trimmed = true;
                        }
                    }
                    case "ResourceNotFoundException" -> {
                        log.warn("{}: shard {} is gone from the stream", name(), c.id);
                        finish(c);
                    }
                    case "LimitExceededException", "ThrottlingException" -> {
                        return; // throttled: this shard waits for the next round
                    }
                    default -> throw e;
                }
            }
        }
    }

    private static String errorCode(DynamoDbException e) {
        if (e instanceof ExpiredIteratorException) return "ExpiredIteratorException";
        if (e instanceof TrimmedDataAccessException) return "TrimmedDataAccessException";
        if (e instanceof ResourceNotFoundException) return "ResourceNotFoundException";
        if (e instanceof LimitExceededException) return "LimitExceededException";
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null ? "" : code;
    }

    private String iterator(Cursor c) {
        GetShardIteratorRequest.Builder b =
                GetShardIteratorRequest.builder().streamArn(streamArn).shardId(c.id);
        if (c.trimmed) {
            b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        } else if (c.lastSeq != null) {
            b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(c.lastSeq);
        } else {
            b.shardIteratorType(c.start);
        }
        return streams.getShardIterator(b.build()).shardIterator();
    }

    private void finish(Cursor c) {
        c.done = true;
        c.iterator = null;
        ended.put(c.id, c.lastSeq == null ? "" : c.lastSeq);
    }

    private void describe() {
        describeNow = false;
        nextDescribe = System.nanoTime() + cfg.describeInterval().toNanos();
        List<Shard> all;
        try {
            all = listShards();
        } catch (DynamoDbException e) {
            if (!errorCode(e).equals("LimitExceededException")) throw e;
            return; // throttled: the current list serves until the next try
        }
        Set<String> ids = new HashSet<>();
        Map<String, Shard> fresh = new LinkedHashMap<>();
        for (Shard s : all) {
            ids.add(s.shardId());
            if (!cursors.containsKey(s.shardId())) fresh.put(s.shardId(), s);
        }
        synchronized (lock) {
            // parents before children, so a child sees whether we read its parent
            while (!fresh.isEmpty()) {
                int before = fresh.size();
                for (Iterator<Shard> it = fresh.values().iterator(); it.hasNext(); ) {
                    Shard s = it.next();
                    if (s.parentShardId() != null && fresh.containsKey(s.parentShardId())) continue;
                    cursors.put(s.shardId(), discover(s));
                    it.remove();
                }
                if (fresh.size() == before)
                    throw new IllegalStateException("shard lineage has a cycle: " + fresh.keySet());
            }
        }
        for (Iterator<Cursor> it = cursors.values().iterator(); it.hasNext(); ) {
            Cursor c = it.next();
            if (ids.contains(c.id)) continue;
            if (!c.done) {
                log.warn("{}: shard {} left the stream before it was fully read", name(), c.id);
                finish(c);
            }
            it.remove();
        }
        listed = Set.copyOf(ids);
    }

    /** Where a newly listed shard starts (called under lock). */
    private Cursor discover(Shard s) {
        Cursor c = new Cursor(s.shardId(), s.parentShardId());
        String pos = committed.get(c.id);
        if (SHARD_END.equals(pos)) {
            c.done = true;
        } else if (TRIM_HORIZON.equals(pos)) {
            c.start = ShardIteratorType.TRIM_HORIZON;
        } else if (pos != null) {
            c.lastSeq = pos;
        } else if (cfg.start() == Start.TRIM_HORIZON || readParentOf(c)) {
            c.start = ShardIteratorType.TRIM_HORIZON;
            committed.put(c.id, TRIM_HORIZON); // remembered: after a restart it still follows its parent
        } else if (s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null) {
            c.done = c.skipped = true; // LATEST: closed before we came
        } else {
            c.start = ShardIteratorType.LATEST;
        }
        return c;
    }

    private boolean readParentOf(Cursor c) {
        if (c.parent == null) return false;
        Cursor p = cursors.get(c.parent);
        return p != null ? !p.skipped : committed.containsKey(c.parent);
    }

    private List<Shard> listShards() {
        List<Shard> all = new ArrayList<>();
        String from = null;
        do {
            DescribeStreamRequest req = DescribeStreamRequest.builder()
                    .streamArn(streamArn)
                    .exclusiveStartShardId(from)
                    .build();
            StreamDescription d = streams.describeStream(req).streamDescription();
            all.addAll(d.shards());
            from = d.lastEvaluatedShardId();
        } while (from != null);
        return all;
    }

    @Override
    public void checkpoint(List<SourceEvent> applied) throws IOException {
        synchronized (lock) {
            for (SourceEvent e : applied) {
                if (e.partition() != null && e.position() != null) committed.put(e.partition(), e.position());
            }
            for (Iterator<Map.Entry<String, String>> it = ended.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, String> e = it.next();
                if (e.getValue().isEmpty() || e.getValue().equals(committed.get(e.getKey()))) {
                    committed.put(e.getKey(), SHARD_END); // every record it had is applied
                    it.remove();
                }
            }
            Set<String> now = listed;
            if (!now.isEmpty())
                committed.entrySet().removeIf(e -> SHARD_END.equals(e.getValue()) && !now.contains(e.getKey()));
            store.save(name(), committed);
        }
    }

    /** The positions as the next checkpoint would save them (a copy; for tests and operators). */
    public Map<String, String> positions() {
        synchronized (lock) {
            return new HashMap<>(committed);
        }
    }

    /**
     * Backfill step 1, before the first poll: every shard listed now that has no position is pinned to
     * TRIM_HORIZON and the backfill marked pending, durably. Whatever the table does while the scan runs is
     * then still read from the stream afterwards, whatever {@link Start} says.
     */
    void pinForBackfill() throws IOException {
        if (!cursors.isEmpty()) throw new IllegalStateException("pin the stream position before the first poll");
        List<Shard> all = listShards();
        synchronized (lock) {
            for (Shard s : all) committed.putIfAbsent(s.shardId(), TRIM_HORIZON);
            committed.put(BACKFILL_KEY, "pending");
            store.save(name(), committed);
        }
    }

    String backfillState() {
        synchronized (lock) {
            return committed.get(BACKFILL_KEY);
        }
    }

    void backfillDone() throws IOException {
        synchronized (lock) {
            committed.put(BACKFILL_KEY, "done");
            store.save(name(), committed);
        }
    }

    /** Stops polling; the clients belong to the caller and stay open. */
    @Override
    public void close() {
        closed = true;
    }
}
