package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.JsonlDeadLetterStore.StoredLine;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Re-submits dead letters (after the data or the code was fixed) through the same validation as every
 * other path. Entries that now pass are applied and leave the store; everything else stays: an entry that still
 * fails validation (with today's reason), one the engine throws on or refuses again while it is applied, and any
 * line of the file that holds no readable entry (kept byte for byte). The file is replaced atomically once the
 * applied changes are committed; a replay that fails before that leaves the file as it was.
 * Versions make a replay of an entry whose post has since moved on harmless.
 */
public final class DeadLetterReplayer {
    /** @param unreadable lines that hold no entry, kept as they are (counted in {@code remaining}) */
    public record Report(int replayed, int remaining, int unreadable) {}

    private DeadLetterReplayer() {}

    /** An entry that passes validation now, the change it became, and its place in the file. */
    private record Resubmitted(DeadLetterEntry entry, IndexChange change, int slot) {}

    public static Report replay(JsonlDeadLetterStore store, ChangeFactory changes, PostWriter index)
            throws IOException {
        long end = store.size();
        List<StoredLine> lines = store.lines();
        // what stays, in file order: a slot is emptied once its entry is re-applied
        StoredLine[] keep = lines.toArray(StoredLine[]::new);
        List<Resubmitted> good = new ArrayList<>();
        int unreadable = 0;
        for (int i = 0; i < keep.length; i++) {
            StoredLine line = keep[i];
            if (!line.readable()) {
                unreadable++; // kept byte for byte
                continue;
            }
            DeadLetterEntry e = line.entry();
            if (e.replayable() == null) continue; // holds no record at all: nothing to re-submit
            try {
                good.add(new Resubmitted(e, changes.fromJson(PostJson.readStrict(e.replayable())), i));
                keep[i] = null;
            } catch (JsonProcessingException bad) {
                keep[i] = JsonlDeadLetterStore.line(retry(e, null, "not valid JSON: " + bad.getOriginalMessage()));
            } catch (InvalidRecordException bad) {
                keep[i] = JsonlDeadLetterStore.line(retry(e, bad.field(), bad.getMessage()));
            }
        }
        // the engine may refuse some again (an OpenSearch write refused for good is dead-lettered by the engine
        // itself): those are appended during the apply and must survive the rewrite
        List<DeadLetterEntry> resubmitted =
                good.stream().map(Resubmitted::entry).toList();
        store.forget(resubmitted);
        int[] poisoned = {0};
        try {
            IsolatingApplier.apply(index, good, Resubmitted::change, (r, why) -> {
                poisoned[0]++;
                keep[r.slot()] = JsonlDeadLetterStore.line(retry(r.entry(), null, IsolatingApplier.reason(why)));
            });
            index.commit();
        } catch (IOException | RuntimeException | Error failed) {
            store.remember(resubmitted); // the file is untouched: they are still in it
            throw failed;
        }
        List<StoredLine> kept =
                new ArrayList<>(Arrays.stream(keep).filter(Objects::nonNull).toList());
        List<StoredLine> refusedAgain = store.linesFrom(end);
        kept.addAll(refusedAgain);
        store.rewrite(kept);
        return new Report(good.size() - poisoned[0] - refusedAgain.size(), kept.size(), unreadable);
    }

    private static DeadLetterEntry retry(DeadLetterEntry e, String field, String reason) {
        return new DeadLetterEntry(Instant.now(), e.source(), e.position(), field, reason, e.raw(), e.record());
    }
}
