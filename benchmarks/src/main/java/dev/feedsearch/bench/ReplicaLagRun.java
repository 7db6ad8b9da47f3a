package dev.feedsearch.bench;

import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.opensearch.ChangeFollower;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * Issue 18's bound: how long after a write becomes searchable a query replica knows its cached pages holding that
 * post are stale (the replica's {@link ChangeTracker} says so), against the raw floor measured in the same run: how
 * long after a raw OpenSearch index request returns a real-time GET from another client sees the document. Writer
 * and replica are two engine instances (each with its own client and change log) in this JVM, against one node;
 * the replica polls the journal every {@code pollMs}.
 *
 * <p>Usage: {@code ReplicaLagRun <opensearch-url> <writes> <pollMs> <out.md>}; writes the table there and a JSON
 * beside it.
 */
public final class ReplicaLagRun {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int writes = Integer.parseInt(args[1]);
        Duration poll = Duration.ofMillis(Long.parseLong(args[2]));
        Path out = Path.of(args[3]);
        Mappings mappings = Mappings.load();
        OpenSearchConfig cfg = OpenSearchConfig.builder(url).replicas(0).build(); // wait_for, the default
        Histogram lag = new Histogram(3), raw = new Histogram(3);
        try (OpenSearchPostIndex writer =
                        OpenSearchPostIndex.open(cfg, mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
                OpenSearchPostIndex replica =
                        OpenSearchPostIndex.open(cfg, mappings, OpenSearchPostIndex.RejectedWrites.FAIL)) {
            writer.publishChanges();
            try (ChangeFollower follower = replica.followChanges(poll, Duration.ofSeconds(5))) {
                ChangeTracker seen = replica.changes();
                OpenSearchClient other = replica.client();
                for (int i = 0; i < writes + 20; i++) {
                    boolean record = i >= 20; // the first 20: warm-up
                    String id = "lag-" + (i % 50);
                    long g = seen.generation();
                    writer.apply(List.of(post(id, i + 1L)));
                    long searchable = System.nanoTime(); // apply returned: the write is searchable (wait_for)
                    while (!seen.changedSince(g, List.of(id))) LockSupport.parkNanos(100_000); // 0.1 ms: no core spun
                    if (record) lag.recordValue(System.nanoTime() - searchable);
                    // the floor: a raw index request, then a real-time GET from the other client until it sees it
                    String rawId = "raw-" + i;
                    writer.client()
                            .index(r -> r.index("feedsearch-lag-raw").id(rawId).document(Map.of("n", 1)));
                    long written = System.nanoTime();
                    while (!other.get(gr -> gr.index("feedsearch-lag-raw").id(rawId), Map.class)
                            .found()) {
                        LockSupport.parkNanos(100_000);
                    }
                    if (record) raw.recordValue(System.nanoTime() - written);
                }
                report(out, writes, poll, lag, raw, follower.gaps());
            } finally {
                writer.client()
                        .indices()
                        .delete(d -> d.index("feedsearch-lag-raw").ignoreUnavailable(true));
            }
        }
    }

    static PostChange post(String id, long version) {
        return PostChange.upsert(
                new Post(
                        id,
                        "lagger",
                        "the river runs high " + version,
                        null,
                        T0,
                        Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        version,
                        false),
                "en",
                "en");
    }

    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    static void report(Path out, int writes, Duration poll, Histogram lag, Histogram raw, long gaps)
            throws IOException {
        String table = String.format(
                Locale.ROOT,
                """
                # Replica lag: write searchable → replica's caches know (issue 18)

                %s, %d writes (one post each) after 20 warm-up, replica polling every %d ms; writer and replica are two
                engine instances in one JVM against one node (`benchmarks/run-replica-lag.sh`).

                | measure | p50 ms | p99 ms | max ms |
                |---|---|---|---|
                | replica lag: `apply` returned → the replica's change tracker marks the post changed | %.1f | %.1f | %.1f |
                | raw floor: `index` returned → a real-time GET from another client finds it | %.1f | %.1f | %.1f |

                Bound: p99 ≤ 1,000 ms: **%s**. Lag ÷ raw floor (p50): %.1f×. Gaps seen: %d.
                """,
                Instant.now(),
                writes,
                poll.toMillis(),
                ms(lag, 50),
                ms(lag, 99),
                lag.getMaxValue() / 1e6,
                ms(raw, 50),
                ms(raw, 99),
                raw.getMaxValue() / 1e6,
                ms(lag, 99) <= 1000 ? "met" : "missed",
                ms(lag, 50) / Math.max(1e-3, ms(raw, 50)),
                gaps);
        Files.writeString(out, table);
        String json = String.format(
                Locale.ROOT,
                "{\"writes\":%d,\"poll_ms\":%d,\"lag_p50_ms\":%.2f,\"lag_p99_ms\":%.2f,\"raw_p50_ms\":%.2f,"
                        + "\"raw_p99_ms\":%.2f,\"gaps\":%d}%n",
                writes,
                poll.toMillis(),
                ms(lag, 50),
                ms(lag, 99),
                ms(raw, 50),
                ms(raw, 99),
                gaps);
        Files.writeString(Path.of(out.toString().replaceFirst("\\.md$", "") + ".json"), json);
        System.out.print(table);
    }
}
