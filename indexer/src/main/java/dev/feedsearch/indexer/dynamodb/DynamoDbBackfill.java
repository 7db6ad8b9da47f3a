package dev.feedsearch.indexer.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.indexer.BackfillStrays;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterStore;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.IsolatingApplier;
import dev.feedsearch.indexer.Reconciler.SourceRow;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Backfill then stream, with no gap: (1) the stream position is pinned first (every shard without a
 * checkpoint to TRIM_HORIZON, durably, backfill marked pending); (2) the table is scanned page by page and
 * every item goes through the same {@link ItemMapper} → {@link ChangeFactory} → {@link PostWriter#apply}
 * path as the stream, then committed; (3) the backfill is marked done. Streaming then starts from the
 * pinned position, so a write made during the scan is both scanned (maybe) and streamed (surely); versions
 * make the second copy a no-op. A Scan is not a snapshot, which is why the stream must cover its whole
 * duration: this holds while the scan takes less than the stream's 24 h retention.
 *
 * <p>The Scan can run in parallel segments ({@code segments}), each read by its own thread.
 *
 * <p>A crash mid-scan leaves the marker at "pending" and the pinned positions unchanged: the next start
 * scans again. Posts (or, for the follows table, active edges) live in the index but absent from the scan
 * (deleted beyond the stream's retention while no indexer ran) are removed at the version the index holds.
 */
public final class DynamoDbBackfill {
    private static final Logger log = LoggerFactory.getLogger(DynamoDbBackfill.class);

    private final DynamoDbClient ddb;
    private final ChangeFactory factory;
    private final PostWriter index;
    private final DeadLetterStore deadLetters;
    /** Each segment is a thread holding up to a page: a bound on memory and threads. */
    public static final int MAX_SEGMENTS = 64;

    private final int pageSize;
    private final int segments;

    /** @param pageSize items per Scan page, which is also the index batch */
    public DynamoDbBackfill(
            DynamoDbClient ddb, ChangeFactory factory, PostWriter index, DeadLetterStore deadLetters, int pageSize) {
        this(ddb, factory, index, deadLetters, pageSize, 1);
    }

    /**
     * @param pageSize items per Scan page, which is also the index batch
     * @param segments parallel Scan segments: each is read by its own thread while this one detects and
     *                 applies, so a large table's read latency overlaps the indexing (1..{@value #MAX_SEGMENTS};
     *                 at most 16 pages queue, plus one per blocked reader)
     */
    public DynamoDbBackfill(
            DynamoDbClient ddb,
            ChangeFactory factory,
            PostWriter index,
            DeadLetterStore deadLetters,
            int pageSize,
            int segments) {
        if (pageSize < 1) throw new IllegalArgumentException("pageSize must be >= 1");
        if (segments < 1 || segments > MAX_SEGMENTS)
            throw new IllegalArgumentException("segments must be 1.." + MAX_SEGMENTS);
        this.ddb = ddb;
        this.factory = factory;
        this.index = index;
        this.deadLetters = deadLetters;
        this.pageSize = pageSize;
        this.segments = segments;
    }

    /** Backfills {@code source}'s table unless an earlier backfill of this stream finished. Call before the first poll. */
    public Optional<IngestReport> runIfNeeded(DynamoDbStreamSource source) throws IOException {
        if ("done".equals(source.backfillState())) return Optional.empty();
        return Optional.of(run(source));
    }

    /** Pins the stream position, scans the table into the index, commits, and marks the backfill done. */
    public IngestReport run(DynamoDbStreamSource source) throws IOException {
        source.pinForBackfill();
        String table = source.table();
        boolean posts = ddb.describeTable(b -> b.tableName(table)).table().keySchema().stream()
                .anyMatch(k -> k.attributeName().equals("id"));
        // what the index holds of this table (its posts, or its edges): removed unless scanned
        BackfillStrays strays = BackfillStrays.of(index, posts, !posts);
        Counts n = new Counts();
        try (SegmentedScan scan = new SegmentedScan(table)) {
            for (List<Map<String, AttributeValue>> items = scan.next(); items != null; items = scan.next()) {
                for (Map<String, AttributeValue> item : items) {
                    if (posts) strays.seenPost(string(item, "id"));
                    else
                        strays.seenEdge(
                                string(item, "follower_id"), string(item, "followee_id"), string(item, "relation"));
                }
                apply(source.name(), table, items, n);
            }
        }
        // what the scan lacks is gone from the table
        List<IndexChange> removals = strays.removals();
        n.deletes += removals.size();
        n.stale += index.apply(removals).stale();
        index.commit();
        source.backfillDone();
        IngestReport r = new IngestReport(n.items, n.posts, n.follows, n.deletes, n.stale, n.dead, 0);
        log.info("backfilled {} into the index: {}", table, r);
        return r;
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private void apply(String source, String table, List<Map<String, AttributeValue>> items, Counts n)
            throws IOException {
        if (items.isEmpty()) return;
        List<ChangeFactory.Decoded> decoded = factory.decodeEach(items, item -> {
            try {
                return ItemMapper.item(item);
            } catch (ItemMapper.UnmappableException e) {
                throw new InvalidRecordException(null, e.getMessage());
            }
        });
        List<Integer> good = new ArrayList<>(items.size());
        for (int i = 0; i < decoded.size(); i++) {
            n.items++;
            InvalidRecordException e = decoded.get(i).invalid();
            if (e != null) {
                deadLetter(source, table, items.get(i), e.field(), e.getMessage(), n);
                continue;
            }
            IndexChange c = decoded.get(i).change();
            if (c instanceof FollowChange) n.follows++;
            else if (((PostChange) c).deleted()) n.deletes++;
            else n.posts++;
            good.add(i);
        }
        // a change the engine throws on is dead-lettered alone (and no longer counted as applied)
        n.stale += IsolatingApplier.apply(index, good, i -> decoded.get(i).change(), (i, why) -> {
                    IndexChange c = decoded.get(i).change();
                    if (c instanceof FollowChange) n.follows--;
                    else if (((PostChange) c).deleted()) n.deletes--;
                    else n.posts--;
                    deadLetter(source, table, items.get(i), null, IsolatingApplier.reason(why), n);
                })
                .stale();
    }

    private void deadLetter(
            String source, String table, Map<String, AttributeValue> item, String field, String reason, Counts n)
            throws IOException {
        n.dead++;
        String mapped = null;
        try {
            mapped = ItemMapper.item(item).toString();
        } catch (ItemMapper.UnmappableException ignored) {
            // the raw item says it all
        }
        deadLetters.add(new DeadLetterEntry(
                Instant.now(),
                source,
                "scan " + table + " " + key(item),
                field,
                reason,
                ItemMapper.typed(item).toString(),
                mapped));
    }

    /**
     * The table's pages from {@link #segments} parallel Scan segments, in whatever order they arrive (versions
     * make order irrelevant). Reader threads block on a bounded queue, so memory stays flat when indexing is
     * the slower side; closing stops them.
     */
    private final class SegmentedScan implements AutoCloseable {
        private static final Object END = new Object();
        // pages waiting to be indexed: enough to keep the indexer busy, few enough that memory stays flat (each
        // reader blocked on a full queue holds one more page)
        private final BlockingQueue<Object> pages = new ArrayBlockingQueue<>(Math.min(2 * segments, 16));
        private final List<Thread> readers = new ArrayList<>();
        private int ended;

        SegmentedScan(String table) {
            for (int i = 0; i < segments; i++) {
                // eventually consistent is enough (half the read cost): a write the scan sees stale is still in the
                // stream
                ScanRequest.Builder req =
                        ScanRequest.builder().tableName(table).limit(pageSize).consistentRead(false);
                if (segments > 1) req.segment(i).totalSegments(segments);
                ScanRequest r = req.build();
                readers.add(Thread.ofPlatform()
                        .daemon()
                        .name("backfill-scan-" + table + "-" + i)
                        .start(() -> {
                            try {
                                try {
                                    readSegment(r);
                                    pages.put(END);
                                } catch (InterruptedException e) {
                                    throw e;
                                } catch (
                                        Throwable
                                                e) { // an Error too: the consumer must hear of it, or it waits forever
                                    pages.put(e);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt(); // closed: the consumer is gone
                            }
                        }));
            }
        }

        /**
         * Reads one segment page by page. A throttled page (the SDK's own retries spent) is asked for again from
         * the same start key after a jittered backoff, up to {@value #PAGE_ATTEMPTS} times: a busy table slows the
         * backfill down instead of failing it, which would start the whole scan over.
         */
        private void readSegment(ScanRequest first) throws InterruptedException {
            Map<String, AttributeValue> start = null;
            do {
                ScanRequest req = start == null
                        ? first
                        : first.toBuilder().exclusiveStartKey(start).build();
                ScanResponse page = null;
                for (int attempt = 1; page == null; attempt++) {
                    try {
                        page = ddb.scan(req);
                    } catch (SdkException e) {
                        if (!throttled(e) || attempt == PAGE_ATTEMPTS) throw e;
                        long backoff = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
                        long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                        log.warn(
                                "backfill scan of {} segment {} throttled (attempt {} of {}), again in {} ms: {}",
                                first.tableName(),
                                first.segment(),
                                attempt,
                                PAGE_ATTEMPTS,
                                sleep,
                                e.getMessage());
                        Thread.sleep(sleep);
                    }
                }
                if (!page.items().isEmpty()) pages.put(page.items());
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }

        /** The next page, or null when every segment is read. */
        @SuppressWarnings("unchecked")
        List<Map<String, AttributeValue>> next() throws IOException {
            while (ended < segments) {
                Object o;
                try {
                    o = pages.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while scanning", e);
                }
                if (o == END) ended++;
                else if (o instanceof Error e) throw e;
                else if (o instanceof Throwable e)
                    throw new IOException("scanning the table failed: " + e.getMessage(), e);
                else return (List<Map<String, AttributeValue>>) o;
            }
            return null;
        }

        @Override
        public void close() {
            readers.forEach(Thread::interrupt);
        }
    }

    /** How often one Scan page is asked for while DynamoDB throttles it (after the SDK's own retries). */
    static final int PAGE_ATTEMPTS = 10;

    static final long MIN_BACKOFF_MILLIS = 200, MAX_BACKOFF_MILLIS = 20_000;

    static boolean throttled(SdkException e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException)
            return true;
        return e instanceof AwsServiceException a && a.isThrottlingException();
    }

    private static String key(Map<String, AttributeValue> item) {
        if (item.containsKey("id")) return String.valueOf(item.get("id").s());
        return item.get("follower_id") + "->" + item.get("followee_id");
    }

    /**
     * Every post row of {@code table} as {@link SourceRow}s for {@code Reconciler}: a paginated Scan of
     * id, version and deleted. Rows without an integral version are left out: they can never be indexed
     * (they are in the dead-letter store).
     */
    public static Iterable<SourceRow> postRows(DynamoDbClient ddb, String table) {
        ScanRequest req = ScanRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .projectionExpression("#i, #v, #d")
                .expressionAttributeNames(Map.of("#i", "id", "#v", "version", "#d", "deleted"))
                .build();
        return () -> ddb.scanPaginator(req).items().stream()
                .map(DynamoDbBackfill::row)
                .filter(r -> r != null)
                .iterator();
    }

    private static SourceRow row(Map<String, AttributeValue> item) {
        try {
            ObjectNode o = ItemMapper.item(item);
            if (!o.path("id").isTextual()
                    || !o.path("version").isIntegralNumber()
                    || !o.path("version").canConvertToLong()) return null;
            return new SourceRow(
                    o.get("id").textValue(),
                    o.get("version").longValue(),
                    o.path("deleted").asBoolean(false));
        } catch (ItemMapper.UnmappableException e) {
            return null;
        }
    }

    private static final class Counts {
        long items, posts, follows, deletes, stale, dead;
    }
}
