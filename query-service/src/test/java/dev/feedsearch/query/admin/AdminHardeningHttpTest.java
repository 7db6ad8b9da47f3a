package dev.feedsearch.query.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin API's refusals over real HTTP: a short token, and bodies with unknown, duplicate or trailing content. */
class AdminHardeningHttpTest {
    static final String TOKEN = "admin-token-0123456789";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EmbeddedPostIndex index;
    static ReindexJobs jobs;
    static FeedsearchServer server;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("feedsearch-admin-");
        Mappings mappings = Mappings.load();
        index = EmbeddedPostIndex.open(dir.resolve("index"), GroupAnalyzers.build(mappings));
        jobs = ReindexJobs.open(
                index.rebuilds().orElseThrow(),
                mappings,
                new ChangeFactory(new ScriptFirstDetector(), mappings)::fromPost,
                dir.resolve("jobs"),
                Clock.systemUTC());
        server = FeedsearchServer.builder()
                .index(index)
                .languages(Set.of("en"))
                .port(0)
                .admin(jobs, TOKEN)
                .build()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        jobs.close();
        index.close();
    }

    record Resp(int status, JsonNode json) {}

    static Resp post(String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/admin/reindex"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        return new Resp(resp.statusCode(), PostJson.MAPPER.readTree(resp.body()));
    }

    @Test
    void aTokenShorterThan16CharactersIsRefusedAtStartup() {
        assertThatThrownBy(() -> FeedsearchServer.builder()
                        .index(index)
                        .port(0)
                        .admin(jobs, "short-token")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FEEDSEARCH_ADMIN_TOKEN")
                .hasMessageContaining("at least 16 characters");
    }

    @Test
    void unknownDuplicateAndTrailingContentAre400sNamingTheFieldAndStartNothing() throws Exception {
        int before = jobs.list().size();
        Resp typo = post("{\"groups\":[\"en\"],\"throtle\":1}");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().at("/error/field").asText()).isEqualTo("throtle");
        Resp twice = post("{\"groups\":[\"en\"],\"throttle\":1,\"throttle\":500}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().at("/error/field").asText()).isEqualTo("throttle");
        assertThat(twice.json().at("/error/message").asText()).contains("twice");
        Resp groupsTwice = post("{\"groups\":[\"en\"],\"groups\":\"all\"}");
        assertThat(groupsTwice.json().at("/error/field").asText()).isEqualTo("groups");
        Resp trailing = post("{\"groups\":[\"en\"]} {\"groups\":\"all\"}");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.json().at("/error/field").asText()).isEqualTo("body");
        assertThat(jobs.list()).as("no job started").hasSize(before);
    }
}
