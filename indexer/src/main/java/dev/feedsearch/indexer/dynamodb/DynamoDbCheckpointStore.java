package dev.feedsearch.indexer.dynamodb;

import dev.feedsearch.indexer.stream.CheckpointStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Checkpoints in a DynamoDB table (for running against AWS, where the indexer's disk may not survive):
 * one item per source, key {@code source} (S), the positions in {@code positions} (M of S), and
 * {@code updated_at}. A save is one PutItem, which replaces the item whole (atomic); reads are strongly
 * consistent. No conditional writes: one indexer owns a source. Create the table with
 * {@link DynamoDbTables#createCheckpoints}.
 */
public final class DynamoDbCheckpointStore implements CheckpointStore {
    public static final String DEFAULT_TABLE = "feedsearch_checkpoints";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbCheckpointStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    public DynamoDbCheckpointStore(DynamoDbClient ddb) {
        this(ddb, DEFAULT_TABLE);
    }

    @Override
    public Map<String, String> load(String source) throws IOException {
        try {
            GetItemResponse r = ddb.getItem(
                    b -> b.tableName(table).consistentRead(true).key(Map.of("source", AttributeValue.fromS(source))));
            Map<String, String> positions = new TreeMap<>();
            if (r.hasItem() && r.item().containsKey("positions"))
                r.item().get("positions").m().forEach((k, v) -> positions.put(k, v.s()));
            return positions;
        } catch (DynamoDbException e) {
            throw new IOException(
                    "could not read checkpoint of " + source + " from table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String source, Map<String, String> positions) throws IOException {
        Map<String, AttributeValue> m = new TreeMap<>();
        positions.forEach((k, v) -> m.put(k, AttributeValue.fromS(v)));
        try {
            ddb.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "source",
                            AttributeValue.fromS(source),
                            "positions",
                            AttributeValue.fromM(m),
                            "updated_at",
                            AttributeValue.fromS(Instant.now().toString()))));
        } catch (DynamoDbException e) {
            throw new IOException(
                    "could not save checkpoint of " + source + " to table " + table + ": " + e.getMessage(), e);
        }
    }
}
