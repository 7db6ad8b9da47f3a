package dev.feedsearch.mappings.plan;

import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.mappings.plan.ClusterPlan.GroupPlan;
import dev.feedsearch.mappings.plan.ClusterPlan.InstanceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sizes an OpenSearch cluster for the posts index, group by group, with the usual rules for search
 * workloads, and shows its arithmetic. The one measured input is how large an indexed post is relative
 * to its source JSON; everything else is a stated rule of thumb that the caller can override.
 */
public final class ClusterPlanner {
    /**
     * Index bytes per byte of post JSON, measured on a real OpenSearch 3.8.0 node here
     * ({@code benchmarks/run-engines.sh}, results in benchmarks/results/opensearch.md): 50,000 generated UDHR
     * posts (20,227,038 JSON bytes) loaded through the OpenSearch engine took 17,069,952 bytes of group indices
     * plus 2,025,416 bytes of the keys index (primaries, after a flush, not force-merged) = 0.94 per JSON byte
     * (0.84 + 0.10); later runs measured 0.95-0.96. The embedded Lucene index of the same kind of corpus measured 0.85.
     */
    public static final double INDEX_BYTES_PER_JSON_BYTE = 0.94;
    /** Storage = primaries × (1 + replicas) × 1.45: indexing overhead 10%, OS reserve 5%, 20% free for merges and watermarks. */
    public static final double STORAGE_OVERHEAD = 1.45;
    /** Search workloads: primary shards of 10–30 GiB; aim at the middle. */
    public static final double TARGET_SHARD_GIB = 20;
    /** Hot search data per node: at most 24 GiB of disk per GiB of RAM, so the hot part of the index stays in the page cache. */
    public static final double STORAGE_PER_RAM = 24;
    /**
     * CPU per query across all its shards, in ms: the embedded engine's measured mean over 100k posts is
     * ~0.9 ms; ×4 for a 1,000× larger corpus spread over shards (more postings, fan-out and merge of results).
     */
    public static final double CPU_MS_PER_QUERY = 4;

    public static final double USD_PER_GIB_MONTH_GP3 = 0.122;
    public static final double HOURS_PER_MONTH = 730;

    static final List<InstanceType> DATA_TYPES = List.of(
            new InstanceType("r6g.large.search", 2, 16, 0.167),
            new InstanceType("r6g.xlarge.search", 4, 32, 0.335),
            new InstanceType("r6g.2xlarge.search", 8, 64, 0.669),
            new InstanceType("r6g.4xlarge.search", 16, 128, 1.339));
    static final List<InstanceType> MASTER_TYPES = List.of(
            new InstanceType("m6g.large.search", 2, 8, 0.128),
            new InstanceType("c6g.xlarge.search", 4, 8, 0.226),
            new InstanceType("r6g.xlarge.search", 4, 32, 0.335));

    private ClusterPlanner() {}

    /**
     * @param languageShares language (ISO 639-1) → share of posts; languages map to their group, leftovers
     *                       (1 − sum) go to {@code other}
     */
    public static ClusterPlan plan(
            long posts,
            double avgPostBytes,
            Map<String, Double> languageShares,
            int replicas,
            double peakQps,
            Mappings mappings) {
        if (posts <= 0 || avgPostBytes <= 0 || replicas < 0 || peakQps < 0)
            throw new IllegalArgumentException("posts, bytes, replicas and qps must be positive");
        List<String> steps = new ArrayList<>();
        Map<String, Double> groupShares = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, Double> e : languageShares.entrySet()) {
            if (e.getValue() < 0) throw new IllegalArgumentException("share of " + e.getKey() + " is negative");
            groupShares.merge(mappings.groupForLanguage(e.getKey()).name(), e.getValue(), Double::sum);
            sum += e.getValue();
        }
        if (sum > 1.0001) throw new IllegalArgumentException("language shares add up to " + sum + " (more than 1)");
        if (sum < 0.9999) groupShares.merge(Mappings.OTHER, 1 - sum, Double::sum);

        double bytesPerPost = avgPostBytes * INDEX_BYTES_PER_JSON_BYTE;
        steps.add(f(
                "index bytes/post = %.0f JSON bytes × %.2f (measured here, see ClusterPlanner) = %.0f",
                avgPostBytes, INDEX_BYTES_PER_JSON_BYTE, bytesPerPost));
        Map<String, GroupPlan> groups = new LinkedHashMap<>();
        double primaryGiB = 0;
        int primaryShards = 0;
        for (Map.Entry<String, Double> e : groupShares.entrySet()) {
            long n = Math.round(posts * e.getValue());
            double gib = n * bytesPerPost / (1L << 30);
            int shards = Math.max(1, (int) Math.ceil(gib / TARGET_SHARD_GIB));
            groups.put(e.getKey(), new GroupPlan(e.getKey(), e.getValue(), n, gib, shards));
            steps.add(f(
                    "posts-%s: %,d posts × %.0f B = %.1f GiB → %d primar%s (≈%.1f GiB each, target %.0f GiB)",
                    e.getKey(),
                    n,
                    bytesPerPost,
                    gib,
                    shards,
                    shards == 1 ? "y" : "ies",
                    gib / shards,
                    TARGET_SHARD_GIB));
            primaryGiB += gib;
            primaryShards += shards;
        }
        double storage = primaryGiB * (1 + replicas) * STORAGE_OVERHEAD;
        steps.add(f(
                "storage = %.1f GiB primaries × (1 + %d replicas) × %.2f = %.1f GiB",
                primaryGiB, replicas, STORAGE_OVERHEAD, storage));

        InstanceType chosen = null;
        int nodes = 0;
        double best = Double.MAX_VALUE;
        int totalShards = primaryShards * (1 + replicas);
        for (InstanceType t : DATA_TYPES) {
            int byStorage = (int) Math.ceil(storage / (t.memoryGiB() * STORAGE_PER_RAM));
            // each query runs once on one copy of every shard; 1.5 keeps CPU headroom for indexing and merges
            int byCpu = (int) Math.ceil(peakQps * CPU_MS_PER_QUERY / 1000.0 * 1.5 / t.vcpu());
            int n = Math.max(2, Math.max(byStorage, byCpu));
            if (replicas > 0) n = Math.max(n, replicas + 1); // a replica never shares a node with its primary
            double monthly = n * t.usdPerHour() * HOURS_PER_MONTH;
            steps.add(f(
                    "%s: storage needs ⌈%.0f / (%d GiB RAM × %.0f)⌉ = %d nodes, CPU needs ⌈%.0f qps × %.0f ms × 1.5 / %d vCPU⌉ = %d → %d nodes, $%,.0f/month",
                    t.name(),
                    storage,
                    t.memoryGiB(),
                    STORAGE_PER_RAM,
                    byStorage,
                    peakQps,
                    CPU_MS_PER_QUERY,
                    t.vcpu(),
                    byCpu,
                    n,
                    monthly));
            if (monthly < best) {
                best = monthly;
                chosen = t;
                nodes = n;
            }
        }
        InstanceType master =
                nodes <= 10 ? MASTER_TYPES.get(0) : nodes <= 30 ? MASTER_TYPES.get(1) : MASTER_TYPES.get(2);
        double perNode = storage / nodes;
        double compute = (nodes * chosen.usdPerHour() + 3 * master.usdPerHour()) * HOURS_PER_MONTH;
        double ebs = storage * USD_PER_GIB_MONTH_GP3;
        steps.add(f(
                "chosen: %d × %s (cheapest that fits), %d shards in all (%.1f per node), %.0f GiB gp3 per node",
                nodes, chosen.name(), totalShards, (double) totalShards / nodes, Math.ceil(perNode)));
        steps.add(f("masters: 3 dedicated %s (cluster of %d data nodes)", master.name(), nodes));
        steps.add(f(
                "cost/month = (%d × $%.3f + 3 × $%.3f) × %.0f h + %.0f GiB × $%.3f = $%,.0f compute + $%,.0f storage = $%,.0f",
                nodes,
                chosen.usdPerHour(),
                master.usdPerHour(),
                HOURS_PER_MONTH,
                storage,
                USD_PER_GIB_MONTH_GP3,
                compute,
                ebs,
                compute + ebs));
        return new ClusterPlan(
                groups,
                replicas,
                chosen,
                nodes,
                master,
                3,
                primaryGiB,
                storage,
                perNode,
                compute + ebs,
                List.copyOf(steps));
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
