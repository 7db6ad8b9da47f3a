package dev.feedsearch.mappings.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sizes the feedsearch processes in front of the cluster: query replicas from the peak search rate and the requests
 * per second one core of a replica was measured to serve, and the one indexer from the change events per second it
 * was measured to apply. The cluster's own CPU per query is {@link ClusterPlanner}'s part.
 *
 * @param replicas  query replicas to run behind the load balancer (one more than the load needs, so losing one is
 *                  not an outage)
 * @param indexerHeadroom measured indexer events/s ÷ the peak write rate (below 1: one indexer falls behind)
 */
public record ServiceTierPlan(int replicas, int replicaVcpus, double indexerHeadroom, List<String> steps) {
    /**
     * Requests per second one core of a query replica serves, measured by {@code benchmarks/run-scale-out.sh} at
     * 1,000,000 posts (benchmarks/results/scale-out.md, 2026-12-08): requests ÷ CPU seconds of the replica's own
     * process, the lower of two replicas, on a 2-core machine. A cached search answers from its rendered body (25,457);
     * an uncached one waits on the cluster and spends replica CPU on the request, the ranking and the JSON (187, which
     * includes the replica's idle journal polling: conservative).
     */
    public static final double CACHED_QPS_PER_CORE = 25_457, UNCACHED_QPS_PER_CORE = 187;
    /**
     * Change events per second one indexer applied in the same run (DynamoDB Local stream → OpenSearch with
     * {@code refresh=wait_for}), over the whole of a 5,000-post burst, the lower of two bursts (the middle of the
     * first ran at 1,337/s): low confidence, bound by waiting on the node and DynamoDB Local, not by computing.
     */
    public static final double INDEXER_EVENTS_PER_SECOND = 539;
    /** Share of a replica's cores the load may use: the rest keeps the tail short and absorbs bursts. */
    public static final double TARGET_UTILISATION = 0.6;

    public static ServiceTierPlan plan(
            double peakQps, double cacheHitRate, int replicaVcpus, double peakWritesPerSecond) {
        if (peakQps < 0 || peakWritesPerSecond < 0 || replicaVcpus < 1 || cacheHitRate < 0 || cacheHitRate > 1) {
            throw new IllegalArgumentException(
                    "qps and writes/s must be >= 0, the cache hit rate within [0, 1], vCPUs per replica >= 1");
        }
        List<String> steps = new ArrayList<>();
        double cachedMs = 1000 / CACHED_QPS_PER_CORE, uncachedMs = 1000 / UNCACHED_QPS_PER_CORE;
        double msPerRequest = cacheHitRate * cachedMs + (1 - cacheHitRate) * uncachedMs;
        steps.add(f(
                "replica CPU per search = %.0f%% cached × %.2f ms + %.0f%% uncached × %.2f ms = %.2f ms (measured: %,.0f "
                        + "and %,.0f req/s per core, benchmarks/results/scale-out.md)",
                cacheHitRate * 100,
                cachedMs,
                (1 - cacheHitRate) * 100,
                uncachedMs,
                msPerRequest,
                CACHED_QPS_PER_CORE,
                UNCACHED_QPS_PER_CORE));
        double cores = peakQps * msPerRequest / 1000 / TARGET_UTILISATION;
        int forLoad = (int) Math.max(1, Math.ceil(cores / replicaVcpus));
        int replicas = forLoad + 1;
        steps.add(f(
                "query replicas = ⌈%,.0f qps × %.2f ms / %.0f%% utilisation / %d vCPU⌉ = %d, + 1 to lose one = %d",
                peakQps, msPerRequest, TARGET_UTILISATION * 100, replicaVcpus, forLoad, replicas));
        double headroom =
                peakWritesPerSecond == 0 ? Double.POSITIVE_INFINITY : INDEXER_EVENTS_PER_SECOND / peakWritesPerSecond;
        steps.add(f(
                "indexer: 1 process (one writer per cluster: the writer lease), %,.0f events/s measured against a peak "
                        + "of %,.0f writes/s: headroom %.1f×%s",
                INDEXER_EVENTS_PER_SECOND,
                peakWritesPerSecond,
                headroom,
                headroom >= 2
                        ? ""
                        : headroom >= 1
                                ? " (tight: a backlog after an outage drains slowly)"
                                : " (NOT ENOUGH: one indexer falls behind; bulk throughput is bound by the cluster's"
                                        + " data nodes, so add data nodes or raise the indexer's batch size)"));
        steps.add(f(
                "standby: a second indexer started with --wait-for-lease takes over within the lease ttl (default 10 s)"
                        + " of the first one's death"));
        return new ServiceTierPlan(replicas, replicaVcpus, headroom, List.copyOf(steps));
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
