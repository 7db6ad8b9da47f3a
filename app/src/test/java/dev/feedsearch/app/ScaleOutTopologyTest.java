package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.ChangeJournal;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Issue 18's multi-process topology, all real: one {@code serve --role indexer} fed by DynamoDB Local streams and two
 * {@code serve --role query} replicas, each its own JVM with its own data directory, on a real OpenSearch node, over
 * real HTTP. Replicas cache pages for 10 minutes, so only the writer's change journal can make them drop one.
 *
 * <p>Covered: edits, a delete, a public→private change, an unfollow, a block and a reindex swap each reach both
 * replicas' warm caches within {@link #LAG_BOUND} of the writer publishing them (a generous bound for a busy CI
 * machine; the 1 s p99 of the issue is measured by {@code benchmarks/run-replica-lag.sh}); a feed cursor walked
 * across both replicas repeats nothing and covers what one replica's walk covers; {@code kill -9} of a replica under
 * load leaves the other answering every request; {@code kill -9} of the indexer leaves the replicas serving, while a
 * second indexer started with {@code --wait-for-lease} waits, then takes over within its lease ttl, streams the next
 * changes to the replicas, and {@code reconcile} finds the index equal to the table.
 */
class ScaleOutTopologyTest {
    static final String ADMIN_TOKEN = "topology-admin-token-0123456789";
    static final String CURSOR_KEYS = "topology-cursor-key-0123456789abcdef";
    /** From the writer publishing a change to neither replica serving the page it made stale. */
    static final Duration LAG_BOUND = Duration.ofSeconds(5);
    /** From a DynamoDB write to the indexer publishing it: the stream's pace, not the replicas' claim. */
    static final Duration PIPELINE_BOUND = Duration.ofSeconds(30);

    static final int LEASE_TTL_SECONDS = 3;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Instant BASE = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);

    static final String Q_VIEWER = "/v1/search?q=harbor&viewer=u1&limit=50";
    static final String Q_ANON = "/v1/search?q=harbor&limit=50";
    static final String FEED = "/v1/feed?viewer=u1&limit=50";

    @TempDir
    Path dir;

    String url;
    DynamoDBProxyServer dynamo;
    DynamoDbClient ddb;
    String endpoint;
    final List<ServeJvm> children = new ArrayList<>();
    final List<Load> loads = new ArrayList<>();
    long journalSeen; // the newest journal entry already matched to a change

    @AfterEach
    void stop() throws Exception {
        for (Load l : loads) l.stop();
        for (ServeJvm c : children) {
            c.process.destroyForcibly();
            c.process.waitFor(10, TimeUnit.SECONDS);
        }
        if (ddb != null) ddb.close();
        if (dynamo != null) dynamo.stop();
    }

    final long started = System.nanoTime();

    /** Progress on stdout, with the seconds since the test began: where a slow CI run spends its time. */
    void phase(String what) {
        System.out.printf("ScaleOutTopologyTest %6.1f s: %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    @Test
    void oneIndexerAndTwoQueryReplicasInTheirOwnProcessesStayExactThroughChangesKillsAndATakeover() throws Exception {
        url = OpenSearchTestNode.url();
        for (String path : List.of("/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*")) {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        startDynamoDb();
        seed();

        phase("OpenSearch, DynamoDB Local and the seed ready");
        // 1. one indexer and two query replicas, each its own JVM and data directory, started side by side
        Path replicaConfig = Files.writeString(dir.resolve("replica.json"), "{\"cache\": {\"refresh_ms\": 600000}}");
        ServeJvm indexer = start("indexer-1", indexerArgs("indexer-1"));
        ServeJvm a = start("replica-a", replicaArgs("replica-a", replicaConfig));
        ServeJvm b = start("replica-b", replicaArgs("replica-b", replicaConfig));
        for (ServeJvm c : List.of(indexer, a, b)) c.awaitServing(Duration.ofSeconds(120));

        phase("three JVMs serving");
        // 2. seeded through DynamoDB: the indexer's backfill makes every post searchable before a replica caches a page
        eventuallyOn(
                indexer,
                "/ready",
                r -> r.path("posts").asLong() == 18 && r.path("follows").asLong() == 3,
                "the indexer backfilled 18 posts and 3 follows");
        Set<String> all = new HashSet<>(ids(
                "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "b1", "b2", "b3", "b4", "b5", "c1", "c2", "c3", "c4",
                "c5"));
        for (ServeJvm r : List.of(a, b)) {
            eventuallyIds(r, Q_VIEWER, ids("a1", "a2", "a3", "a4", "b1", "c1")::equals, "u1's harbor search");
            eventuallyIds(r, Q_ANON, ids("a1", "a2", "a3", "a4", "c1")::equals, "the anonymous harbor search");
            eventuallyIds(r, FEED, all::equals, "u1's feed");
            JsonNode ready = getJson(r, "/ready");
            assertThat(ready.path("lease_holder").asText())
                    .as(ready.toString())
                    .contains("(pid " + indexer.process.pid() + ")");
            assertThat(ready.path("change_feed_lag_seconds").asDouble())
                    .as("caught up with the journal: " + ready)
                    .isBetween(0.0, 2.0);
            assertThat(getStatus(r, "/admin/reindex"))
                    .as("a replica never takes admin requests")
                    .isEqualTo(409);
        }
        assertThat(getStatus(indexer, "/v1/search?q=harbor"))
                .as("an indexer has no /v1 API")
                .isEqualTo(404);

        phase("both replicas warm");
        // 3. a feed cursor moves between the replicas: page 1 from A, page 2 from B with A's cursor, page 3 from A…
        List<String> walkedAcross = walkFeed(List.of(a, b), 4);
        List<String> walkedOnA = walkFeed(List.of(a), 4);
        assertThat(walkedAcross).as("no post twice across replicas").doesNotHaveDuplicates();
        assertThat(new HashSet<>(walkedAcross))
                .as("the same posts as one replica's walk")
                .isEqualTo(new HashSet<>(walkedOnA));
        assertThat(new HashSet<>(walkedAcross)).isEqualTo(all);

        // a post deleted mid-walk (already shown on page 1): the rest still shows exactly once, across replicas as
        // on one (a feed session is frozen where it was built; a replica without it must not rebuild a different list)
        journalSeen =
                journalAfter(0).stream().mapToLong(JournalEntry::seq).max().orElse(0);
        Set<String> fillers = ids("a5", "a6", "a7", "a8", "b2", "b3", "b4", "b5", "c2", "c3", "c4", "c5");
        String[] deleted = new String[1];
        List<String> walkedPastADelete = walkFeed(List.of(a, b), 4, firstPage -> {
            deleted[0] =
                    firstPage.stream().filter(fillers::contains).findFirst().orElseThrow();
            deletePost(deleted[0]);
            journalEntry(e -> e.posts().contains(deleted[0])).await();
        });
        all.remove(deleted[0]);
        Set<String> notShown = new HashSet<>(all);
        walkedPastADelete.forEach(notShown::remove);
        assertThat(walkedPastADelete)
                .as("no post twice across replicas after " + deleted[0] + " was deleted mid-walk")
                .doesNotHaveDuplicates();
        assertThat(notShown)
                .as("no post skipped across replicas after " + deleted[0] + " was deleted mid-walk: "
                        + walkedPastADelete)
                .isEmpty();
        phase("feed walked across replicas");
        // 4. changes through DynamoDB, each after both replicas' caches are warm with the page it makes stale
        journalSeen =
                journalAfter(0).stream().mapToLong(JournalEntry::seq).max().orElse(0);
        putPost("a1", "ann", "lighthouse lights at dawn over the old town", "public", 2, 1);
        awaitFresh("a1's edit", journalEntry(e -> e.posts().contains("a1")), List.of(a, b), r -> {
            assertThat(ids(r, Q_VIEWER)).doesNotContain("a1");
            assertThat(ids(r, Q_ANON)).doesNotContain("a1");
            assertThat(feedText(r, "a1")).contains("lighthouse");
        });
        deletePost("a4");
        awaitFresh("a4's delete", journalEntry(e -> e.posts().contains("a4")), List.of(a, b), r -> {
            assertThat(ids(r, Q_VIEWER)).doesNotContain("a4");
            assertThat(ids(r, Q_ANON)).doesNotContain("a4");
            assertThat(ids(r, FEED)).doesNotContain("a4");
        });
        putPost("a3", "ann", "harbor gossip nobody else should read", "private", 2, 3);
        awaitFresh("a3 made private", journalEntry(e -> e.posts().contains("a3")), List.of(a, b), r -> {
            assertThat(ids(r, Q_VIEWER)).doesNotContain("a3");
            assertThat(ids(r, Q_ANON)).doesNotContain("a3");
            assertThat(ids(r, FEED)).doesNotContain("a3");
        });
        ddb.deleteItem(d -> d.tableName("follows").key(ItemMapper.keyOf(follow("u1", "bob", null, 1))));
        awaitFresh("u1 unfollowing bob", journalEntry(e -> e.viewers().contains("u1")), List.of(a, b), r -> {
            assertThat(ids(r, Q_VIEWER)).as("bob's followers-only post").doesNotContain("b1");
            assertThat(ids(r, FEED)).doesNotContain("b1", "b2", "b3", "b4", "b5");
        });
        putFollow("carl", "u1", "block", 1);
        awaitFresh("carl blocking u1", journalEntry(e -> e.viewers().contains("u1")), List.of(a, b), r -> {
            assertThat(ids(r, Q_VIEWER)).as("a block hides both ways").doesNotContain("c1");
            assertThat(ids(r, FEED)).doesNotContain("c1", "c2", "c3", "c4", "c5");
            assertThat(ids(r, Q_ANON)).as("others still see carl").contains("c1");
        });

        phase("edit, delete, private, unfollow and block reached both replicas");
        // a new post by someone else waits for the cache's refresh (10 minutes here), as in one process...
        putPost("d1", "dan", "a harbor arrival at last", "public", 1, 30);
        journalEntry(e -> e.posts().contains("d1")).await();
        Thread.sleep(500); // the replicas (polling every 50 ms) have read d1's entry, which concerns no cached hit
        for (ServeJvm r : List.of(a, b)) {
            // another cache key (relevance pages of any limit read one cached engine window)
            assertThat(ids(r, Q_ANON + "&sort=recent")).as("d1 is searchable").contains("d1");
            assertThat(ids(r, Q_ANON)).as("the cached page holds").doesNotContain("d1");
        }
        // ...and a reindex swap drops every cached page on every replica
        String group = getJson(a, "/v1/posts/d1").path("lang_group").asText();
        JsonNode job = json(send(indexer, "POST", "/admin/reindex", "{\"groups\":[\"" + group + "\"]}"), indexer, 202);
        JsonNode swapped = eventuallyOn(
                indexer,
                "/admin/reindex/" + job.path("job").asText(),
                s -> !s.path("state").asText().equals("RUNNING"),
                "the reindex job of group " + group);
        assertThat(swapped.path("state").asText()).as(swapped.toString()).isEqualTo("SWAPPED");
        awaitFresh(
                "the swap of group " + group,
                journalEntry(JournalEntry::everything),
                List.of(a, b),
                r -> assertThat(ids(r, Q_ANON)).contains("d1"));

        phase("the swap reached both replicas");
        // 5. kill -9 one replica under load: the other answers every request
        for (ServeJvm r : List.of(a, b)) ids(r, Q_VIEWER); // warm
        Load loadA = new Load(a), loadB = new Load(b);
        Thread.sleep(1_000);
        long beforeKillB = loadB.ok.get();
        a.kill();
        long killedAt = System.nanoTime();
        Thread.sleep(2_000);
        loadA.stop();
        loadB.stop();
        assertThat(beforeKillB).as("B was under load before the kill").isPositive();
        assertThat(loadA.errors.get())
                .as("the load reached A and failed once A was gone")
                .isPositive();
        assertThat(loadB.errors.get())
                .as("failed requests on B: " + loadB.firstError + "\n" + b.tail())
                .isZero();
        assertThat(loadB.okSince(killedAt)).as("B answered after A was killed").isPositive();

        phase("replica A killed under load");
        // 6. a second indexer waits for the lease; a fresh replica A' replaces A
        ServeJvm indexer2 = start("indexer-2", indexerArgs("indexer-2"));
        ServeJvm a2 = start("replica-a2", replicaArgs("replica-a2", replicaConfig));
        a2.awaitServing(Duration.ofSeconds(120));
        Thread.sleep(
                Duration.ofSeconds(LEASE_TTL_SECONDS + 2).toMillis()); // past a ttl: the first renews, so no takeover
        assertThat(indexer2.process.isAlive()).as(indexer2.tail()).isTrue();
        assertThat(indexer2.serving())
                .as("indexer-2 waits while indexer-1 holds the lease\n" + indexer2.tail())
                .isFalse();
        assertThat(Files.readString(indexer2.log))
                .as("indexer-2 says it waits, and for whom")
                .contains("waiting for the writer lease held by serve --role indexer")
                .contains("(pid " + indexer.process.pid() + ")");
        JsonNode beforeKill = getJson(b, "/ready");
        assertThat(beforeKill.path("lease_holder").asText()).contains("(pid " + indexer.process.pid() + ")");
        assertThat(beforeKill.path("writer_heartbeat_age_seconds").asDouble())
                .as("a live indexer's heartbeat (renewed every ttl/3): " + beforeKill)
                .isLessThan(LEASE_TTL_SECONDS);

        phase("indexer-2 waiting, replica A' serving");
        // kill -9 the indexer: the replicas keep serving, and the second indexer takes over within its ttl
        List<ServeJvm> replicas = List.of(a2, b);
        for (ServeJvm r : replicas) ids(r, Q_VIEWER);
        indexer.kill();
        long indexerKilled = System.nanoTime();
        List<String> readyWhileDown = new ArrayList<>();
        String newHolder = "(pid " + indexer2.process.pid() + ")";
        while (!getJson(b, "/ready").path("lease_holder").asText().contains(newHolder)) {
            // a liveness bound, not a speed claim (WriterLeaseTest checks the takeover waits a whole ttl)
            if (System.nanoTime() - indexerKilled > Duration.ofSeconds(120).toNanos())
                throw new AssertionError(
                        "indexer-2 never took the lease after indexer-1 was killed\n" + indexer2.tail());
            for (ServeJvm r : replicas) {
                assertThat(getStatus(r, Q_VIEWER))
                        .as(r.name + " searching with the indexer down")
                        .isEqualTo(200);
                assertThat(getStatus(r, FEED))
                        .as(r.name + " feed with the indexer down")
                        .isEqualTo(200);
                HttpResponse<String> ready = send(r, "GET", "/ready", null);
                assertThat(ready.statusCode())
                        .as(r.name + " ready with the indexer down: " + ready.body())
                        .isEqualTo(200);
                readyWhileDown.add(ready.body());
            }
            Thread.sleep(200);
        }
        assertThat(readyWhileDown)
                .as("the replicas were asked while no indexer held the lease")
                .isNotEmpty();
        // the replicas report the dead indexer: its heartbeat ages past the lease ttl (their own journal lag stays
        // small, since the journal is still readable; it just stopped moving)
        double oldestHeartbeat = readyWhileDown.stream()
                .mapToDouble(r -> {
                    try {
                        return PostJson.MAPPER
                                .readTree(r)
                                .path("writer_heartbeat_age_seconds")
                                .asDouble();
                    } catch (IOException e) {
                        throw new AssertionError(r, e);
                    }
                })
                .max()
                .orElseThrow();
        assertThat(oldestHeartbeat)
                .as("the dead indexer's heartbeat age seen on the replicas: " + readyWhileDown.getLast())
                .isGreaterThan(LEASE_TTL_SECONDS / 3.0 + 1);
        phase("takeover " + (System.nanoTime() - indexerKilled) / 1_000_000 + " ms after the kill; a replica's /ready "
                + "meanwhile: " + readyWhileDown.getLast());
        indexer2.awaitServing(Duration.ofSeconds(120));
        for (ServeJvm r : replicas) {
            assertThat(getJson(r, "/ready").path("lease_holder").asText()).contains(newHolder);
            eventuallyIds(r, Q_VIEWER, ids("a2", "d1")::containsAll, "u1's harbor search after the takeover");
        }

        phase("indexer-2 serving");
        // changes now reach the replicas through the new indexer
        putPost("a2", "ann", "a quiet walk with friends this morning", "public", 2, 2);
        awaitFresh(
                "a2's edit via indexer-2",
                journalEntry(e -> e.posts().contains("a2")),
                replicas,
                r -> assertThat(ids(r, Q_VIEWER)).doesNotContain("a2"));
        putPost("a9", "ann", "back at the harbor again", "public", 1, 40);
        journalEntry(e -> e.posts().contains("a9")).await();
        for (ServeJvm r : replicas) assertThat(getStatus(r, "/v1/posts/a9")).isEqualTo(200);

        phase("changes reached the replicas through indexer-2");
        // 7. the index equals the table
        CliTest.Run reconcile = new CliTest()
                .run(OpenSearchArgs.of(
                                "reconcile",
                                url,
                                dir.resolve("reconcile"),
                                "--source",
                                "dynamodb",
                                "--dynamodb-endpoint",
                                endpoint)
                        .toArray(String[]::new));
        assertThat(reconcile.code()).as(reconcile.out() + reconcile.err()).isZero();
        assertThat(reconcile.out()).contains("0 missing, 0 stale, 0 resurrected");
        phase("reconcile clean");
    }

    // ------------------------------------------------------------------ processes

    ServeJvm start(String name, List<String> args) throws IOException {
        // replicas must share cursor keys (README, Scale-out)
        ServeJvm c = ServeJvm.start(
                dir,
                name,
                args,
                Map.of(
                        "FEEDSEARCH_ADMIN_TOKEN",
                        ADMIN_TOKEN,
                        "FEEDSEARCH_CURSOR_KEYS",
                        CURSOR_KEYS,
                        "AWS_ACCESS_KEY_ID",
                        "local",
                        "AWS_SECRET_ACCESS_KEY",
                        "local",
                        "AWS_REGION",
                        "us-east-1"));
        children.add(c);
        return c;
    }

    List<String> common(String name) {
        return OpenSearchArgs.of(null, url, dir.resolve(name), "--port", "0");
    }

    List<String> indexerArgs(String name) {
        List<String> args = common(name);
        // both indexers renew every ttl/3 = 1 s; the second waits for a whole ttl without a renewal
        args.addAll(List.of(
                "--role",
                "indexer",
                "--source",
                "dynamodb",
                "--dynamodb-endpoint",
                endpoint,
                "--wait-for-lease",
                "--lease-ttl-seconds",
                Integer.toString(LEASE_TTL_SECONDS)));
        return args;
    }

    List<String> replicaArgs(String name, Path config) {
        List<String> args = common(name);
        args.addAll(List.of("--role", "query", "--config", config.toString()));
        return args;
    }

    // ------------------------------------------------------------------ DynamoDB Local, written as an app would

    void startDynamoDb() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try {
            dynamo = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            dynamo.start();
        } catch (Throwable t) {
            throw new AssertionError("DynamoDB Local could not start: " + t, t);
        }
        endpoint = "http://127.0.0.1:" + port;
        // reconcile runs in this JVM and reads credentials and region from the SDK's chain; -sharedDb ignores them
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        System.setProperty("aws.region", "us-east-1");
        ddb = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        DynamoDbTables.createPosts(ddb, "posts");
        DynamoDbTables.createFollows(ddb, "follows");
    }

    /** ann, bob and carl write; u1 follows all three. Every "harbor" post is the page the changes make stale. */
    void seed() {
        putPost("a1", "ann", "harbor lights at dawn over the old town", "public", 1, 1);
        putPost("a2", "ann", "a harbor walk with friends this morning", "public", 1, 2);
        putPost("a3", "ann", "harbor gossip nobody else should read", "public", 1, 3);
        putPost("a4", "ann", "harbor sale on saturday, everything must go", "public", 1, 4);
        putPost("b1", "bob", "harbor secrets for my followers only", "followers", 1, 5);
        putPost("c1", "carl", "the harbor view from my window tonight", "public", 1, 6);
        for (int i = 5; i <= 8; i++)
            putPost("a" + i, "ann", "morning coffee and a good book, part " + i, "public", 1, 6 + i);
        for (int i = 2; i <= 5; i++) {
            putPost("b" + i, "bob", "notes from the mountain trail, day " + i, "public", 1, 15 + i);
            putPost("c" + i, "carl", "cooking dinner for the whole family, round " + i, "public", 1, 20 + i);
        }
        for (String followee : List.of("ann", "bob", "carl")) putFollow("u1", followee, null, 1);
    }

    void putPost(String id, String author, String text, String visibility, long version, int minute) {
        ObjectNode p = PostJson.MAPPER.createObjectNode();
        p.put("id", id).put("author_id", author).put("text", text);
        p.put("created_at", BASE.plus(Duration.ofMinutes(minute)).toString());
        p.put("visibility", visibility).put("version", version);
        ddb.putItem(r -> r.tableName("posts").item(ItemMapper.toItem(p)));
    }

    void deletePost(String id) {
        ddb.deleteItem(r -> r.tableName("posts")
                .key(ItemMapper.keyOf(PostJson.MAPPER.createObjectNode().put("id", id))));
    }

    static ObjectNode follow(String follower, String followee, String relation, long version) {
        ObjectNode f = PostJson.MAPPER.createObjectNode();
        f.put("follower_id", follower).put("followee_id", followee).put("version", version);
        f.put("created_at", BASE.toString());
        if (relation != null) f.put("relation", relation);
        return f;
    }

    void putFollow(String follower, String followee, String relation, long version) {
        ddb.putItem(r -> r.tableName("follows").item(ItemMapper.toItem(follow(follower, followee, relation, version))));
    }

    // ------------------------------------------------------------------ the writer's journal: when a change was
    // published

    record JournalEntry(long seq, List<String> posts, List<String> viewers, boolean everything, long atMs) {}

    /** The first entry after those already matched that {@code match} accepts, within {@link #PIPELINE_BOUND}. */
    interface Awaitable {
        JournalEntry await() throws Exception;
    }

    Awaitable journalEntry(Predicate<JournalEntry> match) {
        return () -> {
            long deadline = System.nanoTime() + PIPELINE_BOUND.toNanos();
            List<JournalEntry> seen = List.of();
            while (System.nanoTime() < deadline) {
                seen = journalAfter(journalSeen);
                for (JournalEntry e : seen) {
                    if (match.test(e)) {
                        journalSeen = e.seq();
                        return e;
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("the indexer published no matching change journal entry within " + PIPELINE_BOUND
                    + " (entries after " + journalSeen + ": " + seen + ")\n" + tails());
        };
    }

    List<JournalEntry> journalAfter(long seq) throws Exception {
        String index = "/" + ChangeJournal.INDEX;
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url + index + "/_refresh"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String query =
                "{\"size\":1000,\"query\":{\"range\":{\"seq\":{\"gt\":" + seq + "}}},\"sort\":[{\"seq\":\"asc\"}]}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + index + "/_search"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<JournalEntry> out = new ArrayList<>();
        if (r.statusCode() == 404) return out;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode h : PostJson.MAPPER.readTree(r.body()).path("hits").path("hits")) {
            JsonNode s = h.path("_source");
            out.add(new JournalEntry(
                    s.path("seq").asLong(),
                    strings(s.path("posts")),
                    strings(s.path("viewers")),
                    s.path("everything").asBoolean(),
                    s.path("at_ms").asLong()));
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    interface Check {
        void on(ServeJvm replica) throws Exception;
    }

    /**
     * Waits for the writer to publish the change, then requires every replica to pass {@code check} within
     * {@link #LAG_BOUND} of that moment (the entry's own timestamp, taken on this machine's clock after the change was
     * searchable), and to keep passing it.
     */
    void awaitFresh(String what, Awaitable published, List<ServeJvm> replicas, Check check) throws Exception {
        JournalEntry e = published.await();
        long deadlineMs = e.atMs() + LAG_BOUND.toMillis();
        for (ServeJvm r : replicas) {
            AssertionError last;
            while (true) {
                try {
                    check.on(r);
                    break;
                } catch (AssertionError stale) {
                    last = stale;
                }
                if (System.currentTimeMillis() > deadlineMs)
                    throw new AssertionError(
                            r.name + " still served a stale page " + LAG_BOUND + " after the writer "
                                    + "published " + what + " (journal entry " + e.seq() + "): " + last.getMessage()
                                    + "\n"
                                    + r.tail(),
                            last);
                Thread.sleep(20);
            }
        }
        for (ServeJvm r : replicas) check.on(r); // and stays so (a cached page does not come back)
    }

    // ------------------------------------------------------------------ HTTP

    static Set<String> ids(String... ids) {
        return new LinkedHashSet<>(List.of(ids));
    }

    HttpResponse<String> send(ServeJvm c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.base() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> r, ServeJvm c, int status) throws Exception {
        assertThat(r.statusCode())
                .as(c.name + " " + r.request().uri() + " answered " + r.body() + "\n" + c.tail())
                .isEqualTo(status);
        return PostJson.MAPPER.readTree(r.body());
    }

    JsonNode getJson(ServeJvm c, String path) throws Exception {
        return json(send(c, "GET", path, null), c, 200);
    }

    int getStatus(ServeJvm c, String path) throws Exception {
        return send(c, "GET", path, null).statusCode();
    }

    Set<String> ids(ServeJvm c, String path) throws Exception {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode h : getJson(c, path).path("hits")) out.add(h.path("id").asText());
        return out;
    }

    String feedText(ServeJvm c, String id) throws Exception {
        for (JsonNode h : getJson(c, FEED).path("hits"))
            if (h.path("id").asText().equals(id)) return h.path("text").asText();
        return null;
    }

    JsonNode eventuallyOn(ServeJvm c, String path, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode seen = getJson(c, path);
        while (!ok.test(seen)) {
            if (System.nanoTime() > deadline)
                throw new AssertionError(
                        "not within 60 s on " + c.name + ": " + what + "; last " + seen + "\n" + c.tail());
            Thread.sleep(100);
            seen = getJson(c, path);
        }
        return seen;
    }

    void eventuallyIds(ServeJvm c, String path, Predicate<Set<String>> ok, String what) throws Exception {
        long deadline = System.nanoTime() + PIPELINE_BOUND.toNanos();
        Set<String> seen = ids(c, path);
        while (!ok.test(seen)) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("not within " + PIPELINE_BOUND + " on " + c.name + ": " + what + "; last "
                        + seen + "\n" + c.tail());
            Thread.sleep(50);
            seen = ids(c, path);
        }
    }

    /** u1's feed in pages of {@code limit}, the cursor handed from one replica to the next in turn. */
    List<String> walkFeed(List<ServeJvm> replicas, int limit) throws Exception {
        return walkFeed(replicas, limit, firstPage -> {});
    }

    interface FirstPage {
        void then(List<String> ids) throws Exception;
    }

    /** As above, running {@code afterFirstPage} between the first page and the second. */
    List<String> walkFeed(List<ServeJvm> replicas, int limit, FirstPage afterFirstPage) throws Exception {
        List<String> out = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            ServeJvm r = replicas.get(page % replicas.size());
            String path = "/v1/feed?viewer=u1&limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode p = getJson(r, path);
            p.path("hits").forEach(h -> out.add(h.path("id").asText()));
            if (page == 0) afterFirstPage.then(List.copyOf(out));
            if (p.path("next_cursor").isNull() || p.path("next_cursor").isMissingNode()) return out;
            cursor = p.path("next_cursor").asText();
        }
        throw new AssertionError("the feed did not end within 50 pages: " + out);
    }

    String tails() {
        StringBuilder s = new StringBuilder();
        for (ServeJvm c : children) s.append(c.tail()).append('\n');
        return s.toString();
    }

    /** One thread hammering one replica with searches, feeds and post reads; counts answers by outcome. */
    final class Load {
        final ServeJvm target;
        final AtomicLong ok = new AtomicLong(), errors = new AtomicLong();
        final List<Long> okTimes = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stop = new AtomicBoolean();
        volatile String firstError;
        final Thread thread;

        Load(ServeJvm target) {
            this.target = target;
            this.thread =
                    Thread.ofPlatform().daemon().name("load-" + target.name).start(this::run);
            loads.add(this);
        }

        private void run() {
            String[] paths = {Q_VIEWER, FEED, "/v1/posts/a2", Q_ANON};
            for (int i = 0; !stop.get(); i++) {
                try {
                    HttpResponse<String> r = send(target, "GET", paths[i % paths.length], null);
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        okTimes.add(System.nanoTime());
                    } else fail(r.statusCode() + " " + r.body());
                } catch (Exception e) {
                    fail(e.toString());
                    try {
                        Thread.sleep(10); // a refused connection fails at once: no busy loop on a dead replica
                    } catch (InterruptedException stopped) {
                        return;
                    }
                }
            }
        }

        private void fail(String why) {
            if (errors.getAndIncrement() == 0) firstError = why;
        }

        long okSince(long nanos) {
            synchronized (okTimes) {
                return okTimes.stream().filter(t -> t > nanos).count();
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(15_000);
        }
    }
}
