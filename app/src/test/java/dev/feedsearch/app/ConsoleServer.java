package dev.feedsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * The real {@code serve} for the console's browser tests: a DynamoDB Local server on a loopback port holding the
 * committed sample (written as an app would), and {@code serve --source dynamodb} over it with the admin API on,
 * its embedded index built from the table and its stream. Bad records written later reach the dead-letter file
 * the way they would in production.
 */
final class ConsoleServer implements AutoCloseable {
    static final String ADMIN_TOKEN = "console-test-admin-token-0123456789";
    private static final Path SAMPLE =
            Path.of(System.getProperty("feedsearch.root", "..")).resolve("sample/posts.jsonl");

    final DynamoDbClient ddb;
    final ServeCommand.Serving serving;
    final Map<String, JsonNode> posts; // the sample's posts by id, as last written
    private final DynamoDBProxyServer dynamo;

    private ConsoleServer(
            DynamoDBProxyServer dynamo, DynamoDbClient ddb, ServeCommand.Serving serving, Map<String, JsonNode> posts) {
        this.dynamo = dynamo;
        this.ddb = ddb;
        this.serving = serving;
        this.posts = posts;
    }

    private static ConsoleServer shared;

    /** One server for every browser test class of this JVM (building it is most of their time); stopped at exit. */
    static synchronized ConsoleServer shared() throws Exception {
        if (shared == null) {
            shared = start(Files.createTempDirectory("feedsearch-console-"));
            ConsoleServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
        }
        return shared;
    }

    static ConsoleServer start(Path dir) throws Exception {
        int port = freePort();
        DynamoDBProxyServer dynamo = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
        dynamo.start();
        String endpoint = "http://127.0.0.1:" + port;
        // serve reads AWS credentials and region from the SDK's default chain; DynamoDB Local (-sharedDb) ignores them
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        System.setProperty("aws.region", "us-east-1");
        DynamoDbClient ddb = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        try {
            DynamoDbTables.createPosts(ddb, "posts");
            DynamoDbTables.createFollows(ddb, "follows");
            Map<String, JsonNode> posts = writeSample(ddb);
            ServeCommand serve = new ServeCommand();
            new CommandLine(serve)
                    .parseArgs(
                            "--port",
                            "0",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--source",
                            "dynamodb",
                            "--dynamodb-endpoint",
                            endpoint);
            Map<String, String> env = Map.of("FEEDSEARCH_ADMIN_TOKEN", ADMIN_TOKEN);
            ServeCommand.Serving serving = serve.open(env::get);
            ConsoleServer s = new ConsoleServer(dynamo, ddb, serving, posts);
            s.awaitIndexed(posts.values().stream()
                    .filter(p -> !p.path("deleted").asBoolean(false))
                    .count());
            return s;
        } catch (Exception | Error e) {
            ddb.close();
            dynamo.stop();
            throw e;
        }
    }

    String base() {
        return "http://127.0.0.1:" + serving.server.port();
    }

    /** As an app would: the sample's records in batches of 25, each post and edge as last written. */
    private static Map<String, JsonNode> writeSample(DynamoDbClient ddb) throws IOException {
        Map<String, JsonNode> posts = new LinkedHashMap<>();
        Map<String, JsonNode> follows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SAMPLE)) {
            if (line.isBlank()) continue;
            JsonNode rec = PostJson.MAPPER.readTree(line);
            if (rec.has("follower_id"))
                follows.put(
                        rec.get("follower_id").asText() + "→"
                                + rec.get("followee_id").asText(),
                        rec);
            else posts.put(rec.get("id").asText(), rec);
        }
        write(ddb, "posts", posts.values());
        write(ddb, "follows", follows.values());
        return posts;
    }

    private static void write(DynamoDbClient ddb, String table, Iterable<JsonNode> records) {
        List<WriteRequest> batch = new ArrayList<>();
        for (JsonNode rec : records) {
            batch.add(
                    rec.path("deleted").asBoolean(false)
                            ? WriteRequest.builder()
                                    .deleteRequest(DeleteRequest.builder()
                                            .key(ItemMapper.keyOf(rec))
                                            .build())
                                    .build()
                            : WriteRequest.builder()
                                    .putRequest(PutRequest.builder()
                                            .item(ItemMapper.toItem(rec))
                                            .build())
                                    .build());
            if (batch.size() == 25) flush(ddb, table, batch);
        }
        if (!batch.isEmpty()) flush(ddb, table, batch);
    }

    private static void flush(DynamoDbClient ddb, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> left = Map.of(table, List.copyOf(batch));
        while (!left.isEmpty()) {
            Map<String, List<WriteRequest>> send = left;
            left = ddb.batchWriteItem(b -> b.requestItems(send)).unprocessedItems();
        }
        batch.clear();
    }

    /** Until the index holds every live post of the sample; a bound on the wait only turns a hang into a failure. */
    private void awaitIndexed(long livePosts) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = serving.runtime.index.stats().posts();
            if (seen == livePosts) return;
            Thread.sleep(200);
        }
        throw new AssertionError(
                "serve indexed " + seen + " of the sample's " + livePosts + " live posts from DynamoDB Local");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            serving.close();
        } finally {
            ddb.close();
            dynamo.stop();
        }
    }
}
