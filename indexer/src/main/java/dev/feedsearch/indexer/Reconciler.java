package dev.feedsearch.indexer;

import dev.feedsearch.core.index.PostWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the source of truth with the index, post by post. A post the source has (not deleted) must be
 * live in the index at the same version; a post the source deleted or never had must not be live.
 * Counts: missing (source has it, index does not), stale (index holds another version), resurrected
 * (live in the index though the source deleted it or has no such row).
 */
public final class Reconciler {
    /** One row of the source of truth. Sources that hard-delete rows simply do not report them. */
    public record SourceRow(String id, long version, boolean deleted) {}

    public record Report(
            long sourceRows, long indexLive, long missing, long stale, long resurrected, List<String> examples) {
        public boolean clean() {
            return missing == 0 && stale == 0 && resurrected == 0;
        }

        @Override
        public String toString() {
            return String.format(
                    "source rows %d, live in index %d: %d missing, %d stale, %d resurrected%s",
                    sourceRows, indexLive, missing, stale, resurrected, examples.isEmpty() ? "" : "; e.g. " + examples);
        }
    }

    private Reconciler() {}

    public static Report compare(Iterable<SourceRow> source, PostWriter index) throws IOException {
        Map<String, SourceRow> rows = new HashMap<>();
        for (SourceRow r : source) rows.merge(r.id(), r, (a, b) -> b.version() >= a.version() ? b : a);
        long[] live = {0}, missing = {0}, stale = {0}, resurrected = {0};
        List<String> examples = new ArrayList<>();
        Set<String> seenLive = new HashSet<>();
        index.forEachPostVersion((id, version, deleted) -> {
            if (deleted) return;
            live[0]++;
            seenLive.add(id);
            SourceRow r = rows.get(id);
            if (r == null || r.deleted()) {
                resurrected[0]++;
                if (examples.size() < 10) examples.add("resurrected " + id);
            } else if (r.version() != version) {
                stale[0]++;
                if (examples.size() < 10)
                    examples.add("stale " + id + " index v" + version + " source v" + r.version());
            }
        });
        for (SourceRow r : rows.values()) {
            if (!r.deleted() && !seenLive.contains(r.id())) {
                missing[0]++;
                if (examples.size() < 10) examples.add("missing " + r.id());
            }
        }
        return new Report(rows.size(), live[0], missing[0], stale[0], resurrected[0], List.copyOf(examples));
    }
}
