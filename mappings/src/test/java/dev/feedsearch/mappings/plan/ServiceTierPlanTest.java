package dev.feedsearch.mappings.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceTierPlanTest {
    @Test
    void replicasGrowWithLoadAndMissesAndAlwaysSpareOne() {
        ServiceTierPlan small = ServiceTierPlan.plan(10, 0.5, 2, 10);
        assertThat(small.replicas()).isEqualTo(2); // one carries the load, one more to lose
        ServiceTierPlan busy = ServiceTierPlan.plan(5_000, 0.5, 2, 10);
        ServiceTierPlan cold = ServiceTierPlan.plan(5_000, 0.0, 2, 10);
        ServiceTierPlan big = ServiceTierPlan.plan(5_000, 0.5, 8, 10);
        assertThat(busy.replicas()).isGreaterThan(small.replicas());
        assertThat(cold.replicas()).isGreaterThan(busy.replicas());
        assertThat(big.replicas()).isLessThan(busy.replicas());
        // the arithmetic shown is the arithmetic done: cores for the load / vCPUs, rounded up, plus one
        double ms =
                0.5 * 1000 / ServiceTierPlan.CACHED_QPS_PER_CORE + 0.5 * 1000 / ServiceTierPlan.UNCACHED_QPS_PER_CORE;
        int forLoad = (int) Math.ceil(5_000 * ms / 1000 / ServiceTierPlan.TARGET_UTILISATION / 2);
        assertThat(busy.replicas()).isEqualTo(forLoad + 1);
        assertThat(busy.steps()).anyMatch(s -> s.startsWith("query replicas = ") && s.endsWith("= " + (forLoad + 1)));
    }

    @Test
    void anIndexerThatCannotKeepUpIsSaidSo() {
        double measured = ServiceTierPlan.INDEXER_EVENTS_PER_SECOND;
        assertThat(ServiceTierPlan.plan(10, 0.5, 2, measured / 4).indexerHeadroom())
                .isEqualTo(4.0);
        ServiceTierPlan over = ServiceTierPlan.plan(10, 0.5, 2, measured * 2);
        assertThat(over.indexerHeadroom()).isEqualTo(0.5);
        assertThat(over.steps()).anyMatch(s -> s.contains("NOT ENOUGH"));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> ServiceTierPlan.plan(10, 1.5, 2, 10)).hasMessageContaining("hit rate");
        assertThatThrownBy(() -> ServiceTierPlan.plan(10, 0.5, 0, 10)).hasMessageContaining("vCPUs");
    }
}
