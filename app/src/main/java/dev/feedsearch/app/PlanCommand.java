package dev.feedsearch.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.IndexTemplates;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.mappings.plan.ClusterPlan;
import dev.feedsearch.mappings.plan.ClusterPlanner;
import dev.feedsearch.mappings.plan.ServiceTierPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cluster plan calculator: shards per language group, nodes, masters, storage and cost, then the query replicas
 * and the indexer in front of the cluster, with the arithmetic.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description =
                "Size an OpenSearch cluster for the posts index; prints the arithmetic, writes index templates and Terraform variables.")
final class PlanCommand implements Callable<Integer> {
    @Option(names = "--posts", required = true, description = "Number of posts, e.g. 100000000")
    long posts;

    @Option(
            names = "--avg-post-bytes",
            defaultValue = "406",
            description = "Average post JSON size (default: ${DEFAULT-VALUE}, the generated corpus here)")
    double avgPostBytes;

    @Option(
            names = "--languages",
            defaultValue = "en=1",
            description = "Language shares, e.g. en=0.4,ja=0.2,de=0.1 (the rest goes to the 'other' group)")
    String languages;

    @Option(names = "--replicas", defaultValue = "1", description = "Replicas per primary (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(
            names = "--peak-qps",
            defaultValue = "100",
            description = "Peak search queries per second (default: ${DEFAULT-VALUE})")
    double peakQps;

    @Option(
            names = "--cache-hit-rate",
            defaultValue = "0.5",
            description =
                    "Share of searches answered from a replica's cache (/metrics shows it; default: ${DEFAULT-VALUE})")
    double cacheHitRate;

    @Option(
            names = "--replica-vcpus",
            defaultValue = "2",
            description = "vCPUs of each query replica (default: ${DEFAULT-VALUE})")
    int replicaVcpus;

    @Option(
            names = "--peak-writes-per-second",
            defaultValue = "100",
            description =
                    "Peak change events per second from the sources: posts, edits, deletes, follows (default: ${DEFAULT-VALUE})")
    double peakWrites;

    @Option(names = "--out-dir", description = "Write index-templates/*.json and terraform.tfvars here")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        Map<String, Double> shares = new LinkedHashMap<>();
        for (String kv : languages.split(",")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length != 2)
                throw new IllegalArgumentException("--languages wants lang=share pairs, got '" + kv + "'");
            shares.put(p[0].trim(), Double.parseDouble(p[1].trim()));
        }
        Mappings mappings = Mappings.load();
        ClusterPlan plan = ClusterPlanner.plan(posts, avgPostBytes, shares, replicas, peakQps, mappings);
        plan.steps().forEach(System.out::println);
        ServiceTierPlan tier = ServiceTierPlan.plan(peakQps, cacheHitRate, replicaVcpus, peakWrites);
        tier.steps().forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "%nplan: %d × %s data nodes + 3 × %s masters, %.0f GiB storage (%.0f GiB/node), ≈ $%,.0f/month (on-demand list prices, approximate)%n",
                plan.dataNodes(),
                plan.dataType().name(),
                plan.masterType().name(),
                plan.storageGiB(),
                Math.ceil(plan.storagePerNodeGiB()),
                plan.monthlyUsd());
        System.out.printf(
                Locale.ROOT,
                "service: %d query replicas × %d vCPU behind a load balancer + 1 indexer (+ 1 standby waiting for the lease)%n",
                tier.replicas(),
                tier.replicaVcpus());
        if (outDir != null) {
            Path templates = Files.createDirectories(outDir.resolve("index-templates"));
            for (ClusterPlan.GroupPlan g : plan.groups().values()) {
                ObjectNode t = IndexTemplates.forGroup(mappings.group(g.group()), g.primaryShards(), replicas);
                Files.writeString(
                        templates.resolve("posts-" + g.group() + ".json"),
                        PostJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(t));
            }
            // the two indices that are not per language: small (one tiny document per post id / edge), so 1 primary
            // per 50M keys is plenty, with the same replicas as the posts
            int keyShards = (int) Math.max(1, Math.ceil(posts / 50_000_000.0));
            Path indices = Files.createDirectories(outDir.resolve("indices"));
            Files.writeString(
                    indices.resolve(IndexNames.KEYS + ".json"),
                    PostJson.MAPPER
                            .writerWithDefaultPrettyPrinter()
                            .writeValueAsString(IndexTemplates.keysIndex(keyShards, replicas)));
            Map<String, ObjectNode> small = new LinkedHashMap<>();
            small.put(IndexNames.FOLLOWS, IndexTemplates.followsIndex(keyShards, replicas));
            // what the service tier keeps in the cluster: the sources' positions and the shared feed sessions
            small.put(IndexNames.CHECKPOINTS, IndexTemplates.checkpointsIndex(replicas));
            small.put(IndexNames.FEED_SESSIONS, IndexTemplates.feedSessionsIndex(1, replicas));
            for (Map.Entry<String, ObjectNode> e : small.entrySet()) {
                Files.writeString(
                        indices.resolve(e.getKey() + ".json"),
                        PostJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(e.getValue()));
            }
            Files.writeString(
                    outDir.resolve("terraform.tfvars"),
                    String.format(
                            Locale.ROOT,
                            """
                    # Amazon OpenSearch Service domain for feedsearch, from `feedsearch plan` (%,d posts)
                    # the engine is built and tested against OpenSearch 3.8 (Lucene 10.5.0, as the embedded engine)
                    engine_version           = "OpenSearch_3.8"
                    instance_type            = "%s"
                    instance_count           = %d
                    dedicated_master_enabled = true
                    dedicated_master_type    = "%s"
                    dedicated_master_count   = 3
                    zone_awareness_enabled   = true
                    availability_zone_count  = %d
                    ebs_volume_type          = "gp3"
                    ebs_volume_size_gib      = %d
                    """,
                            posts,
                            plan.dataType().name(),
                            plan.dataNodes(),
                            plan.masterType().name(),
                            Math.min(3, Math.max(2, plan.dataNodes())),
                            (long) Math.ceil(plan.storagePerNodeGiB())));
            System.out.println(
                    "wrote " + templates + "/*.json, " + indices + "/*.json and " + outDir.resolve("terraform.tfvars"));
        }
        return 0;
    }
}
