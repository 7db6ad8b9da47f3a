package dev.feedsearch.indexer.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.reindex.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The posts table read by a paginated Scan for reindex {@code --from source}; the position is the id of the last
 * item read (the table's key), handed back as ExclusiveStartKey. Strongly consistent reads: the index never holds
 * a version newer than what the scan returns, so a version the index holds is never missed by the new version.
 * An item that does not map to the contract becomes a record without an id, which the change path refuses.
 */
public final class DynamoDbSnapshot implements SourceSnapshot {
    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbSnapshot(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public Page read(String position, int max) {
        ScanRequest.Builder req =
                ScanRequest.builder().tableName(table).limit(max).consistentRead(true);
        if (position != null) req.exclusiveStartKey(Map.of("id", AttributeValue.fromS(position)));
        ScanResponse resp = ddb.scan(req.build());
        List<JsonNode> records = new ArrayList<>(resp.items().size());
        for (Map<String, AttributeValue> item : resp.items()) {
            try {
                records.add(ItemMapper.item(item));
            } catch (ItemMapper.UnmappableException e) {
                ObjectNode bad = PostJson.MAPPER.createObjectNode();
                bad.put("_unmappable", e.getMessage());
                records.add(bad);
            }
        }
        Map<String, AttributeValue> last = resp.lastEvaluatedKey();
        String next = resp.hasLastEvaluatedKey() && last != null && last.containsKey("id")
                ? last.get("id").s()
                : null;
        return new Page(records, next);
    }

    @Override
    public long count() {
        long n = 0;
        ScanRequest req =
                ScanRequest.builder().tableName(table).select(Select.COUNT).build();
        for (ScanResponse page : ddb.scanPaginator(req)) n += page.count();
        return n;
    }

    @Override
    public String describe() {
        return "dynamodb table " + table;
    }
}
