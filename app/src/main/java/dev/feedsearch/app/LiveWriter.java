package dev.feedsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code demo --live}: an app's traffic against DynamoDB at a steady rate: new posts (texts reused from the
 * sample, new ids, now), edits, likes and deletes of earlier posts, each with a bumped version.
 */
final class LiveWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveWriter.class);
    private final Thread thread;
    private volatile boolean running = true;

    private LiveWriter(DynamoDbClient ddb, List<JsonNode> sample, double perSecond) {
        List<ObjectNode> posts = new ArrayList<>();
        for (JsonNode n : sample) if (n.has("text") && !n.path("deleted").asBoolean(false)) posts.add(n.deepCopy());
        Map<String, ObjectNode> current = new HashMap<>();
        for (ObjectNode p : posts) current.put(p.get("id").asText(), p);
        long sleepMillis = Math.max(1, (long) (1000 / perSecond));
        thread = Thread.ofPlatform().daemon().name("demo-live-writer").start(() -> {
            Random r = new Random(7);
            int created = 0;
            while (running) {
                try {
                    List<String> ids = new ArrayList<>(current.keySet());
                    ObjectNode target = current.get(ids.get(r.nextInt(ids.size())));
                    int dice = r.nextInt(100);
                    if (dice < 50) { // a new post
                        ObjectNode p = posts.get(r.nextInt(posts.size())).deepCopy();
                        p.put("id", "live" + (++created))
                                .put("created_at", Instant.now().toString())
                                .put("version", 1)
                                .put("likes", 0)
                                .put("reposts", 0)
                                .put("replies", 0);
                        current.put(p.get("id").asText(), p);
                        ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(p)));
                    } else if (dice < 80) { // likes
                        target.put("likes", target.path("likes").asLong() + 1 + r.nextInt(20))
                                .put("version", target.get("version").asLong() + 1);
                        ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(target)));
                    } else if (dice < 95) { // an edit
                        target.put("text", target.get("text").asText() + " (edited)")
                                .put("version", target.get("version").asLong() + 1);
                        ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(target)));
                    } else { // a delete
                        current.remove(target.get("id").asText());
                        ddb.deleteItem(b -> b.tableName("posts").key(ItemMapper.keyOf(target)));
                    }
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("live writer: {}", e.toString());
                }
            }
        });
    }

    static LiveWriter start(DynamoDbClient ddb, List<JsonNode> sample, double perSecond) {
        return new LiveWriter(ddb, sample, perSecond);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
