package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlDeadLetterStoreTest {
    @TempDir
    Path dir;

    static DeadLetterEntry entry(String position, String raw, String reason) {
        return new DeadLetterEntry(
                Instant.parse("2026-12-06T12:00:00Z"), "postgres:slot", position, "text", reason, raw, null);
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
            store.add(entry("slot@0/2B", "{\"id\":1}", "id must be a string")); // another position: another record
            store.add(entry("scan posts p1", "{\"id\":1}", "id must be a string"));
            store.add(entry("scan posts p1", "{\"id\":2}", "id must be a string")); // the item changed between scans
            assertThat(store.list())
                    .extracting(DeadLetterEntry::position)
                    .containsExactly("slot@0/1A", "slot@0/2B", "scan posts p1", "scan posts p1");
        }
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    void oneSourceRecordThatBecameTwoBadChangesKeepsBoth() throws Exception {
        // a DynamoDB MODIFY that changes a follow's relation: the old edge's removal and the new edge, one raw record
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            String raw = "{\"eventName\":\"MODIFY\"}";
            store.add(new DeadLetterEntry(
                    Instant.EPOCH, "dynamodb:follows", "shard@1", "version", "bad", raw, "{\"relation\":\"follow\"}"));
            store.add(new DeadLetterEntry(
                    Instant.EPOCH, "dynamodb:follows", "shard@1", "version", "bad", raw, "{\"relation\":\"block\"}"));
            assertThat(store.list()).hasSize(2);
        }
    }

    @Test
    void aTornLineFromACrashIsSkippedAndTheNextEntryStartsOnItsOwnLine() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(entry("slot@0/1", "{\"a\":1}", "bad a"));
        }
        Files.writeString(
                file,
                "{\"at\":\"2026-12-06T12:00:00Z\",\"source\":\"postgres:sl",
                java.nio.file.StandardOpenOption.APPEND);
        try (JsonlDeadLetterStore store =
                new JsonlDeadLetterStore(file)) { // opens: a torn line does not stop the process
            store.add(entry("slot@0/2", "{\"b\":1}", "bad b"));
            assertThat(store.list()).extracting(DeadLetterEntry::position).containsExactly("slot@0/1", "slot@0/2");
        }
    }

    /**
     * The 50 MB line: stored twice (raw and record), unreadable past Jackson's 20M-character default, so
     * list showed nothing and every run appended it again. 30 MB is past that limit and keeps the test's heap modest.
     */
    @Test
    void anEntryPastJacksonsStringLimitIsStoredOnceReadBackAndNotAppendedAgain() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        String line = "{\"id\":\"p1\",\"text\":\"" + "x".repeat(30_000_000) + "\"}";
        DeadLetterEntry big = new DeadLetterEntry(
                Instant.parse("2026-12-06T12:00:00Z"),
                "in.jsonl",
                "line 1",
                "text",
                "text is longer than 10000 characters",
                line,
                line); // a JSONL line is its own record
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(big);
        }
        long size = Files.size(file);
        assertThat(size)
                .as("the raw record once, plus a few hundred bytes")
                .isBetween((long) line.length(), line.length() + 1_000L);
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) { // the next run meets the same line again
            store.add(big);
            assertThat(store.list()).singleElement().satisfies(e -> {
                assertThat(e.raw()).isEqualTo(line);
                assertThat(e.replayable()).isEqualTo(line);
                assertThat(e.reason()).contains("longer than");
            });
        }
        assertThat(Files.size(file)).isEqualTo(size);
    }

    @Test
    void aLoneSurrogateInARecordIsWrittenAsAnEscapeAndReadBackAsItWas() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        DeadLetterEntry e =
                entry("slot@0/1", "{\"text\":\"half \uD83D of an emoji, a whole \uD83D\uDE00\"}", "lone surrogate");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(e);
            assertThat(store.list()).containsExactly(e);
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(java.nio.charset.StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(bytes))
                        .toString())
                .contains("\\uD83D of an emoji");
    }

    @Test
    void aRewriteKeepsLinesThatHoldNoEntryByteForByte() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            store.add(entry("slot@0/1", "{\"a\":1}", "bad a"));
        }
        try (var out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            out.write("an operator's note\n".getBytes());
            out.write(notUtf8);
            out.write('\n');
        }
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            assertThat(store.unreadableAtOpen()).isEqualTo(2);
            assertThat(store.list()).hasSize(1);
            List<JsonlDeadLetterStore.StoredLine> lines = store.lines();
            store.rewrite(lines.stream().filter(l -> !l.readable()).toList());
        }
        byte[] expected = new java.io.ByteArrayOutputStream() {
            {
                writeBytes("an operator's note\n".getBytes());
                writeBytes(notUtf8);
                write('\n');
            }
        }.toByteArray();
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        assertThat(dir.resolve("dlq.jsonl.tmp")).doesNotExist();
    }

    @Test
    void aRewriteKeepsWhatItKeepsAndForgetsWhatLeft() throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        Files.writeString(dir.resolve("dlq.jsonl.tmp"), "{\"left\":\"by a crashed rewrite\"}\n");
        try (JsonlDeadLetterStore store = new JsonlDeadLetterStore(file)) {
            DeadLetterEntry a = entry("slot@0/1", "{\"a\":1}", "bad a"), b = entry("slot@0/2", "{\"b\":1}", "bad b");
            store.add(a);
            store.add(b);
            store.rewrite(List.of(JsonlDeadLetterStore.line(b))); // a was replayed successfully
            assertThat(store.list()).containsExactly(b);
            store.add(a); // seen again later: recorded again, it had left the file
            store.add(b); // still there: not twice
            assertThat(store.list()).extracting(DeadLetterEntry::position).containsExactly("slot@0/2", "slot@0/1");
        }
    }
}
