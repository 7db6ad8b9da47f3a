package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints in the cluster, on a real node: an indexer on another machine (another data directory) resumes from
 * what the last one saved; positions an older version saved in its data directory are read until the cluster has its
 * own; and the shard ids of a long-lived DynamoDB stream never become mapped fields.
 */
class ClusterCheckpointsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    String url;
    OpenSearchPostIndex index;

    @BeforeEach
    void open() throws Exception {
        url = OpenSearchTestNode.url();
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/" + IndexNames.CHECKPOINTS))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        index = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(),
                Mappings.load(),
                OpenSearchPostIndex.RejectedWrites.FAIL);
    }

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    @Test
    void anIndexerOnAnotherMachineResumesFromTheClustersPositions() throws Exception {
        Map<String, String> positions = new TreeMap<>();
        for (int i = 0; i < 300; i++) positions.put("shardId-0000000" + i + "-abcdef", Long.toString(1_000_000L + i));
        new ClusterCheckpoints(index.client(), new FileCheckpointStore(dir.resolve("machine-a")))
                .save("dynamodb:posts", positions);
        ClusterCheckpoints elsewhere =
                new ClusterCheckpoints(index.client(), new FileCheckpointStore(dir.resolve("machine-b")));
        assertThat(elsewhere.load("dynamodb:posts")).isEqualTo(positions);
        assertThat(elsewhere.load("dynamodb:follows")).isEmpty();
        // stored, not indexed: 300 shard ids added no field to the mapping
        String mapping = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url + "/" + IndexNames.CHECKPOINTS + "/_mapping"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(mapping).contains("\"positions\"").doesNotContain("shardId");
    }

    @Test
    void positionsSavedInADataDirectoryAreReadUntilTheClusterHasItsOwn() throws Exception {
        FileCheckpointStore legacy = new FileCheckpointStore(dir.resolve("old"));
        legacy.save("postgres:feedsearch", Map.of("lsn", "0/16B3748"));
        ClusterCheckpoints store = new ClusterCheckpoints(index.client(), legacy);
        assertThat(store.load("postgres:feedsearch")).containsEntry("lsn", "0/16B3748");
        store.save("postgres:feedsearch", Map.of("lsn", "0/16B9999"));
        assertThat(store.load("postgres:feedsearch")).containsEntry("lsn", "0/16B9999");
        assertThat(legacy.load("postgres:feedsearch")).containsEntry("lsn", "0/16B3748"); // left as it was
    }
}
