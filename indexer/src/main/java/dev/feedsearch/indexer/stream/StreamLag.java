package dev.feedsearch.indexer.stream;

import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far behind a {@link StreamIndexer} is, from what it knows: events polled and not yet applied, and when
 * it last had none pending with the source drained.
 */
final class StreamLag {
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile long caughtUpAtMillis = -1;
    private final long createdMillis = System.currentTimeMillis();

    /**
     * How far behind the stream is: 0 while caught up (the last poll found the source drained and every event polled
     * before it is applied), else the seconds since it last was (since creation if never). A bound on the age of
     * the oldest change not yet applied, read from what the indexer knows: source record times are too coarse
     * (DynamoDB Local rounds them to the minute) and a quiet stream has no newer record to lower them.
     */
    OptionalDouble lagSeconds() {
        if (caughtUp) return OptionalDouble.of(0);
        long since = caughtUpAtMillis >= 0 ? caughtUpAtMillis : createdMillis;
        return OptionalDouble.of(Math.max(0, System.currentTimeMillis() - since) / 1000.0);
    }

    /** The reader saw a batch: an empty one with nothing in flight means the stream is caught up. */
    void polled(List<SourceEvent> batch) {
        if (batch.isEmpty()) {
            if (pending.get() == 0) {
                caughtUpAtMillis = System.currentTimeMillis();
                caughtUp = true;
            }
        } else {
            caughtUp = false;
            pending.addAndGet(batch.size());
        }
    }

    /** {@code events} polled before are applied (or dead-lettered). */
    void applied(int events) {
        pending.addAndGet(-events);
    }
}
