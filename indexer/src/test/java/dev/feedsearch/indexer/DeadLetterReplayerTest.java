package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.mappings.Mappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterReplayerTest {
    @TempDir
    Path dir;

    @Test
    void fixedEntriesAreIndexedAndLeaveTheStoreBrokenOnesStay() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"id\":\"a\",\"author_id\":\"u1\",\"text\":\"lighthouse keeper\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"PUBLIC\",\"version\":1}",
                        "{\"id\":\"b\",\"author_id\":\"u1\",\"text\":\"lighthouse\",\"version\":1}"));
        Mappings m = Mappings.load();
        ChangeFactory changes = new ChangeFactory(new ScriptFirstDetector(), m);
        Path dlqFile = dir.resolve("dlq.jsonl");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dlqFile)) {
            assertThat(new JsonlIngester(changes, index, dlq, 10)
                            .ingest(file, x -> {})
                            .deadLettered())
                    .isEqualTo(2);

            // an operator fixes entry a in the dead-letter file (visibility must be lower case)
            Files.writeString(dlqFile, Files.readString(dlqFile).replace("\\\"PUBLIC\\\"", "\\\"public\\\""));
            DeadLetterReplayer.Report r = DeadLetterReplayer.replay(dlq, changes, index);

            assertThat(r.replayed()).isEqualTo(1);
            assertThat(r.remaining()).isEqualTo(1);
            assertThat(index.get("a", null)).isPresent();
            assertThat(dlq.list()).singleElement().satisfies(e -> {
                assertThat(e.position()).isEqualTo("line 2");
                assertThat(e.field()).isEqualTo("created_at");
            });
        }
    }

    /**
     * The replay that truncated the file to 0 bytes: it kept only the entries it could read, and it could read
     * none. Now every line it did not re-apply stays: an entry past Jackson's default 20M-character limit that still
     * fails, a line that is no entry at all (byte for byte), and an entry the engine throws on while it is applied.
     */
    @Test
    void replayKeepsEveryEntryItDidNotReapplyIncludingHugeAndUnreadableLines() throws Exception {
        Path file = dir.resolve("in.jsonl");
        String huge = "{\"id\":\"h\",\"author_id\":\"u1\",\"text\":\"" + "y".repeat(21_000_000)
                + "\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}";
        Files.write(
                file,
                List.of(
                        "{\"id\":\"a\",\"author_id\":\"u1\",\"text\":\"lighthouse keeper\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"PUBLIC\",\"version\":1}",
                        huge,
                        "{\"id\":\"c\",\"author_id\":\"u1\",\"text\":\"lighthouse beam\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"PUBLIC\",\"version\":1}"));
        Mappings m = Mappings.load();
        ChangeFactory changes = new ChangeFactory(new ScriptFirstDetector(), m);
        Path dlqFile = dir.resolve("dlq.jsonl");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m))) {
            try (JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dlqFile)) {
                assertThat(new JsonlIngester(changes, index, dlq, 10)
                                .ingest(file, x -> {})
                                .deadLettered())
                        .isEqualTo(3);
            }
            String note = "# an operator's note, not an entry";
            Files.writeString(
                    dlqFile, Files.readString(dlqFile).replace("\\\"PUBLIC\\\"", "\\\"public\\\"") + note + "\n");
            try (JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dlqFile)) {
                DeadLetterReplayer.Report r =
                        DeadLetterReplayer.replay(dlq, changes, FaultInjectingIndex.wrap(index, Set.of("c")));

                assertThat(r.replayed()).isEqualTo(1);
                assertThat(r.remaining()).isEqualTo(3);
                assertThat(r.unreadable()).isEqualTo(1);
                assertThat(index.get("a", null)).isPresent();
                assertThat(index.get("c", null)).isEmpty();
                assertThat(dlq.list()).extracting(DeadLetterEntry::position).containsExactly("line 2", "line 3");
                assertThat(dlq.list().get(0).raw()).isEqualTo(huge);
                assertThat(dlq.list().get(0).reason()).contains("longer than 10000");
                assertThat(dlq.list().get(1).reason()).contains("could not apply", "injected fault");
            }
            assertThat(Files.readAllLines(dlqFile)).hasSize(3).last().isEqualTo(note);

            // the engine is fixed: c goes in; the rest stays, and a replay that changes nothing loses nothing
            try (JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dlqFile)) {
                assertThat(DeadLetterReplayer.replay(dlq, changes, index).replayed())
                        .isEqualTo(1);
                assertThat(DeadLetterReplayer.replay(dlq, changes, index))
                        .isEqualTo(new DeadLetterReplayer.Report(0, 2, 1));
                assertThat(dlq.list())
                        .singleElement()
                        .satisfies(e -> assertThat(e.raw()).isEqualTo(huge));
            }
            assertThat(Files.readAllLines(dlqFile)).hasSize(2).last().isEqualTo(note);
            assertThat(index.get("c", null)).isPresent();
        }
    }
}
