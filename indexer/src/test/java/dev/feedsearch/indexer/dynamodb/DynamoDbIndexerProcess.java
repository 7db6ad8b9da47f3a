package dev.feedsearch.indexer.dynamodb;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB indexer as its own process, for the crash test to SIGKILL: backfill posts and follows if
 * needed, then one StreamIndexer per table into one embedded index. Killed, it gets no close(), no drain,
 * no checkpoint, and its Lucene writer dies mid-flight, like a crashed or OOM-killed process.
 * Prints BACKFILLING, BACKFILLED, STREAMING, then applied counts. Args: endpoint postsTable followsTable indexDir
 * deadLetterFile checkpointDir.
 */
public final class DynamoDbIndexerProcess {
    public static void main(String[] args) throws Exception {
        Mappings m = Mappings.load();
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), m);
        DynamoDbClient ddb = TestDynamoDb.dynamoDb(args[0]);
        DynamoDbStreamsClient streams = TestDynamoDb.streams(args[0]);
        FileCheckpointStore checkpoints = new FileCheckpointStore(Path.of(args[5]));
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(Path.of(args[3]), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(Path.of(args[4]))) {
            DynamoDbStreamConfig cfg = DynamoDbStreamConfig.of(args[1]).withIdleBackoff(Duration.ofMillis(20));
            DynamoDbStreamSource posts = DynamoDbStreamSource.open(ddb, streams, cfg, checkpoints);
            DynamoDbStreamSource follows = DynamoDbStreamSource.open(
                    ddb, streams, DynamoDbStreamConfig.of(args[2]).withIdleBackoff(Duration.ofMillis(20)), checkpoints);
            DynamoDbBackfill backfill = new DynamoDbBackfill(ddb, factory, index, dlq, 200);
            System.out.println("BACKFILLING");
            backfill.runIfNeeded(posts);
            backfill.runIfNeeded(follows);
            System.out.println("BACKFILLED");
            StreamIndexer a = indexer(posts, factory, index, dlq), b = indexer(follows, factory, index, dlq);
            System.out.println("STREAMING");
            while (a.failure() == null && b.failure() == null) {
                Thread.sleep(50);
                System.out.println("applied " + a.applied() + " + " + b.applied());
            }
            (a.failure() != null ? a.failure() : b.failure()).printStackTrace();
            System.exit(2);
        }
    }

    private static StreamIndexer indexer(
            DynamoDbStreamSource s, ChangeFactory f, EmbeddedPostIndex index, JsonlDeadLetterStore dlq) {
        return StreamIndexer.builder()
                .source(s)
                .changes(f)
                .index(index)
                .deadLetters(dlq)
                .batchSize(200)
                .maxWait(Duration.ofMillis(50))
                .build()
                .start();
    }
}
