package dev.feedsearch.indexer.dynamodb;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * A real DynamoDB Local 3.3.1 (in memory, telemetry off) inside the test JVM: either embedded (SDK v2
 * clients without HTTP, plus {@link #rollover()}) or as an HTTP server on a loopback port (so a child JVM
 * can use the same tables). Failing to start is a test failure with the reason, never a skip.
 */
final class TestDynamoDb implements AutoCloseable {
    private final AmazonDynamoDBLocal embedded;
    private final DynamoDBProxyServer server;
    private final DynamoDbClient ddb;
    private final DynamoDbStreamsClient streams;
    private final String endpoint;

    private TestDynamoDb(
            AmazonDynamoDBLocal embedded,
            DynamoDBProxyServer server,
            DynamoDbClient ddb,
            DynamoDbStreamsClient streams,
            String endpoint) {
        this.embedded = embedded;
        this.server = server;
        this.ddb = ddb;
        this.streams = streams;
        this.endpoint = endpoint;
    }

    static TestDynamoDb embedded() {
        try {
            AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true); // true: telemetry off
            return new TestDynamoDb(local, null, local.dynamoDbClient(), local.dynamoDbStreamsClient(), null);
        } catch (Throwable t) {
            throw new AssertionError("DynamoDB Local (embedded) could not start: " + t, t);
        }
    }

    static TestDynamoDb server() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
            String endpoint = "http://127.0.0.1:" + port;
            return new TestDynamoDb(null, server, dynamoDb(endpoint), streams(endpoint), endpoint);
        } catch (Throwable t) {
            throw new AssertionError("DynamoDB Local (server mode) could not start: " + t, t);
        }
    }

    /** Clients for a DynamoDB Local server (fixed dummy credentials and region; -sharedDb ignores them). */
    static DynamoDbClient dynamoDb(String endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static DynamoDbStreamsClient streams(String endpoint) {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    DynamoDbClient ddb() {
        return ddb;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    /** The HTTP endpoint (server mode only). */
    String endpoint() {
        return endpoint;
    }

    /** Closes every open shard of every stream now; their children take the next writes (embedded only). */
    void rollover() {
        embedded.triggerShardRollovers();
    }

    /** Moves DynamoDB Local's clock forward: iterators expire after 15 min, records are trimmed after 24 h (embedded only). */
    void advanceClock(Duration d) {
        embedded.dilateEventTimes(d.toMillis());
    }

    @Override
    public void close() {
        if (embedded != null) embedded.shutdownNow();
        if (server != null) {
            ddb.close();
            streams.close();
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local server did not stop", e);
            }
        }
    }
}
