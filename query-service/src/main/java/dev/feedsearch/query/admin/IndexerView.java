package dev.feedsearch.query.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the operations endpoints read from the indexer side of the process (its change streams and dead-letter file),
 * which this module does not depend on: the app wires an implementation in.
 */
public interface IndexerView {
    /** One change source: events applied since start, its lag, why it is down (null while it runs), its checkpoints. */
    record Stream(
            String name,
            long applied,
            Double lagSeconds,
            String problem,
            long restarts,
            Map<String, String> checkpoints) {}

    /** One dead-lettered record: its place in the file, where it came from, and why it was refused. */
    record DeadLetter(long line, Instant at, String source, String position, String field, String reason, String raw) {}

    /** What a replay did: re-applied, left in the file (still failing, or unreadable), and of those unreadable. */
    record Replay(int replayed, int remaining, int unreadable) {}

    List<Stream> streams() throws IOException;

    long deadLetterCount() throws IOException;

    /** The last {@code limit} entries, newest first. */
    List<DeadLetter> deadLetters(int limit) throws IOException;

    Replay replayDeadLetters() throws IOException;

    /** A process without change streams or dead-letter file. */
    IndexerView NONE = new IndexerView() {
        @Override
        public List<Stream> streams() {
            return List.of();
        }

        @Override
        public long deadLetterCount() {
            return 0;
        }

        @Override
        public List<DeadLetter> deadLetters(int limit) {
            return List.of();
        }

        @Override
        public Replay replayDeadLetters() {
            return new Replay(0, 0, 0);
        }
    };
}
