package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {
    @TempDir
    Path dir;

    @Test
    void givenKeysOverrideDefaultsTheRestStay() throws Exception {
        Path f = Files.writeString(
                dir.resolve("c.json"),
                "{\"ranking\": {\"half_life_hours\": 6, \"max_per_author_per_page\": 1}, \"cache\": {\"refresh_ms\": 250, \"popular_ms\": 5000}}");
        ServiceConfig c = ServiceConfig.load(f);
        assertThat(c.ranking().halfLifeHours()).isEqualTo(6);
        assertThat(c.ranking().maxPerAuthorPerPage()).isEqualTo(1);
        assertThat(c.ranking().wRecency())
                .isEqualTo(ServiceConfig.DEFAULTS.ranking().wRecency());
        assertThat(c.cacheRefresh()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.popularRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.cacheBytes()).isEqualTo(ServiceConfig.DEFAULTS.cacheBytes());
    }

    @Test
    void typosAndBadValuesAreNamed() throws Exception {
        Path typo = Files.writeString(dir.resolve("t.json"), "{\"ranking\": {\"half_life_hour\": 6}}");
        assertThatThrownBy(() -> ServiceConfig.load(typo)).hasMessageContaining("half_life_hour");
        Path bad = Files.writeString(dir.resolve("b.json"), "{\"ranking\": {\"popular_share\": 2}}");
        assertThatThrownBy(() -> ServiceConfig.load(bad)).hasMessageContaining("popular_share");
        Path slow = Files.writeString(dir.resolve("p.json"), "{\"cache\": {\"popular_ms\": -1}}");
        assertThatThrownBy(() -> ServiceConfig.load(slow)).hasMessageContaining("cache.popular_ms");
    }

    @Test
    void theTimelinesShareIsHalfUnlessGivenAndMustLeaveRoomForSearchPages() throws Exception {
        assertThat(ServiceConfig.DEFAULTS.timelineBytes()).isEqualTo(ServiceConfig.HALF);
        Path given = Files.writeString(dir.resolve("g.json"), "{\"cache\": {\"max_mb\": 256, \"timelines_mb\": 192}}");
        ServiceConfig c = ServiceConfig.load(given);
        assertThat(c.cacheBytes()).isEqualTo(256L << 20);
        assertThat(c.timelineBytes()).isEqualTo(192L << 20);
        Path all = Files.writeString(dir.resolve("a.json"), "{\"cache\": {\"max_mb\": 64, \"timelines_mb\": 64}}");
        assertThatThrownBy(() -> ServiceConfig.load(all))
                .hasMessageContaining("cache.timelines_mb")
                .hasMessageContaining("cache.max_mb");
        Path negative = Files.writeString(dir.resolve("n.json"), "{\"cache\": {\"timelines_mb\": -5}}");
        assertThatThrownBy(() -> ServiceConfig.load(negative)).hasMessageContaining("cache.timelines_mb");
        Path typo = Files.writeString(dir.resolve("t.json"), "{\"cache\": {\"timeline_mb\": 5}}");
        assertThatThrownBy(() -> ServiceConfig.load(typo))
                .hasMessageContaining("timeline_mb")
                .hasMessageContaining("timelines_mb");
    }
}
