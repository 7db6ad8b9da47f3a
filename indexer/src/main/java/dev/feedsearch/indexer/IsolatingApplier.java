package dev.feedsearch.indexer;

import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.IndexChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch so that one change the engine cannot apply does not hold back the others: when
 * {@link PostWriter#apply} throws, the batch is split in halves, and those again, until the change that throws is
 * alone; it goes to {@code poisoned} (the dead-letter store) and everything else is applied. Validation keeps the
 * known poisons out (times, counters); this is the net for the ones nobody foresaw. Re-applying a half that was
 * partly written before the failure is harmless: versions make the repeated changes no-ops.
 *
 * <p>Not every exception is a record's fault. An {@link IOException} (a disk error, a cluster that stays
 * unreachable after the engine's own retries), an {@link UncheckedIOException} and Lucene's
 * {@link AlreadyClosedException} (the writer is gone) would fail every change alike: they are thrown on, unsplit,
 * so a stream stops and is opened again from its checkpoint rather than dead-lettering everything it reads.
 */
public final class IsolatingApplier {
    private static final Logger log = LoggerFactory.getLogger(IsolatingApplier.class);

    /** Takes a change the engine refused on its own, with what it threw. */
    @FunctionalInterface
    public interface Poisoned<T> {
        void accept(T item, RuntimeException why) throws IOException;
    }

    /** What one apply did: changes skipped as stale (duplicates included), changes isolated as poison. */
    public record Outcome(long stale, int poisoned) {}

    private IsolatingApplier() {}

    /**
     * Applies {@code items}' changes; an item whose change alone makes {@code apply} throw goes to {@code poisoned}.
     *
     * @throws IOException (or an unchecked I/O error) when the failure is the engine's, not a record's
     */
    public static <T> Outcome apply(
            PostWriter index, List<T> items, Function<T, ? extends IndexChange> change, Poisoned<T> poisoned)
            throws IOException {
        long[] counts = new long[2]; // stale, poisoned
        apply(index, items, change, poisoned, counts);
        return new Outcome(counts[0], (int) counts[1]);
    }

    private static <T> void apply(
            PostWriter index,
            List<T> items,
            Function<T, ? extends IndexChange> change,
            Poisoned<T> poisoned,
            long[] counts)
            throws IOException {
        if (items.isEmpty()) return;
        try {
            ApplyResult r = index.apply(items.stream().map(change).toList());
            counts[0] += r.stale();
        } catch (UncheckedIOException | AlreadyClosedException engineFault) {
            throw engineFault;
        } catch (RuntimeException e) {
            if (items.size() == 1) {
                log.warn(
                        "change {} could not be applied and goes to the dead-letter store",
                        change.apply(items.getFirst()).key(),
                        e);
                poisoned.accept(items.getFirst(), e);
                counts[1]++;
                return;
            }
            int mid = items.size() / 2;
            apply(index, items.subList(0, mid), change, poisoned, counts);
            apply(index, items.subList(mid, items.size()), change, poisoned, counts);
        }
    }

    /** The dead-letter reason for a change the engine threw on. */
    public static String reason(RuntimeException why) {
        return "could not apply: " + why;
    }
}
