package dev.feedsearch.indexer;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.mappings.Mappings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterReplayerTest {
    @TempDir Path dir;

    @Test
    void fixedEntriesAreIndexedAndLeaveTheStoreBrokenOnesStay() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(
                "{\"id\":\"a\",\"author_id\":\"u1\",\"text\":\"lighthouse keeper\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"PUBLIC\",\"version\":1}",
                "{\"id\":\"b\",\"author_id\":\"u1\",\"text\":\"lighthouse\",\"version\":1}"));
        Mappings m = Mappings.load();
        ChangeFactory changes = new ChangeFactory(new ScriptFirstDetector(), m);
        Path dlqFile = dir.resolve("dlq.jsonl");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
             JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dlqFile)) {
            assertThat(new JsonlIngester(changes, index, dlq, 10).ingest(file, x -> { }).deadLettered()).isEqualTo(2);

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
}
