package dev.feedsearch.query.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin reindex API over real HTTP, driving a real job on the real OpenSearch node. */
class AdminReindexHttpTest {
    static final String TOKEN = "s3cret-admin-token";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static OpenSearchPostIndex index;
    static ReindexJobs jobs;
    static FeedsearchServer server, closed;

    @BeforeAll
    static void start() throws Exception {
        String url = OpenSearchTestNode.url();
        for (String path : new String[] {"/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*"}) {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        index = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(),
                Mappings.load(),
                OpenSearchPostIndex.RejectedWrites.FAIL);
        List<PostChange> posts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            posts.add(PostChange.upsert(
                    new Post(
                            "a" + i,
                            "u1",
                            "admin test post " + i,
                            null,
                            Instant.parse("2026-10-01T00:00:00Z"),
                            Visibility.PUBLIC,
                            List.of(),
                            List.of(),
                            null,
                            0,
                            0,
                            0,
                            1,
                            false),
                    "en",
                    "en"));
        }
        index.apply(posts);
        Path dir = Files.createTempDirectory("admin-jobs");
        jobs = ReindexJobs.open(
                index.rebuilds().orElseThrow(),
                Mappings.load(),
                new dev.feedsearch.indexer.ChangeFactory(
                        new dev.feedsearch.core.lang.ScriptFirstDetector(), Mappings.load())::fromPost,
                dir,
                Clock.systemUTC());
        server = FeedsearchServer.builder()
                .index(index)
                .languages(Set.of("en"))
                .port(0)
                .admin(jobs, TOKEN)
                .build()
                .start();
        closed = FeedsearchServer.builder()
                .index(index)
                .languages(Set.of("en"))
                .port(0)
                .build()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        closed.close();
        jobs.close();
        index.close();
    }

    record Resp(int status, JsonNode json) {}

    static Resp call(FeedsearchServer s, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), PostJson.MAPPER.readTree(r.body()));
    }

    @Test
    void theTokenIsRequiredAndCheckedAndWithoutOneConfiguredTheApiIsOff() throws Exception {
        Resp none = call(server, "GET", "/admin/reindex", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().at("/error/field").asText()).isEqualTo("Authorization");
        assertThat(call(server, "GET", "/admin/reindex", "wrong", null).status())
                .isEqualTo(403);
        Resp off = call(closed, "GET", "/admin/reindex", TOKEN, null);
        assertThat(off.status()).isEqualTo(403);
        assertThat(off.json().at("/error/code").asText()).isEqualTo("admin_disabled");
    }

    @Test
    void badRequestsNameTheField() throws Exception {
        Resp unknown = call(server, "POST", "/admin/reindex", TOKEN, "{\"groups\":[\"klingon\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/field").asText()).isEqualTo("groups");
        assertThat(unknown.json().at("/error/message").asText()).contains("klingon");
        Resp throttle = call(server, "POST", "/admin/reindex", TOKEN, "{\"groups\":[\"en\"],\"throttle\":\"fast\"}");
        assertThat(throttle.status()).isEqualTo(400);
        assertThat(throttle.json().at("/error/field").asText()).isEqualTo("throttle");
        Resp notJson = call(server, "POST", "/admin/reindex", TOKEN, "groups=en");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().at("/error/field").asText()).isEqualTo("body");
        assertThat(call(server, "GET", "/admin/reindex/rx-nope", TOKEN, null).status())
                .isEqualTo(404);
        assertThat(call(server, "POST", "/admin/reindex/rx-nope/rollback", TOKEN, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void startWatchRefuseASecondJobOnTheGroupThenRollBack() throws Exception {
        Resp started =
                call(server, "POST", "/admin/reindex", TOKEN, "{\"groups\":[\"en\"],\"batch\":50,\"throttle\":600}");
        assertThat(started.status()).as(started.json().toString()).isEqualTo(202);
        String job = started.json().get("job").asText();
        assertThat(started.json().at("/from_version/en").asInt()).isEqualTo(1);

        Resp second = call(server, "POST", "/admin/reindex", TOKEN, "{\"groups\":[\"en\"]}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().at("/error/message").asText()).contains(job);

        JsonNode status = null;
        for (int i = 0; i < 600; i++) {
            status = call(server, "GET", "/admin/reindex/" + job, TOKEN, null).json();
            if (status.get("state").asText().equals("SWAPPED")) break;
            assertThat(status.get("state").asText()).isIn("RUNNING", "SWAPPED");
            Thread.sleep(50);
        }
        assertThat(status.get("state").asText()).isEqualTo("SWAPPED");
        assertThat(status.get("copied").asLong()).isEqualTo(300);
        assertThat(index.rebuilds().orElseThrow().servingVersion("en")).isEqualTo(2);
        assertThat(call(server, "GET", "/admin/reindex", TOKEN, null)
                        .json()
                        .get("jobs")
                        .size())
                .isPositive();

        Resp rolled = call(server, "POST", "/admin/reindex/" + job + "/rollback", TOKEN, null);
        assertThat(rolled.status()).isEqualTo(200);
        assertThat(rolled.json().get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(index.rebuilds().orElseThrow().servingVersion("en")).isEqualTo(1);
        assertThat(call(server, "POST", "/admin/reindex/" + job + "/rollback", TOKEN, null)
                        .status())
                .isEqualTo(409);
    }
}
