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
    void oneSourceRecordThatBecameTwoBadChangesKeepsBoth() throws Exception {
        // a DynamoDB MODIFY that changes a follow's relation: the old edge's removal and the new edge, one raw record
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            String raw = "{\"eventName\":\"MODIFY\"}";
            store.add(new DeadLetterEntry(Instant.EPOCH, "dynamodb:follows", "shard@1", "version", "bad", raw, "{\"relation\":\"follow\"}"));
            store.add(new DeadLetterEntry(Instant.EPOCH, "dynamodb:follows", "shard@1", "version", "bad", raw, "{\"relation\":\"block\"}"));
            assertThat(store.list()).hasSize(2);
        }
    }

    @Test
    void aTornLineFromACrashIsSkippedAndTheNextEntryStartsOnItsOwnLine() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(entry("slot@0/1", "{\"a\":1}", "bad a"));
        }
        Files.writeString(file, "{\"at\":\"2026-12-06T12:00:00Z\",\"source\":\"postgres:sl", java.nio.file.StandardOpenOption.APPEND);
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) { // opens: a torn line does not stop the process
            store.add(entry("slot@0/2", "{\"b\":1}", "bad b"));
            assertThat(store.list()).extracting(DeadLetterEntry::position).containsExactly("slot@0/1", "slot@0/2");
        }
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
