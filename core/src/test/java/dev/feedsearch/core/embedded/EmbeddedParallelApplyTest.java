package dev.feedsearch.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies large enough to be written on several threads end up exactly where one thread puts them: the same
 * stored versions, tombstones, search results and change-log generations, with version rules intact across
 * applies (updates replace, stale and duplicate changes are skipped, deletes win ties).
 */
class EmbeddedParallelApplyTest {
    static GroupAnalyzers analyzers;
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    // Latin, CJK and Korean texts: analysis costs differ ~50x, so chunks finish out of order
    static final String[][] TEXTS = {
        {"en", "en", "rivers and mountains in the morning light"},
        {"ja", "ja", "東京の川と山の朝の光"},
        {"ko", "ko", "아침 햇살 속의 강과 산"},
        {"de", "de", "Flüsse und Berge im Morgenlicht"}
    };

    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    @Test
    void severalWriterThreadsGiveTheSameIndexAsOne() throws IOException {
        List<List<IndexChange>> applies = workload(new Random(7));
        Map<String, String> one, four;
        List<ApplyResult> r1 = new ArrayList<>(), r4 = new ArrayList<>();
        try (EmbeddedPostIndex serial = EmbeddedPostIndex.open(dir.resolve("one"), analyzers, 1);
                EmbeddedPostIndex parallel = EmbeddedPostIndex.open(dir.resolve("four"), analyzers, 4)) {
            for (List<IndexChange> a : applies) {
                r1.add(serial.apply(a));
                r4.add(parallel.apply(a));
                // visible when apply returns, on both
                assertThat(parallel.stats()).isEqualTo(serial.stats());
            }
            one = versions(serial);
            four = versions(parallel);
            assertThat(parallel.changes().generation())
                    .isEqualTo(serial.changes().generation())
                    .isEqualTo(applies.size());
            for (String[] t : TEXTS) {
                String word = t[2].split(" ")[0];
                assertThat(ids(parallel, word)).isEqualTo(ids(serial, word));
            }
            assertThat(parallel.changes().changedSince(applies.size() - 1, List.of("p3")))
                    .isEqualTo(serial.changes().changedSince(applies.size() - 1, List.of("p3")));
        }
        assertThat(r4).isEqualTo(r1);
        assertThat(four).isEqualTo(one).hasSize(1_500);
        // the workload really exercised every rule
        assertThat(r1.stream().mapToInt(ApplyResult::stale).sum()).isPositive();
        assertThat(r1.stream().mapToInt(ApplyResult::deleted).sum()).isPositive();
        assertThat(one.values()).anyMatch(v -> v.endsWith("deleted")).anyMatch(v -> v.equals("3"));
    }

    @Test
    void aDocumentThatCannotBeIndexedFailsTheApplyAndTheRestStaysConsistent() throws IOException {
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), analyzers, 3)) {
            List<IndexChange> batch = new ArrayList<>();
            for (int i = 0; i < 400; i++) batch.add(post("p" + i, "u1", TEXTS[i % TEXTS.length], 1));
            // an author id over Lucene's 32,766-byte term limit cannot be indexed
            batch.add(200, post("huge", "u".repeat(40_000), TEXTS[0], 1));
            long before = index.changes().generation();
            assertThatThrownBy(() -> index.apply(batch)).isInstanceOf(IllegalArgumentException.class);
            // what was written before the failure is searchable and published, so no cache can keep a stale copy
            assertThat(index.changes().generation()).isEqualTo(before + 1);
            assertThat(index.versionOf("huge")).isEqualTo(-1);
            // the index keeps working, and a replay of the batch without the bad document completes it
            batch.remove(200);
            index.apply(batch);
            assertThat(index.stats().posts()).isEqualTo(400);
        }
    }

    /** Inserts, replacing updates, deletes, stale replays and in-batch duplicates over 1,500 keys. */
    static List<List<IndexChange>> workload(Random rnd) {
        List<List<IndexChange>> applies = new ArrayList<>();
        List<IndexChange> first = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) first.add(post("p" + i, "u" + (i % 40), TEXTS[i % TEXTS.length], 1));
        applies.add(first);
        for (int round = 2; round <= 3; round++) {
            List<IndexChange> next = new ArrayList<>();
            for (int i = 0; i < 1_500; i++) {
                int kind = rnd.nextInt(10);
                String id = "p" + i;
                if (kind < 5) next.add(post(id, "u" + (i % 40), TEXTS[(i + round) % TEXTS.length], round)); // update
                else if (kind < 6) next.add(PostChange.delete(id, round));
                else if (kind < 8) next.add(post(id, "u" + (i % 40), TEXTS[0], 1)); // stale replay
                else if (kind < 9) { // duplicate within the batch: the newer wins whatever the order
                    next.add(post(id, "u" + (i % 40), TEXTS[1], round));
                    next.add(post(id, "u" + (i % 40), TEXTS[2], round - 1));
                }
            }
            Collections.shuffle(next, rnd);
            applies.add(next);
        }
        List<IndexChange> last = new ArrayList<>(); // ties: a delete beats an upsert of the same version
        for (int i = 0; i < 300; i++) last.add(PostChange.delete("p" + i, 3));
        applies.add(last);
        return applies;
    }

    static PostChange post(String id, String author, String[] text, long version) {
        Post p = new Post(
                id,
                author,
                text[2],
                null,
                T0.plusSeconds(Math.abs(id.hashCode() % 10_000)),
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                version,
                false);
        return PostChange.upsert(p, text[0], text[1]);
    }

    static Map<String, String> versions(EmbeddedPostIndex index) throws IOException {
        Map<String, String> out = new TreeMap<>();
        index.forEachPostVersion((id, version, deleted) -> out.put(id, version + (deleted ? " deleted" : "")));
        return out;
    }

    static List<String> ids(EmbeddedPostIndex index, String text) throws IOException {
        return index
                .search(SearchQuery.builder()
                        .text(text)
                        .sort(SortOrder.RECENT)
                        .limit(100)
                        .build())
                .hits()
                .stream()
                .map(h -> h.post().post().id())
                .sorted()
                .toList();
    }
}
