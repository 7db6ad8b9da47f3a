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
 * other path. Entries that now pass are applied and leave the store; the rest stay, with today's reason.
 * Versions make a replay of an entry whose post has since moved on harmless.
 */
public final class DeadLetterReplayer {
    public record Report(int replayed, int remaining) {}

    private DeadLetterReplayer() {}

    public static Report replay(JsonlDeadLetterStore store, ChangeFactory changes, PostIndex index) throws IOException {
        List<IndexChange> good = new ArrayList<>();
        List<DeadLetterEntry> keep = new ArrayList<>();
        for (DeadLetterEntry e : store.list()) {
            String json = e.record() != null ? e.record() : e.raw();
            try {
                good.add(changes.fromJson(PostJson.MAPPER.readTree(json)));
            } catch (JsonProcessingException bad) {
                keep.add(retry(e, null, "not valid JSON: " + bad.getOriginalMessage()));
            } catch (InvalidRecordException bad) {
                keep.add(retry(e, bad.field(), bad.getMessage()));
            }
        }
        index.apply(good);
        index.commit();
        store.rewrite(keep);
        return new Report(good.size(), keep.size());
    }

    private static DeadLetterEntry retry(DeadLetterEntry e, String field, String reason) {
        return new DeadLetterEntry(Instant.now(), e.source(), e.position(), field, reason, e.raw(), e.record());
    }
}
