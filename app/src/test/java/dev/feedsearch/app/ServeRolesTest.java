package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.opensearch.WriterLease;
import dev.feedsearch.query.CursorSigner;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve --role} on a real OpenSearch node, over real HTTP: a query replica (its own engine instance, sharing
 * nothing in memory with the writer) drops a cached page as soon as the writer's change journal says its hit changed,
 * answers {@code /admin/*} with the indexer's name, and reports its lag; a second writer is refused by the lease.
 * Both run in this JVM; ScaleOutTopologyTest runs each role in a process of its own.
 */
class ServeRolesTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TOKEN = "an-admin-token-of-16+";
    static final Map<String, String> ENV =
            Map.of("FEEDSEARCH_ADMIN_TOKEN", TOKEN, CursorSigner.ENV, "cursor-key-every-replica-shares");
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static String url;

    @TempDir
    Path dir;

    final List<ServeCommand.Serving> running = new ArrayList<>();

    @BeforeAll
    static void node() throws Exception {
        url = OpenSearchTestNode.url();
        for (String path : List.of("/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*")) {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) running.get(i).close();
    }

    ServeCommand.Serving serve(String name, String... extra) throws Exception {
        ServeCommand serve = new ServeCommand();
        List<String> args = OpenSearchArgs.of(null, url, dir.resolve(name), "--port", "0");
        args.addAll(List.of(extra));
        new CommandLine(serve).parseArgs(args.toArray(String[]::new));
        ServeCommand.Serving s = serve.open(ENV::get);
        running.add(s);
        return s;
    }

    static HttpResponse<String> get(ServeCommand.Serving s, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server.port() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return PostJson.MAPPER.readTree(r.body());
    }

    static PostChange post(String id, String text, Visibility vis, long version) {
        return PostChange.upsert(
                new Post(id, "ann", text, null, T0, vis, List.of(), List.of(), null, 0, 0, 0, version, false),
                "en",
                "en");
    }

    static List<String> ids(ServeCommand.Serving s, String q) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode h : json(get(s, "/v1/search?q=" + q)).path("hits"))
            out.add(h.path("id").asText());
        return out;
    }

    static void eventually(ServeCommand.Serving s, String q, Predicate<List<String>> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> seen = ids(s, q);
        while (!ok.test(seen)) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 20 s: " + what + "; last " + seen);
            Thread.sleep(20);
            seen = ids(s, q);
        }
    }

    @Test
    void aQueryReplicaDropsCachedPagesTheWriterMadeStaleAndSendsAdminToTheIndexer() throws Exception {
        ServeCommand.Serving writer = serve("writer");
        // cached pages live 10 minutes here: only the change journal can make the replica drop them in time
        Path config = Files.writeString(dir.resolve("replica.json"), "{\"cache\": {\"refresh_ms\": 600000}}");
        ServeCommand.Serving replica = serve("replica", "--role", "query", "--config", config.toString());
        writer.runtime.index.apply(List.of(
                post("p1", "the river runs high", Visibility.PUBLIC, 1),
                post("p2", "the river again", Visibility.PUBLIC, 1),
                post("p3", "a river at dawn", Visibility.PUBLIC, 1)));
        eventually(replica, "river", ids -> ids.size() == 3, "the three posts on the replica");
        // cached now; the writer then edits, hides and deletes its hits behind the replica's back (a new post by
        // someone else may wait for the cache's refresh, as in one process: only changes to cached hits must show)
        assertThat(ids(replica, "river")).containsExactlyInAnyOrder("p1", "p2", "p3");
        writer.runtime.index.apply(List.of(post("p1", "the flood came", Visibility.PUBLIC, 2)));
        eventually(replica, "river", ids -> !ids.contains("p1"), "p1's edit on the replica");
        writer.runtime.index.apply(List.of(post("p2", "the river again", Visibility.PRIVATE, 2)));
        eventually(replica, "river", ids -> !ids.contains("p2"), "p2 made private on the replica");
        writer.runtime.index.apply(List.of(PostChange.delete("p3", 2)));
        eventually(replica, "river", List::isEmpty, "p3's delete on the replica");

        String holder = WriterLease.holder(((OpenSearchPostIndex) writer.runtime.index).client())
                .orElseThrow()
                .holder();
        HttpResponse<String> admin = get(replica, "/admin/reindex");
        assertThat(admin.statusCode()).isEqualTo(409);
        assertThat(json(admin).path("error").path("code").asText()).isEqualTo("query_replica");
        assertThat(json(admin).path("indexer").asText()).isEqualTo(holder);
        JsonNode ready = json(get(replica, "/ready"));
        assertThat(ready.path("status").asText()).isEqualTo("ready");
        assertThat(ready.path("lease_holder").asText()).isEqualTo(holder);
        assertThat(ready.path("change_feed_lag_seconds").asDouble()).isBetween(0.0, 2.0);
        assertThat(ready.path("writer_heartbeat_age_seconds").asDouble()).isBetween(0.0, 60.0);
        String metrics = get(replica, "/metrics").body();
        assertThat(metrics)
                .contains("feedsearch_writer_lease{holder=\"" + holder + "\"} 1.0")
                .containsPattern("(?m)^feedsearch_change_feed_lag_seconds [0-9.]+(E-?[0-9]+)?$")
                .containsPattern("(?m)^feedsearch_writer_heartbeat_age_seconds [0-9.]+(E-?[0-9]+)?$");
        // the writer still answers both
        assertThat(get(writer, "/admin/reindex").statusCode()).isEqualTo(200);
    }

    @Test
    void aSecondWriterIsRefusedWithTheFirstNamedAndAnIndexerHasNoApi() throws Exception {
        ServeCommand.Serving indexer = serve("indexer", "--role", "indexer");
        assertThat(get(indexer, "/v1/search?q=river").statusCode()).isEqualTo(404);
        assertThat(get(indexer, "/ready").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> serve("second"))
                .isInstanceOf(WriterLease.HeldException.class)
                .hasMessageContaining("writer lease")
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }

    static String postLine(String id, String text, long version) {
        return "{\"id\":\"" + id + "\",\"author_id\":\"ann\",\"text\":\"" + text
                + "\",\"created_at\":\"2026-11-01T00:00:00Z\",\"visibility\":\"public\",\"version\":" + version + "}\n";
    }

    CliTest.Run ingest(String name, String line) throws Exception {
        Path file = Files.writeString(dir.resolve(name + ".jsonl"), line);
        return new CliTest()
                .run(OpenSearchArgs.of("ingest", url, dir.resolve("ingest"), file.toString())
                        .toArray(String[]::new));
    }

    @Test
    void ingestPublishesWhatItWritesAndIsRefusedBesideALiveWriter() throws Exception {
        Path config = Files.writeString(dir.resolve("replica.json"), "{\"cache\": {\"refresh_ms\": 600000}}");
        ServeCommand.Serving replica = serve("replica", "--role", "query", "--config", config.toString());
        CliTest.Run first = ingest("v1", postLine("p9", "the river runs high", 1));
        assertThat(first.code()).as(first.err()).isZero();
        eventually(replica, "river", ids -> ids.equals(List.of("p9")), "the ingested post on the replica");
        assertThat(ids(replica, "river")).containsExactly("p9"); // cached for 10 minutes now
        CliTest.Run edit = ingest("v2", postLine("p9", "the flood came", 2));
        assertThat(edit.code()).as(edit.err()).isZero();
        eventually(replica, "river", List::isEmpty, "the ingested edit on the replica");

        serve("writer"); // a live writer holds the lease: ingest beside it is refused, naming it
        CliTest.Run beside = ingest("v3", postLine("p9", "the river is back", 3));
        assertThat(beside.code()).isNotZero();
        assertThat(beside.err()).contains("writer lease", "serve --role all");
        assertThat(ids(replica, "river")).isEmpty(); // nothing was written
    }

    @Test
    void rolesAreRefusedWhereTheyCannotWork() {
        assertThatThrownBy(() -> serve("q", "--role", "query", "--source", "dynamodb"))
                .hasMessageContaining("--role query never writes");
        ServeCommand embedded = new ServeCommand();
        new CommandLine(embedded)
                .parseArgs("--port", "0", "--data-dir", dir.resolve("e").toString(), "--role", "query");
        assertThatThrownBy(() -> embedded.open(Map.<String, String>of()::get))
                .hasMessageContaining("needs --engine opensearch");
        ServeCommand keyless = new ServeCommand();
        new CommandLine(keyless)
                .parseArgs("--port", "0", "--engine", "opensearch", "--opensearch-url", url, "--role", "query");
        assertThatThrownBy(() -> keyless.open(Map.of("FEEDSEARCH_ADMIN_TOKEN", TOKEN)::get))
                .hasMessageContaining("--role query needs " + CursorSigner.ENV);
    }

    static Post authored(String id, String author, Instant at, long likes, long version) {
        return new Post(
                id,
                author,
                "note " + id,
                null,
                at,
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                likes,
                0,
                0,
                version,
                false);
    }

    List<String> feedPage(ServeCommand.Serving s, String cursor, List<String> into) throws Exception {
        String path = "/v1/feed?viewer=fd-bob&limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
        HttpResponse<String> r = get(s, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode item : json(r).path("hits")) into.add(item.path("id").asText());
        JsonNode next = json(r).path("next_cursor");
        return next.isTextual() ? List.of(next.asText()) : List.of();
    }

    @Test
    void aFeedCursorFromOneReplicaPagesOnTheOtherWithNoRepeatsOrSkipsWhateverChangedBetween() throws Exception {
        ServeCommand.Serving writer = serve("writer");
        ServeCommand.Serving a = serve("a", "--role", "query"), b = serve("b", "--role", "query");
        Instant t = Instant.now().minus(Duration.ofHours(30));
        List<PostChange> posts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String author = i % 2 == 0 ? "fd-ann" : "fd-cat"; // no other test writes these authors
            posts.add(PostChange.upsert(authored("f" + i, author, t.plus(Duration.ofHours(i)), 0, 1), "en", "en"));
        }
        writer.runtime.index.apply(posts);
        writer.runtime.index.apply(List.of(
                new FollowChange(new FollowEdge("fd-bob", "fd-ann", t, 1, false)),
                new FollowChange(new FollowEdge("fd-bob", "fd-cat", t, 1, false))));
        List<String> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (all.size() < 3 && System.nanoTime() < deadline) {
            all.clear();
            feedPage(b, null, all);
        }
        assertThat(all).as("bob's first feed page on replica b").hasSize(3);

        List<String> seen = new ArrayList<>();
        List<String> cursor = feedPage(a, null, seen);
        // between pages, the oldest post becomes the most liked: any rebuild of the session would rank it first
        // and shift every other item, so a replica that rebuilt instead of reading the session repeats and skips
        writer.runtime.index.apply(List.of(
                PostChange.upsert(authored("f0", "fd-ann", t, 1_000_000, 2), "en", "en"),
                PostChange.upsert(authored("f1", "fd-cat", t.plus(Duration.ofHours(1)), 900_000, 2), "en", "en")));
        ServeCommand.Serving[] order = {b, a, b, a};
        for (int i = 0; !cursor.isEmpty(); i++) cursor = feedPage(order[i % order.length], cursor.getFirst(), seen);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen)
                .containsExactlyInAnyOrder(posts.stream().map(c -> c.key()).toArray(String[]::new));
    }
}
