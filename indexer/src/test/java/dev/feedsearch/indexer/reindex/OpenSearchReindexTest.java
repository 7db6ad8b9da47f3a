package dev.feedsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reindex job on the real OpenSearch 3.8.0 node: new versioned indices, one _aliases call to swap. */
class OpenSearchReindexTest extends ReindexContract {

    record OsEngine(OpenSearchPostIndex os) implements Engine {
        public PostIndex index() {
            return os;
        }

        public Rebuildable rebuild() {
            return os.rebuilds().orElseThrow();
        }

        public void close() throws IOException {
            os.close();
        }
    }

    static OpenSearchPostIndex open(Mappings m) throws IOException {
        return OpenSearchPostIndex.open(
                OpenSearchConfig.builder(OpenSearchTestNode.url())
                        .replicas(0)
                        .refresh(OpenSearchConfig.Refresh.TRUE)
                        .build(),
                m,
                OpenSearchPostIndex.RejectedWrites.FAIL);
    }

    @Override
    protected Engine openEmpty(Mappings mappings) throws IOException {
        String url = OpenSearchTestNode.url();
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (String path :
                    new String[] {"/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*"}) {
                http.send(
                        HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new OsEngine(open(mappings));
    }

    @Override
    protected Engine reopen(Engine old, Mappings mappings) throws IOException {
        old.close();
        return new OsEngine(open(mappings));
    }

    /**
     * A move between groups cut short by a real failure: the keys registry refuses writes (a write block on the
     * node) after the post reached its new group. The job fails; nothing may be left that later writes miss.
     * The post stays in its old group under the registry's old entry, so the next job finds it there and
     * finishes the move, and a later delete removes it everywhere.
     */
    @Test
    void aMoveCutShortBeforeTheRegistryMovedIsFinishedByTheNextJob() throws Exception {
        engine = openEmpty(Mappings.load());
        write(List.of(
                en("ja1", 3, "世界人権宣言は、すべての人間が生まれながらにして自由であると述べている。"),
                en("en1", 1, "the rivers are wide and the mountains are high")));
        jobs = openJobs(Mappings.load(), "jobs");

        settings("{\"index.blocks.write\": true}");
        ReindexStatus failed;
        try {
            String job = jobs.start(request(100, 0, "en")).job();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((failed = jobs.status(job).orElseThrow()).state() == ReindexStatus.State.RUNNING
                    && System.nanoTime() < deadline) Thread.sleep(20);
        } finally {
            settings("{\"index.blocks.write\": null}");
        }
        assertThat(failed.state()).isEqualTo(ReindexStatus.State.FAILED);
        assertThat(failed.report()).contains(dev.feedsearch.mappings.IndexNames.KEYS);
        assertThat(groupAndLang("ja1"))
                .as("the registry still files it as English")
                .containsExactly("en", "en");

        ReindexStatus done = await(jobs.start(request(100, 0, "en")).job(), ReindexStatus.State.SWAPPED);
        assertThat(done.regrouped())
                .as("the next job found the post in its old group and moved it")
                .isEqualTo(1);
        assertThat(groupAndLang("ja1")).containsExactly("ja", "ja");
        assertThat(ids(SearchQuery.builder().text("人権"))).containsExactly("ja1");

        write(List.of(PostChange.delete("ja1", 4)));
        assertThat(ids(SearchQuery.builder().text("人権")))
                .as("deleted from every group that held it")
                .isEmpty();
        assertMatchesSource();
    }

    /**
     * The index sort (newest first) is set at index creation only. A group index created before its template
     * carried it is migrated by the reindex job: the next version is created from today's template, sorted, and
     * the recent listing is the same before and after the swap.
     */
    @Test
    void anUnsortedGroupIndexIsSortedByTheReindexJob() throws Exception {
        Mappings m = Mappings.load();
        engine = openEmpty(m);
        engine.close();
        // the layout as an older release created it: English v1 from a template without index.sort
        send("DELETE", "/posts-en-v1", null);
        com.fasterxml.jackson.databind.node.ObjectNode legacy =
                dev.feedsearch.mappings.IndexTemplates.forGroup(m.group("en"), 1, 0);
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        legacy.path("template").path("settings").path("index"))
                .remove("sort");
        legacy.put("priority", 1000);
        ((com.fasterxml.jackson.databind.node.ArrayNode) legacy.putArray("index_patterns")).add("posts-en-v1");
        send("PUT", "/_index_template/legacy-posts-en-v1", legacy.toString());
        try {
            engine = new OsEngine(open(m)); // creates posts-en-v1 again, from the legacy template
        } finally {
            send("DELETE", "/_index_template/legacy-posts-en-v1", null);
        }
        assertThat(send("GET", "/posts-en-v1/_settings", null)).doesNotContain("\"sort\"");
        seed(120);
        List<String> before = ids(SearchQuery.builder().sort(dev.feedsearch.core.index.SortOrder.RECENT));

        jobs = openJobs(m, "jobs");
        await(jobs.start(request(50, 0, "en")).job(), ReindexStatus.State.SWAPPED);
        String serving = send("GET", "/_alias/" + dev.feedsearch.mappings.IndexNames.writeAlias("en"), null);
        assertThat(serving).contains("posts-en-v2");
        com.fasterxml.jackson.databind.JsonNode sorted = dev.feedsearch.core.model.PostJson.MAPPER
                .readTree(send("GET", "/posts-en-v2/_settings", null))
                .path("posts-en-v2")
                .path("settings")
                .path("index")
                .path("sort");
        assertThat(sorted.path("field").toString()).isEqualTo("[\"created_at\",\"id\"]");
        assertThat(sorted.path("order").toString()).isEqualTo("[\"desc\",\"asc\"]");
        assertThat(ids(SearchQuery.builder().sort(dev.feedsearch.core.index.SortOrder.RECENT)))
                .isEqualTo(before);
        assertMatchesSource();
    }

    private static String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(OpenSearchTestNode.url() + path))
                .header("Content-Type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (!method.equals("DELETE"))
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static void settings(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(OpenSearchTestNode.url() + "/"
                                        + dev.feedsearch.mappings.IndexNames.KEYS + "/_settings"))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
