package dev.feedsearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeLogTest {

    @Test
    void aRecordedBatchMakesOnlyWhatItTouchedStale() {
        ChangeLog log = new ChangeLog();
        long before = log.generation();
        log.record(List.of("p1"), List.of("a1"), List.of("v1"));
        assertThat(log.changedSince(before, List.of("p1"))).isTrue();
        assertThat(log.changedSince(before, List.of("p2"))).isFalse();
        assertThat(log.authorGeneration("a1")).isGreaterThan(before);
        assertThat(log.authorGeneration("a2")).isEqualTo(0);
        assertThat(log.viewerGeneration("v1")).isGreaterThan(before);
        assertThat(log.changedSince(log.generation(), List.of("p1")))
                .as("loaded after the write: fresh")
                .isFalse();
    }

    @Test
    void aSwapMakesEverythingLoadedBeforeItStaleAndNothingLoadedAfter() {
        ChangeLog log = new ChangeLog();
        log.record(List.of("p1"), List.of("a1"), List.of());
        long before = log.generation();
        log.recordEverything();
        assertThat(log.changedSince(before, List.of("p2"))).isTrue();
        assertThat(log.changedSince(before, List.of()))
                .as("a page with no hits may gain some")
                .isTrue();
        assertThat(log.authorGeneration("never-wrote")).isGreaterThan(before);
        assertThat(log.viewerGeneration("anyone")).isGreaterThan(before);

        long after = log.generation();
        assertThat(log.changedSince(after, List.of("p1", "p2"))).isFalse();
        assertThat(log.authorGeneration("a1")).isLessThanOrEqualTo(after);
        log.record(List.of("p3"), List.of("a3"), List.of());
        assertThat(log.changedSince(after, List.of("p3"))).isTrue();
        assertThat(log.authorGeneration("a3")).isGreaterThan(after);
    }
}
