package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionPurgeTest {
    @TempDir
    Path dir;

    @Test
    void purgesOnItsScheduleOnlyWhatIsPastTheRetention() throws Exception {
        try (EmbeddedPostIndex index =
                EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(Mappings.load()))) {
            Post p = new Post(
                    "p1",
                    "u1",
                    "soon deleted",
                    null,
                    Instant.parse("2026-12-01T00:00:00Z"),
                    Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    0,
                    0,
                    0,
                    1,
                    false);
            index.apply(List.of(PostChange.upsert(p, "en", "en")));
            index.apply(List.of(PostChange.delete("p1", 2)));
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            // a clock a day ahead: the tombstone is a day old; the retention of an hour has passed
            Clock dayLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
            try (DeletionPurge kept =
                    DeletionPurge.start(index, Duration.ofDays(2), Duration.ofMillis(20), dayLater, metrics)) {
                Thread.sleep(200);
                assertThat(index.stats().tombstones())
                        .as("within a 2-day retention")
                        .isEqualTo(1);
            }
            try (DeletionPurge purge =
                    DeletionPurge.start(index, Duration.ofHours(1), Duration.ofMillis(20), dayLater, metrics)) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (index.stats().tombstones() > 0) {
                    assertThat(System.nanoTime()).as("the purge never ran").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            assertThat(metrics.get("feedsearch.index.deletions.purged")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }
    }
}
