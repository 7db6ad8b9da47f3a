package dev.feedsearch.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Optional;

/**
 * A query replica's view of its writer in {@code /metrics}: {@code feedsearch_change_feed_lag_seconds},
 * {@code feedsearch_writer_heartbeat_age_seconds} and {@code feedsearch_writer_lease{holder="…"} 1}. The lease is
 * read once per scrape ({@link #refresh()}), not once per gauge.
 */
final class ReplicaGauges {
    private final ServerRole.ReplicaStatus status;
    private final MultiGauge lease;
    private volatile double heartbeatAge = Double.NaN;

    ReplicaGauges(ServerRole.ReplicaStatus status, MeterRegistry metrics) {
        this.status = status;
        Gauge.builder(
                        "feedsearch.change.feed.lag",
                        status,
                        s -> s.changeFeedLagSeconds().orElse(Double.NaN))
                .baseUnit("seconds")
                .description("seconds since this replica last read the writer's change journal up to its head")
                .register(metrics);
        Gauge.builder("feedsearch.writer.heartbeat.age", this, g -> g.heartbeatAge)
                .baseUnit("seconds")
                .description("seconds since the writer-lease holder last renewed its lease (NaN: no holder)")
                .register(metrics);
        this.lease = MultiGauge.builder("feedsearch.writer.lease")
                .description("1 for the process holding the writer lease, by name")
                .register(metrics);
    }

    /** Reads the lease once and updates the writer's gauges; returns what it read, for {@code /ready}. */
    Optional<ServerRole.ReplicaStatus.Writer> refresh() {
        Optional<ServerRole.ReplicaStatus.Writer> w = status.writer();
        heartbeatAge =
                w.map(ServerRole.ReplicaStatus.Writer::heartbeatAgeSeconds).orElse(Double.NaN);
        lease.register(
                w.map(x -> List.of(MultiGauge.Row.of(Tags.of("holder", x.holder()), 1)))
                        .orElse(List.of()),
                true);
        return w;
    }
}
