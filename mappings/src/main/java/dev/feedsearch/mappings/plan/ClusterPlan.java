package dev.feedsearch.mappings.plan;

import java.util.List;
import java.util.Map;

/**
 * A sized OpenSearch cluster for a post corpus: primaries per language group, data nodes and their type,
 * dedicated masters, storage and a monthly cost, with every step of the arithmetic as text ({@code steps}).
 */
public record ClusterPlan(
        Map<String, GroupPlan> groups,
        int replicas,
        InstanceType dataType,
        int dataNodes,
        InstanceType masterType,
        int masters,
        double primaryGiB,
        double storageGiB,
        double storagePerNodeGiB,
        double monthlyUsd,
        List<String> steps) {

    /** One language group's index: its share of the posts, its primary size and its primary shard count. */
    public record GroupPlan(String group, double share, long posts, double primaryGiB, int primaryShards) {}

    /** An Amazon OpenSearch Service instance type with its on-demand price (USD per hour). */
    public record InstanceType(String name, int vcpu, int memoryGiB, double usdPerHour) {}
}
