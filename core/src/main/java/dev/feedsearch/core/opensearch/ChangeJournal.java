package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's side of change tracking across processes: every batch its {@link ChangeLog} records (the posts, their
 * authors, the viewers whose edges changed, or "everything" after a swap) is appended to a small index as one entry
 * with the next sequence number, so query replicas can follow it ({@link ChangeFollower}) and drop what they cached.
 *
 * <p>Entries are written with {@code op_type=create} under ids {@code 1, 2, 3…}, after the change they describe is
 * searchable and before {@code apply} returns. One writer holds the {@link WriterLease}, so the numbers have no
 * gaps; a second writer would collide on an id and fail loudly rather than fork the history.
 *
 * <p>Fail safe: a writer that starts (perhaps after one that died between a write and its entry) first appends
 * "everything"; an entry that cannot be written is owed as "everything", written before the next one. A replica thus
 * never keeps a page that a write it was not told about made stale for longer than the writer takes to publish again.
 */
public final class ChangeJournal implements ChangeLog.Listener {
    private static final Logger log = LoggerFactory.getLogger(ChangeJournal.class);

    /** Where the entries live. */
    public static final String INDEX = IndexNames.CHANGES;

    /** Entries kept behind the newest: a replica further behind than this has lost track and drops its caches. */
    static final long KEEP = 100_000;

    /** One journal entry; lists are capped by what one apply batch writes. */
    public record Entry(
            @JsonProperty("seq") long seq,
            @JsonProperty("posts") List<String> posts,
            @JsonProperty("authors") List<String> authors,
            @JsonProperty("viewers") List<String> viewers,
            @JsonProperty("everything") boolean everything,
            @JsonProperty("at_ms") long atMs) {}

    private final OpenSearchClient client;
    private long next;
    private boolean owesEverything;

    private ChangeJournal(OpenSearchClient client, long next) {
        this.client = client;
        this.next = next;
    }

    /** Opens the journal for the lease holder: continues after the newest entry, starting with "everything". */
    public static ChangeJournal openForWriter(OpenSearchClient client) throws IOException {
        ChangeJournal j = new ChangeJournal(client, newest(client, true) + 1);
        j.owesEverything = true; // what a previous writer wrote but did not publish is unknown
        j.publishOwed();
        return j;
    }

    /**
     * The sequence number of the newest entry, 0 when there is none; without {@code refresh}, the newest one a search
     * sees (up to a refresh interval old), which is what a replica's cheap check for a hole needs.
     */
    static long newest(OpenSearchClient client, boolean refresh) throws IOException {
        try {
            if (refresh) client.indices().refresh(r -> r.index(INDEX));
            SearchResponse<Entry> r = client.search(
                    s -> s.index(INDEX)
                            .size(1)
                            .sort(so -> so.field(f -> f.field("seq").order(SortOrder.Desc))),
                    Entry.class);
            return r.hits().hits().isEmpty()
                    ? 0
                    : r.hits().hits().getFirst().source().seq();
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 404) return 0;
            throw e;
        }
    }

    @Override
    public synchronized void recorded(
            Collection<String> postIds, Collection<String> authorIds, Collection<String> viewerIds) {
        append(new Entry(0, List.copyOf(postIds), List.copyOf(authorIds), List.copyOf(viewerIds), false, 0));
    }

    @Override
    public synchronized void recordedEverything() {
        owesEverything = true;
        publishOwedQuietly();
    }

    private void append(Entry e) {
        publishOwedQuietly();
        if (owesEverything) return; // still owed: that entry covers this one too
        try {
            write(e);
        } catch (IOException | RuntimeException ex) {
            owesEverything = true;
            log.warn(
                    "change journal entry {} not written ({}); the next one says everything changed",
                    next,
                    ex.toString());
        }
    }

    private void publishOwedQuietly() {
        try {
            publishOwed();
        } catch (IOException | RuntimeException ex) {
            log.warn("change journal: 'everything' entry {} not written yet ({})", next, ex.toString());
        }
    }

    private void publishOwed() throws IOException {
        if (!owesEverything) return;
        write(new Entry(0, List.of(), List.of(), List.of(), true, 0));
        owesEverything = false;
    }

    private void write(Entry e) throws IOException {
        long seq = next;
        Entry numbered =
                new Entry(seq, e.posts(), e.authors(), e.viewers(), e.everything(), System.currentTimeMillis());
        try {
            client.create(c -> c.index(INDEX).id(Long.toString(seq)).document(numbered));
        } catch (OpenSearchException | ResponseException ex) {
            if (HttpStatus.of(ex) == 409) {
                throw new IllegalStateException(
                        "change journal entry " + seq + " exists: another writer is publishing to "
                                + "this cluster (only the writer-lease holder may write)",
                        ex);
            }
            throw ex;
        }
        next = seq + 1;
        if (seq % 10_000 == 0 && seq > KEEP) prune(seq - KEEP);
    }

    private void prune(long before) {
        try {
            client.deleteByQuery(d -> d.index(INDEX)
                    .conflicts(Conflicts.Proceed)
                    .waitForCompletion(false)
                    .query(q -> q.range(r -> r.field("seq").lt(JsonData.of(before)))));
        } catch (IOException | RuntimeException ex) {
            log.warn(
                    "change journal: pruning before {} failed ({}); retried at the next 10,000", before, ex.toString());
        }
    }

    /** The sequence number the next entry gets (for tests and metrics). */
    synchronized long next() {
        return next;
    }
}
