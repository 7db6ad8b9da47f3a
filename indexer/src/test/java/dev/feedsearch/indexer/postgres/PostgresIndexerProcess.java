package dev.feedsearch.indexer.postgres;

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

/**
 * The indexer as its own process (backfill if needed, then stream), for the crash test to kill with
 * SIGKILL: no close(), no drain, no acknowledgement, the index writer dies mid-flight, exactly like a
 * crashed or OOM-killed process. Prints BACKFILLING, BACKFILLED, STREAMING and then the applied count.
 * Args: jdbcUrl slot indexDir deadLetterFile checkpointDir.
 */
public final class PostgresIndexerProcess {
    public static void main(String[] args) throws Exception {
        PostgresConfig cfg = PostgresConfig.of(args[0], "postgres", null).withSlot(args[1]);
        Mappings m = Mappings.load();
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), m);
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(Path.of(args[2]), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(Path.of(args[3]))) {
            System.out.println("BACKFILLING");
            new PostgresBackfill(cfg, factory, index, dlq, 500).runIfNeeded(new FileCheckpointStore(Path.of(args[4])));
            System.out.println("BACKFILLED");
            StreamIndexer si = StreamIndexer.builder()
                    .source(PostgresLogicalSource.open(cfg))
                    .changes(factory)
                    .index(index)
                    .deadLetters(dlq)
                    .batchSize(200)
                    .maxWait(Duration.ofMillis(50))
                    .build()
                    .start();
            System.out.println("STREAMING");
            while (si.failure() == null) {
                Thread.sleep(50);
                System.out.println("applied " + si.applied());
            }
            si.failure().printStackTrace();
            System.exit(2);
        }
    }
}
