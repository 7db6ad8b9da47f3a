package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on the OpenSearch engine, against the build's real OpenSearch 3.8.0 node: ingest the committed
 * sample, answer multilingual search over HTTP, and dead-letter writes the cluster refuses for good.
 */
class OpenSearchCliTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void node() throws Exception {
        url = OpenSearchTestNode.url();
        send("DELETE", "/posts-*,feedsearch-*?expand_wildcards=all", null);
        send("DELETE", "/_index_template/posts-*", null);
    }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    CliTest.Run run(String... args) {
        CliTest t = new CliTest();
        return t.run(args);
    }

    @Test
    void ingestTheSampleThenSearchItOverHttpThenDeadLetterAndReplayWhatTheClusterRefused() throws Exception {
        Path sample = Path.of(System.getProperty("feedsearch.root", "..")).resolve("sample/posts.jsonl");
        Path data = dir.resolve("data");
        CliTest.Run ingest =
                run(OpenSearchArgs.of("ingest", url, data, sample.toString()).toArray(String[]::new));
        assertThat(ingest.code()).as(ingest.err()).isZero();
        assertThat(ingest.out()).contains("3000 posts", "0 dead-lettered");

        // the same engine behind the real HTTP service: multilingual search answers from OpenSearch
        OpenSearchConfig cfg = OpenSearchConfig.builder(url).replicas(0).build();
        try (OpenSearchPostIndex index =
                        OpenSearchPostIndex.open(cfg, Mappings.load(), OpenSearchPostIndex.RejectedWrites.FAIL);
                FeedsearchServer server = FeedsearchServer.builder()
                        .index(index)
                        .languages(Set.of("ja", "th", "de", "en", "und"))
                        .port(0)
                        .build()
                        .start()) {
            for (String q : List.of("人権", "สิทธิ", "Menschenrechte")) {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/search?q="
                                        + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode hits = PostJson.MAPPER.readTree(r.body()).path("hits");
                assertThat(hits.size()).as("hits for %s", q).isPositive();
            }
        }

        // a real refusal: the German index is made read-only, so its writes fail with 403 (not retried)
        assertThat(send("PUT", "/posts-de/_settings", "{\"index.blocks.write\":true}")
                        .statusCode())
                .isEqualTo(200);
        Path more = dir.resolve("more.jsonl");
        Files.write(
                more,
                List.of(
                        "{\"id\":\"blocked-1\",\"author_id\":\"u1\",\"text\":\"Die Würde des Menschen ist unantastbar und zu schützen\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}",
                        "{\"id\":\"fine-1\",\"author_id\":\"u1\",\"text\":\"All human beings are born free and equal in dignity and rights\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}"));
        CliTest.Run blocked =
                run(OpenSearchArgs.of("ingest", url, data, more.toString()).toArray(String[]::new));
        assertThat(blocked.code()).as(blocked.err()).isZero();
        CliTest.Run list = run("dlq", "list", "--data-dir", data.toString());
        assertThat(list.out())
                .contains("opensearch")
                .contains("blocked-1")
                .contains("403")
                .doesNotContain("fine-1");

        assertThat(send("PUT", "/posts-de/_settings", "{\"index.blocks.write\":null}")
                        .statusCode())
                .isEqualTo(200);
        List<String> replayArgs = OpenSearchArgs.of("replay", url, data);
        replayArgs.addFirst("dlq");
        CliTest.Run replay = run(replayArgs.toArray(String[]::new));
        assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("replayed 1, 0 still failing");
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(),
                Mappings.load(),
                OpenSearchPostIndex.RejectedWrites.FAIL)) {
            assertThat(index.get("blocked-1", null)).isPresent();
            assertThat(index.get("fine-1", null)).isPresent();
        }
    }

    @Test
    void opensearchWithoutAUrlSaysWhatIsMissing() throws Exception {
        Path file = Files.writeString(dir.resolve("x.jsonl"), "");
        CliTest.Run r = run("ingest", "--engine", "opensearch", "--data-dir", dir.toString(), file.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--opensearch-url");
    }

    /** An admin token as serve requires it: 16 characters or more. */
    static final String TOKEN = "cli-admin-token-0123";

    @Test
    void reindexCommandsDriveTheServingProcessesJobs() throws Exception {
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(
                        OpenSearchConfig.builder(url).replicas(0).build(),
                        Mappings.load(),
                        OpenSearchPostIndex.RejectedWrites.FAIL);
                var jobs = dev.feedsearch.indexer.reindex.ReindexJobs.open(
                        index.rebuilds().orElseThrow(),
                        Mappings.load(),
                        new dev.feedsearch.indexer.ChangeFactory(
                                new dev.feedsearch.core.lang.ScriptFirstDetector(), Mappings.load())::fromPost,
                        dir.resolve("jobs"),
                        java.time.Clock.systemUTC());
                FeedsearchServer server = FeedsearchServer.builder()
                        .index(index)
                        .languages(Set.of("en"))
                        .port(0)
                        .admin(jobs, TOKEN)
                        .build()
                        .start()) {
            index.apply(List.of(dev.feedsearch.core.model.PostChange.upsert(
                    new dev.feedsearch.core.model.Post(
                            "cli-1",
                            "u1",
                            "reindexed from the command line",
                            null,
                            java.time.Instant.parse("2026-10-01T00:00:00Z"),
                            dev.feedsearch.core.model.Visibility.PUBLIC,
                            List.of(),
                            List.of(),
                            null,
                            0,
                            0,
                            0,
                            1,
                            false),
                    "en",
                    "en")));
            String srv = "http://127.0.0.1:" + server.port();
            int before = index.rebuilds().orElseThrow().servingVersion("en");

            CliTest.Run noToken = run("reindex", "start", "--server", srv, "--groups", "en");
            assertThat(noToken.code()).isNotZero();
            CliTest.Run unknown = run("reindex", "start", "--server", srv, "--token", TOKEN, "--groups", "klingon");
            assertThat(unknown.code()).isNotZero();
            assertThat(unknown.err()).contains("400").contains("klingon").contains("(groups)");

            CliTest.Run start =
                    run("reindex", "start", "--server", srv, "--token", TOKEN, "--groups", "en", "--batch", "10");
            assertThat(start.code()).as(start.out() + start.err()).isZero();
            assertThat(start.out()).contains("SWAPPED");
            assertThat(index.rebuilds().orElseThrow().servingVersion("en")).isEqualTo(before + 1);
            String job = start.out()
                    .lines()
                    .filter(l -> l.startsWith("started "))
                    .findFirst()
                    .orElseThrow()
                    .substring("started ".length());

            assertThat(run("reindex", "list", "--server", srv, "--token", TOKEN).out())
                    .contains(job);
            assertThat(run("reindex", "status", "--server", srv, "--token", TOKEN, job)
                            .out())
                    .contains("\"state\" : \"SWAPPED\"");
            CliTest.Run rollback = run("reindex", "rollback", "--server", srv, "--token", TOKEN, job);
            assertThat(rollback.code()).as(rollback.err()).isZero();
            assertThat(rollback.out()).contains("ROLLED_BACK");
            assertThat(index.rebuilds().orElseThrow().servingVersion("en")).isEqualTo(before);
        }
    }

    @Test
    void thePlansEmittedSettingsAreAcceptedByARealNode() throws Exception {
        CliTest.Run plan = run(
                "plan",
                "--posts",
                "2000000",
                "--languages",
                "en=0.4,ja=0.2,ko=0.1,zh=0.1,th=0.05",
                "--replicas",
                "0",
                "--out-dir",
                dir.toString());
        assertThat(plan.code()).as(plan.err()).isZero();
        List<Path> templates;
        try (var files = Files.list(dir.resolve("index-templates"))) {
            templates = files.sorted().toList();
        }
        assertThat(templates).hasSizeGreaterThan(5);
        for (Path t : templates) {
            // renamed so they cannot collide with the engine's own templates on this node
            var body = (com.fasterxml.jackson.databind.node.ObjectNode) PostJson.MAPPER.readTree(t.toFile());
            String group = t.getFileName().toString().replace("posts-", "").replace(".json", "");
            body.putArray("index_patterns").add("plantest-" + group + "-*");
            assertThat(send("PUT", "/_index_template/plantest-" + group, body.toString())
                            .statusCode())
                    .as(t.toString())
                    .isEqualTo(200);
            HttpResponse<String> created = send("PUT", "/plantest-" + group + "-1", "{}");
            assertThat(created.statusCode()).as("%s: %s", t, created.body()).isEqualTo(200);
        }
        for (String idx : List.of(
                "feedsearch-keys", "feedsearch-follows", "feedsearch-checkpoints", "feedsearch-feed-sessions")) {
            HttpResponse<String> created =
                    send("PUT", "/plantest-" + idx, Files.readString(dir.resolve("indices/" + idx + ".json")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        }
        send("DELETE", "/plantest-*", null);
        send("DELETE", "/_index_template/plantest-*", null);
    }
}
