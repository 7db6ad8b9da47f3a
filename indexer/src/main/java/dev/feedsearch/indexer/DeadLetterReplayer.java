package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostJson;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-submits dead letters (after the data or the code was fixed) through the same validation as every
 * other path. Entries that now pass are applied and leave the store; the rest stay, with today's reason, and
 * so do those the engine refuses again while they are applied.
 * Versions make a replay of an entry whose post has since moved on harmless.
 */
public final class DeadLetterReplayer {
    public record Report(int replayed, int remaining) {}

    private DeadLetterReplayer() {}

    public static Report replay(JsonlDeadLetterStore store, ChangeFactory changes, PostIndex index) throws IOException {
        List<IndexChange> good = new ArrayList<>();
        List<DeadLetterEntry> keep = new ArrayList<>(), resubmitted = new ArrayList<>();
        List<DeadLetterEntry> before = store.list();
        for (DeadLetterEntry e : before) {
            String json = e.record() != null ? e.record() : e.raw();
            try {
                good.add(changes.fromJson(PostJson.MAPPER.readTree(json)));
                resubmitted.add(e);
            } catch (JsonProcessingException bad) {
                keep.add(retry(e, null, "not valid JSON: " + bad.getOriginalMessage()));
            } catch (InvalidRecordException bad) {
                keep.add(retry(e, bad.field(), bad.getMessage()));
            }
        }
        // the engine may refuse some again (an OpenSearch write refused for good is dead-lettered by the engine
        // itself): those are appended during the apply and must survive the rewrite
        store.forget(resubmitted);
        index.apply(good);
        index.commit();
        List<DeadLetterEntry> after = store.list();
        List<DeadLetterEntry> refusedAgain = after.subList(before.size(), after.size());
        keep.addAll(refusedAgain);
        store.rewrite(keep);
        return new Report(good.size() - refusedAgain.size(), keep.size());
    }

    private static DeadLetterEntry retry(DeadLetterEntry e, String field, String reason) {
        return new DeadLetterEntry(Instant.now(), e.source(), e.position(), field, reason, e.raw(), e.record());
    }
}
