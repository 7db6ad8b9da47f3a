package dev.feedsearch.indexer.dynamodb;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The tables the indexer reads and writes, as the app should create them (on-demand billing; the
 * source tables with a NEW_AND_OLD_IMAGES stream). Each call is a no-op when the table exists, and
 * returns once it is ACTIVE.
 */
public final class DynamoDbTables {
    private DynamoDbTables() {}

    /** Posts: key {@code id} (S), stream NEW_AND_OLD_IMAGES. */
    public static void createPosts(DynamoDbClient ddb, String table) {
        create(ddb, table, true, "id");
    }

    /** Follow edges: key {@code follower_id} (S, hash) + {@code followee_id} (S, range), stream NEW_AND_OLD_IMAGES. */
    public static void createFollows(DynamoDbClient ddb, String table) {
        create(ddb, table, true, "follower_id", "followee_id");
    }

    /** Checkpoints for {@link DynamoDbCheckpointStore}: key {@code source} (S), no stream. */
    public static void createCheckpoints(DynamoDbClient ddb, String table) {
        create(ddb, table, false, "source");
    }

    private static void create(DynamoDbClient ddb, String table, boolean stream, String... keys) {
        List<KeySchemaElement> schema = new ArrayList<>();
        List<AttributeDefinition> defs = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            schema.add(KeySchemaElement.builder()
                    .attributeName(keys[i])
                    .keyType(i == 0 ? KeyType.HASH : KeyType.RANGE)
                    .build());
            defs.add(AttributeDefinition.builder()
                    .attributeName(keys[i])
                    .attributeType(ScalarAttributeType.S)
                    .build());
        }
        CreateTableRequest.Builder b = CreateTableRequest.builder()
                .tableName(table)
                .keySchema(schema)
                .attributeDefinitions(defs)
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (stream) b.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
        try {
            ddb.createTable(b.build());
        } catch (ResourceInUseException exists) {
            // already there
        }
        ddb.waiter().waitUntilTableExists(r -> r.tableName(table));
    }
}
