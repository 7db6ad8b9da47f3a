package dev.feedsearch.app;

import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.dynamodb.DynamoDbBackfill;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamConfig;
import dev.feedsearch.indexer.dynamodb.DynamoDbStreamSource;
import dev.feedsearch.indexer.postgres.PostgresBackfill;
import dev.feedsearch.indexer.postgres.PostgresConfig;
import dev.feedsearch.indexer.postgres.PostgresLogicalSource;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.indexer.stream.FileCheckpointStore;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.indexer.stream.SupervisedStream;
import dev.feedsearch.query.IngestStatus;
import dev.feedsearch.query.admin.IndexerView;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The running change-stream indexers of one process: backfill if the index has never seen the source,
 * then stream; a stream that stops on an error is opened again from its checkpoints ({@link SupervisedStream}).
 * Checkpoints go to {@code <data-dir>/checkpoints} on the embedded engine, and into the cluster on OpenSearch
 * ({@link ClusterCheckpoints}), where an indexer taking over on another machine finds them. Closing drains and
 * checkpoints.
 */
final class ChangeStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeStreams.class);
    private final List<SupervisedStream> indexers;
    private final CheckpointStore checkpoints; // null without streams

    private ChangeStreams(List<SupervisedStream> indexers, CheckpointStore checkpoints) {
        this.indexers = indexers;
        this.checkpoints = checkpoints;
    }

    private static CheckpointStore checkpoints(EngineRuntime rt) throws IOException {
        CheckpointStore local = new FileCheckpointStore(rt.dataDir.resolve("checkpoints"));
        return rt.index instanceof OpenSearchPostIndex os ? new ClusterCheckpoints(os.client(), local) : local;
    }

    static ChangeStreams none() {
        return new ChangeStreams(List.of(), null);
    }

    /** One stream per table (posts, follows), each backfilled the first time by a Scan in {@code backfillSegments} parallel segments. */
    static ChangeStreams dynamodb(
            EngineRuntime rt,
            DynamoDbClient ddb,
            DynamoDbStreamsClient streams,
            String postsTable,
            String followsTable,
            DynamoDbStreamConfig.Start start,
            int backfillSegments,
            MeterRegistry metrics)
            throws Exception {
        CheckpointStore checkpoints = checkpoints(rt);
        List<SupervisedStream> list = new ArrayList<>();
        ChangeStreams opened = new ChangeStreams(list, checkpoints);
        try {
            for (String table : List.of(postsTable, followsTable)) {
                list.add(SupervisedStream.builder()
                        .name("dynamodb:" + table)
                        .metrics(metrics)
                        .opener(() -> {
                            DynamoDbStreamSource source = DynamoDbStreamSource.open(
                                    ddb, streams, DynamoDbStreamConfig.of(table).withStart(start), checkpoints);
                            new DynamoDbBackfill(ddb, rt.changes, rt.index, rt.deadLetters, 1_000, backfillSegments)
                                    .runIfNeeded(source)
                                    .ifPresent(r -> log.info(
                                            "backfilled {}: {} posts, {} follows", table, r.posts(), r.follows()));
                            return StreamIndexer.builder()
                                    .source(source)
                                    .changes(rt.changes)
                                    .index(rt.index)
                                    .deadLetters(rt.deadLetters)
                                    .metrics(metrics)
                                    .build()
                                    .start();
                        })
                        .start());
            }
        } catch (Exception e) {
            try {
                opened.close(); // the posts stream may already run when the follows one fails to open
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return opened;
    }

    /** One logical replication slot for both tables, backfilled from a snapshot the first time (or when the slot was dropped). */
    static ChangeStreams postgres(EngineRuntime rt, PostgresConfig cfg, MeterRegistry metrics) throws Exception {
        CheckpointStore checkpoints = checkpoints(rt);
        return new ChangeStreams(
                List.of(SupervisedStream.builder()
                        .name("postgres:" + cfg.slot())
                        .metrics(metrics)
                        .opener(() -> {
                            new PostgresBackfill(cfg, rt.changes, rt.index, rt.deadLetters, 1_000)
                                    .runIfNeeded(checkpoints)
                                    .ifPresent(r -> log.info(
                                            "backfilled PostgreSQL: {} posts, {} follows", r.posts(), r.follows()));
                            PostgresLogicalSource source = PostgresLogicalSource.open(cfg);
                            return StreamIndexer.builder()
                                    .source(source)
                                    .changes(rt.changes)
                                    .index(rt.index)
                                    .deadLetters(rt.deadLetters)
                                    .metrics(metrics)
                                    .build()
                                    .start();
                        })
                        .start()),
                checkpoints);
    }

    /** Events applied by all streams since start. */
    long applied() {
        return indexers.stream().mapToLong(SupervisedStream::applied).sum();
    }

    /** The largest lag of the streams, if any has applied an event. */
    OptionalDouble lagSeconds() {
        return indexers.stream()
                .map(SupervisedStream::lagSeconds)
                .filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble)
                .max();
    }

    /** Why a stream is down (being opened again), or null when all run. */
    Throwable failure() {
        return indexers.stream()
                .map(SupervisedStream::problem)
                .filter(f -> f != null)
                .findFirst()
                .orElse(null);
    }

    /** For /ready. */
    IngestStatus status() {
        return new IngestStatus() {
            @Override
            public String problem() {
                Throwable f = failure();
                return f == null ? null : f.toString();
            }

            @Override
            public OptionalDouble lagSeconds() {
                return ChangeStreams.this.lagSeconds();
            }
        };
    }

    /** Each stream as the operations page shows it, with the positions last checkpointed. */
    List<IndexerView.Stream> views() throws IOException {
        List<IndexerView.Stream> views = new ArrayList<>();
        for (SupervisedStream s : indexers) {
            OptionalDouble lag = s.lagSeconds();
            Throwable problem = s.problem();
            views.add(new IndexerView.Stream(
                    s.name(),
                    s.applied(),
                    lag.isPresent() ? lag.getAsDouble() : null,
                    problem == null ? null : problem.toString(),
                    s.restarts(),
                    checkpoints.load(s.name())));
        }
        return views;
    }

    boolean active() {
        return !indexers.isEmpty();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (SupervisedStream i : indexers) {
            try {
                i.close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
