package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.mappings.Mappings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlIngesterTest {
    @TempDir
    Path dir;

    static String post(String id, String extra) {
        return "{\"id\":\"" + id + "\",\"author_id\":\"u1\",\"text\":\"Good morning from the harbour " + id
                + "\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1" + extra + "}";
    }

    @Test
    void badLinesGoToTheDeadLetterWithLineAndReasonTheRestIsIndexed() throws Exception {
        List<String> lines = List.of(
                post("g1", ""),
                "{not json",
                "{\"author_id\":\"u1\",\"text\":\"no id\",\"version\":1}",
                post("b1", "").replace("\"version\":1", "\"version\":\"one\""),
                post("b2", "").replace("Good morning", "x".repeat(10_001)),
                post("b3", "").replace("\"public\"", "\"secret\""),
                post("b4", "").replace("2026-11-01T12:00:00Z", "yesterday"),
                post("b5", ",\"tags\":\"notalist\""),
                "",
                "{\"follower_id\":\"u2\",\"followee_id\":\"u1\",\"version\":1}",
                "{\"follower_id\":\"u3\",\"followee_id\":\"u1\"}",
                post("g2", ",\"tags\":[\"Harbour\"]"),
                "{\"id\":\"g1\",\"version\":2,\"deleted\":true}");
        Path file = dir.resolve("in.jsonl");
        Files.write(file, lines);

        Mappings m = Mappings.load();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            IngestReport r = new JsonlIngester(new ChangeFactory(new ScriptFirstDetector(), m), index, dlq, 4)
                    .ingest(file, b -> {});

            assertThat(r.lines()).isEqualTo(13);
            assertThat(r.posts()).isEqualTo(2);
            assertThat(r.follows()).isEqualTo(1);
            assertThat(r.deletes()).isEqualTo(1);
            assertThat(r.deadLettered()).isEqualTo(8);

            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead)
                    .extracting(DeadLetterEntry::position)
                    .containsExactly("line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 11");
            assertThat(dead)
                    .extracting(DeadLetterEntry::field)
                    .containsExactly(null, "id", "version", "text", "visibility", "created_at", "tags", "version");
            assertThat(dead.get(0).reason()).startsWith("not valid JSON");
            assertThat(dead.get(3).reason()).contains("longer than 10000");
            assertThat(dead.get(1).raw()).isEqualTo(lines.get(2));

            var hits = index.search(SearchQuery.builder()
                            .text("harbour")
                            .sort(SortOrder.RECENT)
                            .limit(10)
                            .build())
                    .hits();
            assertThat(hits).extracting(h -> h.post().post().id()).containsExactly("g2");
            assertThat(hits.getFirst().post().lang()).isEqualTo("en");
            assertThat(index.followees("u2")).containsExactly("u1");
        }
    }

    /**
     * The hostile lines, each dead-lettered with its reason and its line number as wc -l counts it; the BOM
     * does not cost the first record, a bare CR does not shift the numbering, and the rest of the file loads.
     */
    @Test
    void strictLinesPoisonAndEngineFaultsAreDeadLetteredAndTheRestLoads() throws Exception {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        Object[] lines = {
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            post("g1", ""),
            "\n", // 1
            post("t1", "") + " x\n", // 2 trailing garbage
            post("t2", "") + post("t3", "") + "\n", // 3 a second object
            post("d1", "").replace("\"visibility\":\"public\"", "\"visibility\":\"private\",\"visibility\":\"public\"")
                    + "\n", // 4
            post("s1", "").replace("\"s1\"", "\"s1\\ud800\"") + "\n", // 5 lone surrogate in the id
            post("s2", "").replace("harbour", "harbour \\udc00") + "\n", // 6 lone surrogate in the text
            post("u1", "").split("harbour")[0] + "harb",
            new byte[] {(byte) 0xC3, (byte) 0x28}, // 7 invalid UTF-8
            "our" + post("u1", "").split("harbour")[1] + "\n",
            post("c1", "") + "\r" + post("c2", "") + "\n", // 8 a bare CR between two objects
            post("g2", "") + "\r\n", // 9 CRLF: fine
            post("y1", "").replace("2026-11-01T12:00:00Z", "+292278995-01-01T00:00:00Z") + "\n", // 10
            post("y2", ",\"likes\":4611686018427387904") + "\n", // 11 2^62
            post("y3", "").replace("2026-11-01T12:00:00Z", "1969-12-31T23:59:59Z") + "\n", // 12
            post("g3", ",\"likes\":9007199254740992,\"reposts\":9007199254740992,\"replies\":9007199254740992")
                    + "\n", // 13 2^53: fine
            post("f1", "") + "\n", // 14 the engine throws on it
            "  \t\r\n", // 15 blank
            post("g4", "") + "\n"
        }; // 16
        for (Object l : lines) f.writeBytes(l instanceof byte[] b ? b : ((String) l).getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("in.jsonl");
        Files.write(file, f.toByteArray());

        Mappings m = Mappings.load();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            IngestReport r = new JsonlIngester(
                            new ChangeFactory(new ScriptFirstDetector(), m),
                            FaultInjectingIndex.wrap(index, Set.of("f1")),
                            dlq,
                            100)
                    .ingest(file, b -> {});

            assertThat(r.lines()).isEqualTo(16);
            assertThat(r.posts()).isEqualTo(4);
            assertThat(r.deadLettered()).isEqualTo(11);
            assertThat(r.blank()).isEqualTo(1);
            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead)
                    .extracting(DeadLetterEntry::position)
                    .containsExactly(
                            "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 10", "line 11",
                            "line 12", "line 14");
            assertThat(dead)
                    .extracting(DeadLetterEntry::field)
                    .containsExactly(
                            null,
                            null,
                            "visibility",
                            "id",
                            "text",
                            null,
                            null,
                            "created_at",
                            "likes",
                            "created_at",
                            null);
            assertThat(dead.get(0).reason()).startsWith("not valid JSON");
            assertThat(dead.get(1).reason()).contains("Trailing token");
            assertThat(dead.get(2).reason()).isEqualTo("duplicate key 'visibility'");
            assertThat(dead.get(3).reason()).contains("lone surrogate (U+D800");
            assertThat(dead.get(5).reason()).startsWith("invalid UTF-8 at byte");
            assertThat(dead.get(5).raw()).contains("harb\uFFFD(our");
            assertThat(dead.get(6).raw()).contains("\r");
            assertThat(dead.get(7).reason()).contains("years 1970 to 2200");
            assertThat(dead.get(8).reason()).contains("at most 2^53");
            assertThat(dead.get(10).reason()).contains("could not apply", "injected fault");
            assertThat(dead)
                    .allSatisfy(e -> assertThat(e.record())
                            .as("the line is its own record: stored once")
                            .isNull());

            assertThat(index.search(SearchQuery.builder()
                                    .text("harbour")
                                    .sort(SortOrder.RECENT)
                                    .limit(20)
                                    .build())
                            .hits())
                    .extracting(h -> h.post().post().id())
                    .containsExactlyInAnyOrder("g1", "g2", "g3", "g4");
            assertThat(index.get("d1", null)).isEmpty();
        }
    }

    /**
     * A line within the bound is dead-lettered whole (30 MB: past Jackson's default 20M-character string limit); one
     * past {@link JsonlIngester#MAX_LINE_BYTES} is dead-lettered from its first bytes without being held whole.
     */
    @Test
    void hugeLinesAreDeadLetteredAndTheNextLineKeepsItsNumber() throws Exception {
        Path file = dir.resolve("in.jsonl");
        String big = post("h1", "").replace("Good morning", "z".repeat(30_000_000));
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write((big + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'w');
            for (int i = 0; i < JsonlIngester.MAX_LINE_BYTES / chunk.length; i++) out.write(chunk);
            out.write("w\n".getBytes(StandardCharsets.UTF_8));
            out.write((post("g1", "") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Mappings m = Mappings.load();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            IngestReport r = new JsonlIngester(new ChangeFactory(new ScriptFirstDetector(), m), index, dlq, 100)
                    .ingest(file, b -> {});
            assertThat(r.lines()).isEqualTo(3);
            assertThat(r.posts()).isEqualTo(1);
            assertThat(r.deadLettered()).isEqualTo(2);
            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::position).containsExactly("line 1", "line 2");
            assertThat(dead.get(0).raw()).isEqualTo(big);
            assertThat(dead.get(0).field()).isEqualTo("text");
            assertThat(dead.get(1).reason())
                    .isEqualTo("line is " + (JsonlIngester.MAX_LINE_BYTES + 1) + " bytes, longer than the "
                            + JsonlIngester.MAX_LINE_BYTES + "-byte limit (raw holds its first "
                            + JsonlIngester.KEPT_PREFIX_BYTES + " bytes)");
            assertThat(dead.get(1).raw())
                    .hasSize(JsonlIngester.KEPT_PREFIX_BYTES)
                    .matches("w+");
            assertThat(index.get("g1", null)).isPresent();
        }
    }

    /**
     * Batches are applied on their own thread and coalesced while the reader decodes ahead; the dead-letter file still
     * lists decode failures and engine failures of every batch in line order, and every good line lands.
     */
    @Test
    void manySmallBatchesKeepDeadLettersInLineOrder() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        List<String> expectedDead = new java.util.ArrayList<>();
        Set<String> poison = new java.util.HashSet<>();
        for (int i = 1; i <= 60; i++) {
            switch (i % 5) {
                case 2 -> {
                    lines.add("{broken " + i);
                    expectedDead.add("line " + i);
                }
                case 4 -> {
                    lines.add(post("f" + i, ""));
                    poison.add("f" + i);
                    expectedDead.add("line " + i);
                }
                default -> lines.add(post("g" + i, ""));
            }
        }
        Path file = dir.resolve("in.jsonl");
        Files.write(file, lines);
        Mappings m = Mappings.load();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            IngestReport r = new JsonlIngester(
                            new ChangeFactory(new ScriptFirstDetector(), m),
                            FaultInjectingIndex.wrap(index, poison),
                            dlq,
                            2)
                    .ingest(file, b -> {});
            assertThat(r.lines()).isEqualTo(60);
            assertThat(r.posts()).isEqualTo(36);
            assertThat(r.deadLettered()).isEqualTo(24);
            assertThat(dlq.list()).extracting(DeadLetterEntry::position).containsExactlyElementsOf(expectedDead);
            assertThat(index.search(SearchQuery.builder()
                                    .text("harbour")
                                    .sort(SortOrder.RECENT)
                                    .limit(100)
                                    .build())
                            .hits())
                    .hasSize(36)
                    .allSatisfy(h -> assertThat(h.post().post().id()).startsWith("g"));
        }
    }
}
