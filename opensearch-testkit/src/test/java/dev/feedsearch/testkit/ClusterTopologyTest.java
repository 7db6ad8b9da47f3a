package dev.feedsearch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real 3-node OpenSearch cluster (one dedicated cluster manager, two data nodes) keeps answering when a data
 * node goes away: an index with 2 primaries and 1 replica holds a copy of every shard on each data node, so
 * losing one turns the cluster yellow (never red) and every post is still found; when the node comes back it
 * rejoins and the cluster is green again. Plain HTTP and Jackson: this is about the cluster, not our engine.
 */
class ClusterTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final String INDEX = "topology-posts";
    private static final int POSTS = 300;
    private static final int STOPPED = 1; // data-1

    private static OpenSearchTestCluster cluster;
    private static List<JsonNode> posts;

    @BeforeAll
    static void startCluster() throws IOException {
        posts = samplePosts(POSTS);
        long t0 = System.nanoTime();
        cluster = OpenSearchTestCluster.start();
        System.err.printf(
                "ClusterTopologyTest: 3 nodes green in %d ms (RSS MB: cm %d, data %d, data %d)%n",
                (System.nanoTime() - t0) / 1_000_000, cluster.rssMb(0), cluster.rssMb(1), cluster.rssMb(2));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void losingADataNodeIsYellowNotRedAndEveryPostIsStillFound() throws Exception {
        // roles as configured
        JsonNode nodes = get("/_nodes?filter_path=nodes.*.name,nodes.*.roles").path("nodes");
        Map<String, Set<String>> roles = new HashMap<>();
        nodes.forEach(n -> {
            Set<String> r = new TreeSet<>();
            n.path("roles").forEach(x -> r.add(x.asText()));
            roles.put(n.path("name").asText(), r);
        });
        assertThat(roles)
                .containsEntry("cm-0", Set.of("cluster_manager"))
                .containsEntry("data-1", Set.of("data", "ingest"))
                .containsEntry("data-2", Set.of("data", "ingest"));

        // an index with 2 primaries and a replica each, holding a few hundred sample posts
        ObjectNode create = JSON.createObjectNode();
        create.putObject("settings")
                .putObject("index")
                .put("number_of_shards", 2)
                .put("number_of_replicas", 1);
        ObjectNode props = create.putObject("mappings").put("dynamic", false).putObject("properties");
        props.putObject("id").put("type", "keyword");
        props.putObject("author_id").put("type", "keyword");
        props.putObject("text").put("type", "text");
        props.putObject("created_at").put("type", "date");
        assertThat(send("PUT", "/" + INDEX, create.toString())
                        .path("acknowledged")
                        .asBoolean())
                .isTrue();

        StringBuilder bulk = new StringBuilder();
        for (JsonNode p : posts) {
            bulk.append("{\"index\":{\"_id\":")
                    .append(JSON.writeValueAsString(p.path("id").asText()))
                    .append("}}\n")
                    .append(JSON.writeValueAsString(p))
                    .append('\n');
        }
        JsonNode bulkResult = send("POST", "/" + INDEX + "/_bulk?refresh=true", bulk.toString());
        assertThat(bulkResult.path("errors").asBoolean())
                .as("bulk errors: %s", bulkResult)
                .isFalse();
        JsonNode health = get("/_cluster/health/" + INDEX + "?wait_for_status=green&timeout=60s");
        assertThat(health.path("status").asText()).isEqualTo("green");

        // every shard has one copy on each data node, so stopping either loses a copy of each
        Map<String, List<String>> copiesPerNode = shardCopiesByNode();
        assertThat(copiesPerNode.keySet()).containsExactlyInAnyOrder("data-1", "data-2");
        assertThat(copiesPerNode.get("data-1")).containsExactlyInAnyOrder("0", "1");
        assertThat(copiesPerNode.get("data-2")).containsExactlyInAnyOrder("0", "1");
        assertEveryPostIsFound();

        // stop data-1: yellow (replicas promoted), never red, all posts answered
        long t0 = System.nanoTime();
        cluster.stopNode(STOPPED);
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode h = get("/_cluster/health");
            String status = h.path("status").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                seen.add(status);
            }
            if (h.path("number_of_nodes").asInt() == 2
                    && h.path("number_of_data_nodes").asInt() == 1
                    && !"green".equals(status)
                    && h.path("initializing_shards").asInt() == 0) {
                health = h;
                break;
            }
            assertThat(System.nanoTime())
                    .as("cluster did not notice the stopped node; statuses seen %s", seen)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        System.err.printf(
                "ClusterTopologyTest: data-1 stopped, cluster %s after %d ms (statuses seen %s)%n",
                health.path("status").asText(), (System.nanoTime() - t0) / 1_000_000, seen);
        assertThat(seen).as("health while data-1 left").doesNotContain("red");
        assertThat(health.path("status").asText()).isEqualTo("yellow");
        assertThat(health.path("active_primary_shards").asInt()).isEqualTo(2);
        assertThat(health.path("unassigned_shards").asInt()).isEqualTo(2);
        assertEveryPostIsFound();

        // restart it: it rejoins with its copies and the cluster is green again
        t0 = System.nanoTime();
        cluster.startNode(STOPPED);
        health = get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=120s");
        System.err.printf(
                "ClusterTopologyTest: data-1 restarted, cluster %s after %d ms%n",
                health.path("status").asText(), (System.nanoTime() - t0) / 1_000_000);
        assertThat(health.path("status").asText())
                .as("health after restart: %s%s", health, cluster.logTail(STOPPED))
                .isEqualTo("green");
        assertThat(health.path("number_of_data_nodes").asInt()).isEqualTo(2);
        assertThat(shardCopiesByNode().get("data-1")).containsExactlyInAnyOrder("0", "1");
        assertEveryPostIsFound();
    }

    /** match_all counts every post; term lookups on id find single posts, spread over the sample. */
    private void assertEveryPostIsFound() throws IOException {
        JsonNode all = send(
                "POST",
                "/" + INDEX + "/_search",
                "{\"size\":0,\"track_total_hits\":true,\"query\":{\"match_all\":{}}}");
        assertThat(all.path("_shards").path("failed").asInt())
                .as("shard failures: %s", all)
                .isZero();
        assertThat(all.path("hits").path("total").path("value").asInt()).isEqualTo(posts.size());
        for (int i = 0; i < posts.size(); i += posts.size() / 7) {
            String id = posts.get(i).path("id").asText();
            JsonNode hit = send(
                    "POST",
                    "/" + INDEX + "/_search",
                    "{\"query\":{\"term\":{\"id\":" + JSON.writeValueAsString(id) + "}}}");
            assertThat(hit.path("hits").path("total").path("value").asInt())
                    .as("term id=%s", id)
                    .isEqualTo(1);
            assertThat(hit.path("hits")
                            .path("hits")
                            .get(0)
                            .path("_source")
                            .path("text")
                            .asText())
                    .isEqualTo(posts.get(i).path("text").asText());
        }
    }

    /** node name → shard numbers it holds a started copy of. */
    private Map<String, List<String>> shardCopiesByNode() throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        for (JsonNode s : get("/_cat/shards/" + INDEX + "?format=json&h=shard,prirep,state,node")) {
            if ("STARTED".equals(s.path("state").asText())) {
                out.computeIfAbsent(s.path("node").asText(), k -> new ArrayList<>())
                        .add(s.path("shard").asText());
            }
        }
        return out;
    }

    private static JsonNode get(String path) throws IOException {
        return send("GET", path, null);
    }

    private static JsonNode send(String method, String path, String body) throws IOException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(cluster.url() + path)).timeout(Duration.ofSeconds(150));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isBetween(200, 299);
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The first {@code n} live posts of the committed sample (sample/posts.jsonl at the repository root). */
    static List<JsonNode> samplePosts(int n) throws IOException {
        Path root = Path.of(System.getProperty("feedsearch.root", "..")).toAbsolutePath();
        Path file = root.resolve("sample/posts.jsonl");
        if (!Files.exists(file)) {
            throw new IllegalStateException("sample corpus not found at " + file + " (set -Dfeedsearch.root)");
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode p = JSON.readTree(line);
            if (p.has("text") && p.has("id") && !p.path("deleted").asBoolean(false)) {
                out.add(p);
                if (out.size() == n) {
                    break;
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }
}
