package dev.feedsearch.indexer;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.mappings.Mappings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonlIngesterTest {
    @TempDir Path dir;

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
                    .ingest(file, b -> { });

            assertThat(r.lines()).isEqualTo(13);
            assertThat(r.posts()).isEqualTo(2);
            assertThat(r.follows()).isEqualTo(1);
            assertThat(r.deletes()).isEqualTo(1);
            assertThat(r.deadLettered()).isEqualTo(8);

            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead).extracting(DeadLetterEntry::position)
                    .containsExactly("line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 11");
            assertThat(dead).extracting(DeadLetterEntry::field)
                    .containsExactly(null, "id", "version", "text", "visibility", "created_at", "tags", "version");
            assertThat(dead.get(0).reason()).startsWith("not valid JSON");
            assertThat(dead.get(3).reason()).contains("longer than 10000");
            assertThat(dead.get(1).raw()).isEqualTo(lines.get(2));

            var hits = index.search(SearchQuery.builder().text("harbour").sort(SortOrder.RECENT).limit(10).build()).hits();
            assertThat(hits).extracting(h -> h.post().post().id()).containsExactly("g2");
            assertThat(hits.getFirst().post().lang()).isEqualTo("en");
            assertThat(index.followees("u2")).containsExactly("u1");
        }
    }
}
