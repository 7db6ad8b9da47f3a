package dev.feedsearch.indexer.stream;

import java.time.Duration;
import java.util.List;

/**
 * A stream of changes (DynamoDB Streams, PostgreSQL logical replication). The indexer polls it from
 * one thread, applies what it got, makes the index durable, and only then calls {@link #checkpoint}:
 * a crash between poll and checkpoint replays those events, which versions make harmless.
 */
public interface ChangeSource extends AutoCloseable {

    /** Name used in metrics, dead-letter entries and logs, e.g. "dynamodb:posts" or "postgres:feedsearch_slot". */
    String name();

    /**
     * The next events in source order (per partition), at most {@code maxEvents}; waits up to
     * {@code maxWait} when nothing is available and then returns an empty list.
     */
    List<SourceEvent> poll(int maxEvents, Duration maxWait) throws Exception;

    /**
     * Every event returned by {@code poll} up to and including {@code applied} (the last of a batch, in
     * poll order) is applied and durable in the index: persist the position / acknowledge it upstream.
     */
    void checkpoint(List<SourceEvent> applied) throws Exception;

    @Override
    void close() throws Exception;
}
