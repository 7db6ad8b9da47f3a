package dev.feedsearch.app;

import dev.feedsearch.indexer.dynamodb.DynamoDbBackfill;
import dev.feedsearch.indexer.dynamodb.DynamoDbSnapshot;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig;
import dev.feedsearch.indexer.postgres.PostgresConfig;
import dev.feedsearch.indexer.postgres.PostgresSnapshot;
import dev.feedsearch.indexer.reindex.SourceSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import picocli.CommandLine.Option;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Where changes come from: none (JSONL ingest only), DynamoDB Streams (credentials and region from the
 * usual AWS SDK chain, or an endpoint such as DynamoDB Local), or PostgreSQL logical replication.
 */
final class SourceOptions {
    @Option(
            names = "--source",
            defaultValue = "none",
            description = "none | dynamodb | postgres (default: ${DEFAULT-VALUE})")
    String source;

    @Option(
            names = "--dynamodb-endpoint",
            description = "DynamoDB endpoint override, e.g. http://127.0.0.1:8000 for DynamoDB Local")
    String dynamoEndpoint;

    @Option(names = "--aws-region", description = "AWS region (default: the SDK's region chain)")
    String region;

    @Option(
            names = "--posts-table",
            defaultValue = "posts",
            description = "DynamoDB posts table (default: ${DEFAULT-VALUE})")
    String postsTable;

    @Option(
            names = "--follows-table",
            defaultValue = "follows",
            description = "DynamoDB follows table (default: ${DEFAULT-VALUE})")
    String followsTable;

    @Option(
            names = "--start",
            defaultValue = "trim-horizon",
            description = "trim-horizon | latest: where a shard without checkpoint starts")
    String start;

    @Option(
            names = "--backfill-segments",
            defaultValue = "4",
            description =
                    "Parallel Scan segments of a first DynamoDB backfill, 1..64 (default: ${DEFAULT-VALUE}); more for very "
                            + "large tables with the read capacity for them (each segment is a thread holding up to a 1,000-item page)")
    int backfillSegments;

    @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/app")
    String jdbcUrl;

    @Option(
            names = "--jdbc-user",
            description = "PostgreSQL user with the REPLICATION attribute (rds_replication on Aurora)")
    String jdbcUser;

    @Option(
            names = "--jdbc-password-env",
            defaultValue = "PGPASSWORD",
            description = "Environment variable holding the password (default: ${DEFAULT-VALUE})")
    String jdbcPasswordEnv;

    @Option(names = "--slot", defaultValue = "feedsearch", description = "Replication slot (default: ${DEFAULT-VALUE})")
    String slot;

    @Option(
            names = "--publication",
            defaultValue = "feedsearch",
            description = "Publication (default: ${DEFAULT-VALUE})")
    String publication;

    ChangeStreams open(EngineRuntime rt, MeterRegistry metrics) throws Exception {
        return switch (source) {
            case "none" -> ChangeStreams.none();
            case "dynamodb" -> {
                if (backfillSegments < 1 || backfillSegments > DynamoDbBackfill.MAX_SEGMENTS) {
                    throw new IllegalArgumentException(
                            "--backfill-segments must be 1.." + DynamoDbBackfill.MAX_SEGMENTS);
                }
                yield ChangeStreams.dynamodb(
                        rt,
                        dynamoDb(),
                        dynamoDbStreams(),
                        postsTable,
                        followsTable,
                        startAt(),
                        backfillSegments,
                        metrics);
            }
            case "postgres" -> ChangeStreams.postgres(rt, postgres(), metrics);
            default ->
                throw new IllegalArgumentException("--source must be none, dynamodb or postgres, got '" + source + "'");
        };
    }

    /** The posts table that reindex jobs {@code from=source} read, or null without a source. */
    SourceSnapshot snapshot() {
        return switch (source) {
            case "dynamodb" -> new DynamoDbSnapshot(dynamoDb(), postsTable);
            case "postgres" -> new PostgresSnapshot(postgres());
            default -> null;
        };
    }

    DynamoDbStreamConfig.Start startAt() {
        return switch (start) {
            case "trim-horizon" -> DynamoDbStreamConfig.Start.TRIM_HORIZON;
            case "latest" -> DynamoDbStreamConfig.Start.LATEST;
            default ->
                throw new IllegalArgumentException("--start must be trim-horizon or latest, got '" + start + "'");
        };
    }

    DynamoDbClient dynamoDb() {
        return aws(DynamoDbClient.builder());
    }

    DynamoDbStreamsClient dynamoDbStreams() {
        return aws(DynamoDbStreamsClient.builder());
    }

    /** Endpoint and region overrides, the rest from the SDK's default chains. */
    private <B extends AwsClientBuilder<B, C>, C> C aws(B b) {
        if (dynamoEndpoint != null) b.endpointOverride(URI.create(dynamoEndpoint));
        if (region != null) b.region(Region.of(region));
        return b.build();
    }

    PostgresConfig postgres() {
        if (jdbcUrl == null || jdbcUser == null)
            throw new IllegalArgumentException("--source postgres needs --jdbc-url and --jdbc-user");
        return PostgresConfig.of(jdbcUrl, jdbcUser, System.getenv(jdbcPasswordEnv))
                .withSlot(slot)
                .withPublication(publication);
    }
}
