package dev.feedsearch.mappings.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.mappings.IndexTemplates;
import dev.feedsearch.mappings.Mappings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterPlannerTest {
    final Mappings mappings = Mappings.load();

    @Test
    void hundredMillionMultilingualPostsGetShardsInRangeAndEnoughStorage() {
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("en", 0.4);
        shares.put("ja", 0.2);
        shares.put("de", 0.1);
        shares.put("pt-BR", 0.1);
        ClusterPlan p = ClusterPlanner.plan(100_000_000L, 406, shares, 1, 500, mappings);

        assertThat(p.groups()).containsKeys("en", "ja", "de", "pt", "other");
        assertThat(p.groups().get("other").share()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        for (ClusterPlan.GroupPlan g : p.groups().values()) {
            assertThat(g.primaryGiB() / g.primaryShards()).as(g.group()).isLessThanOrEqualTo(30);
        }
        assertThat(p.storageGiB())
                .isCloseTo(
                        p.primaryGiB() * 2 * ClusterPlanner.STORAGE_OVERHEAD,
                        org.assertj.core.data.Offset.offset(0.01));
        assertThat(p.dataNodes() * p.dataType().memoryGiB() * ClusterPlanner.STORAGE_PER_RAM)
                .isGreaterThanOrEqualTo(p.storageGiB());
        assertThat(p.masters()).isEqualTo(3);
        assertThat(p.monthlyUsd()).isPositive();
        assertThat(p.steps()).anyMatch(s -> s.startsWith("cost/month"));
    }

    @Test
    void sharesOverOneAreRefused() {
        assertThatThrownBy(() -> ClusterPlanner.plan(1_000, 400, Map.of("en", 0.8, "de", 0.5), 1, 10, mappings))
                .hasMessageContaining("more than 1");
    }

    @Test
    void templatesCarryTheGroupsOwnAnalysis() {
        var t = IndexTemplates.forGroup(mappings.group("ko"), 3, 1);
        assertThat(t.at("/index_patterns/0").asText()).isEqualTo("posts-ko-v*");
        assertThat(t.at("/template/settings/analysis"))
                .isEqualTo(mappings.group("ko").analysis());
        assertThat(t.at("/template/mappings/properties/text/analyzer").asText())
                .isEqualTo(mappings.group("ko").mainAnalyzer());
        assertThat(t.at("/template/mappings/properties/text/fields/bigram/type").asText())
                .isEqualTo("text");
        assertThat(t.at("/template/settings/index/number_of_shards").asInt()).isEqualTo(3);
    }
}
