package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoClockTest {
    private static final Path SAMPLE =
            Path.of(System.getProperty("feedsearch.root", "..")).resolve("sample/posts.jsonl");

    @Test
    void theSampleEndsMinutesBeforeTheStartAndSpansThreeWeeksInItsOwnOrder() throws Exception {
        List<JsonNode> sample = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLE)) if (!line.isBlank()) sample.add(PostJson.MAPPER.readTree(line));
        Instant start = Instant.parse("2026-12-07T16:00:00Z");
        List<JsonNode> moved = DemoClock.relativeTo(sample, start);

        assertThat(moved).hasSize(sample.size());
        List<Instant> times = moved.stream()
                .map(r -> Instant.parse(r.get("created_at").asText()))
                .toList();
        assertThat(times.stream().max(Comparator.naturalOrder())).contains(start.minus(DemoClock.NEWEST_AGE));
        assertThat(times.stream().min(Comparator.naturalOrder()))
                .contains(start.minus(DemoClock.NEWEST_AGE).minus(DemoClock.SPAN));
        // what was older is not newer now, and nothing but created_at changed
        for (int i = 0; i < sample.size(); i++) {
            for (int j = i + 1; j < Math.min(sample.size(), i + 50); j++) {
                int before = Instant.parse(sample.get(i).get("created_at").asText())
                        .compareTo(Instant.parse(sample.get(j).get("created_at").asText()));
                int after = times.get(i).compareTo(times.get(j));
                if (before < 0) assertThat(after).as("%d vs %d", i, j).isLessThanOrEqualTo(0);
                if (before > 0) assertThat(after).as("%d vs %d", i, j).isGreaterThanOrEqualTo(0);
            }
            JsonNode a = sample.get(i).deepCopy(), b = moved.get(i).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("created_at");
            ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("created_at");
            assertThat(b).isEqualTo(a);
        }
        // the feed's default popular window (48 h) now holds posts
        long lastTwoDays = times.stream()
                .filter(t -> t.isAfter(start.minus(Duration.ofHours(48))))
                .count();
        assertThat(lastTwoDays).isGreaterThan(100);
    }
}
