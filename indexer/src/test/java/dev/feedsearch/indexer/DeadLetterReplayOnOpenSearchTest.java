package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlq replay on the OpenSearch engine, where a write the node refuses for good is dead-lettered by the engine
 * itself: a replayed entry refused again must stay in the file. The refusal is real: a write block on the index.
 */
class DeadLetterReplayOnOpenSearchTest {
    @TempDir
    Path dir;

    @Test
    void anEntryTheNodeRefusesAgainStaysForTheNextReplay() throws Exception {
        String url = OpenSearchTestNode.url();
        send(url, "DELETE", "/posts-*,feedsearch-*?expand_wildcards=all", null);
        Mappings m = Mappings.load();
        ChangeFactory changes = new ChangeFactory(new ScriptFirstDetector(), m);
        try (JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
                OpenSearchPostIndex index = OpenSearchPostIndex.open(
                        OpenSearchConfig.builder(url)
                                .replicas(0)
                                .refresh(OpenSearchConfig.Refresh.TRUE)
                                .build(),
                        m,
                        (change, reason) -> dlq.add(
                                new DeadLetterEntry(
                                        Instant.now(),
                                        "opensearch",
                                        change.key() + "@" + change.version(),
                                        null,
                                        reason,
                                        null,
                                        "{\"id\":\"p1\",\"author_id\":\"u1\",\"text\":\"the lighthouse keeper waves\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}")))) {
            // an earlier refusal, as the engine records it
            dlq.add(
                    new DeadLetterEntry(
                            Instant.now(),
                            "opensearch",
                            "p:p1@1",
                            null,
                            "403 cluster_block_exception",
                            null,
                            "{\"id\":\"p1\",\"author_id\":\"u1\",\"text\":\"the lighthouse keeper waves\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}"));
            String en = IndexNames.index("en", 1);
            send(url, "PUT", "/" + en + "/_settings", "{\"index.blocks.write\": true}");
            DeadLetterReplayer.Report refused;
            try {
                refused = DeadLetterReplayer.replay(dlq, changes, index);
            } finally {
                send(url, "PUT", "/" + en + "/_settings", "{\"index.blocks.write\": null}");
            }
            assertThat(refused.replayed()).isZero();
            assertThat(refused.remaining()).isEqualTo(1);
            assertThat(dlq.list())
                    .singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("block"));

            DeadLetterReplayer.Report done = DeadLetterReplayer.replay(dlq, changes, index);
            assertThat(done.replayed()).isEqualTo(1);
            assertThat(dlq.list()).isEmpty();
            assertThat(index.search(SearchQuery.builder()
                                    .text("lighthouse")
                                    .limit(10)
                                    .build())
                            .hits())
                    .hasSize(1);
        }
    }

    private static void send(String url, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
    }
}
