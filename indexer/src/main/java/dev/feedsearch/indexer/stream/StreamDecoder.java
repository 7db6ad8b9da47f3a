package dev.feedsearch.indexer.stream;

import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The decode stage of {@link StreamIndexer}: each polled event validated and language-detected into a change,
 * or into the dead letter saying why it cannot become one.
 */
final class StreamDecoder {

    /** One polled batch after validation: the good changes (each with its event) and the dead letters, in poll order. */
    record Decoded(List<SourceEvent> events, List<Good> changes, List<DeadLetterEntry> dead) {}

    /** A validated change and the event it came from (for its dead letter, should the engine refuse it). */
    record Good(SourceEvent event, IndexChange change) {}

    private final ChangeSource source;
    private final ChangeFactory changes;

    StreamDecoder(ChangeSource source, ChangeFactory changes) {
        this.source = source;
        this.changes = changes;
    }

    /** Validation and detection dominate the cost: the events are decoded in parallel. */
    Decoded decodeAll(List<SourceEvent> batch) {
        Object[] out = new Object[batch.size()];
        IntStream.range(0, batch.size()).parallel().forEach(i -> out[i] = decode(batch.get(i)));
        List<Good> good = new ArrayList<>(batch.size());
        List<DeadLetterEntry> dead = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof IndexChange c) good.add(new Good(batch.get(i), c));
            else dead.add((DeadLetterEntry) out[i]);
        }
        return new Decoded(batch, good, dead);
    }

    /** The change an event becomes, or the dead letter saying why it cannot become one. */
    private Object decode(SourceEvent e) {
        String field = null, reason = e.mappingError();
        if (e.record() != null) {
            try {
                return changes.fromJson(e.record());
            } catch (InvalidRecordException bad) {
                field = bad.field();
                reason = bad.getMessage();
            } catch (RuntimeException bad) {
                reason = "could not index: " + bad;
            }
        }
        return deadLetter(e, field, reason);
    }

    /** The dead letter of an event, with where in the source it was. */
    DeadLetterEntry deadLetter(SourceEvent e, String field, String reason) {
        return new DeadLetterEntry(
                Instant.now(),
                source.name(),
                e.partition() + "@" + e.position(),
                field,
                reason,
                e.raw() != null ? e.raw() : String.valueOf(e.record()),
                e.record() == null ? null : e.record().toString());
    }
}
