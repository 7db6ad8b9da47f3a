package dev.feedsearch.indexer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonlDeadLetterStoreTest {
    @TempDir Path dir;

    static DeadLetterEntry entry(String position, String raw, String reason) {
        return new DeadLetterEntry(Instant.parse("2026-12-06T12:00:00Z"), "postgres:slot", position, "text", reason, raw, null);
    }

    @Test
    void theSameBadRecordSeenAgainAfterARestartIsRecordedOnce() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(entry("slot@0/1A", "{\"id\":1}", "id must be a string"));
            store.add(entry("slot@0/1A", "{\"id\":1}", "id must be a string")); // replayed in the same run
        }
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) { // the process restarted and replays
            store.add(entry("slot@0/1A", "{\"id\":1}", "id must be a string"));
            store.add(entry("slot@0/2B", "{\"id\":1}", "id must be a string"));    // another position: another record
            store.add(entry("scan posts p1", "{\"id\":1}", "id must be a string"));
            store.add(entry("scan posts p1", "{\"id\":2}", "id must be a string")); // the item changed between scans
            assertThat(store.list()).extracting(DeadLetterEntry::position)
                    .containsExactly("slot@0/1A", "slot@0/2B", "scan posts p1", "scan posts p1");
        }
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    void aRewriteKeepsWhatItKeepsAndForgetsWhatLeft() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        Files.writeString(dir.resolve("dlq.jsonl.tmp"), "{\"left\":\"by a crashed rewrite\"}\n");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            DeadLetterEntry a = entry("slot@0/1", "{\"a\":1}", "bad a"), b = entry("slot@0/2", "{\"b\":1}", "bad b");
            store.add(a);
            store.add(b);
            store.rewrite(List.of(b)); // a was replayed successfully
            assertThat(store.list()).containsExactly(b);
            store.add(a); // seen again later: recorded again, it had left the file
            store.add(b); // still there: not twice
            assertThat(store.list()).extracting(DeadLetterEntry::position).containsExactly("slot@0/2", "slot@0/1");
        }
    }
}
