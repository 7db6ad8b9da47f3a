package dev.feedsearch.app;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.dynamodb.DynamoDbBackfill;
import dev.feedsearch.indexer.postgres.PostgresSchema;
import dev.feedsearch.mappings.Mappings;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Compares every post of the source of truth with the index: 0 missing, 0 stale, 0 resurrected, or says which. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description =
                "Compare the source of truth (DynamoDB or PostgreSQL) with the index, post by post. Exit 0 when clean, 4 otherwise.")
final class ReconcileCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Mixin
    SourceOptions source;

    @Override
    public Integer call() throws Exception {
        // embedded: read-only, so it works next to a running serve (it sees the last commit)
        try (PostIndex index = engine.embedded()
                ? EmbeddedPostIndex.openReadOnly(engine.dataDir.resolve("index"), GroupAnalyzers.build(Mappings.load()))
                : OpenSearchPostIndex.open(
                        engine.openSearch(), Mappings.load(), OpenSearchPostIndex.RejectedWrites.FAIL)) {
            Reconciler.Report r = switch (source.source) {
                case "dynamodb" ->
                    Reconciler.compare(DynamoDbBackfill.postRows(source.dynamoDb(), source.postsTable), index);
                case "postgres" -> {
                    try (Connection c = PostgresSchema.connect(source.postgres())) {
                        yield Reconciler.compare(PostgresSchema.postRows(c, source.postgres()), index);
                    }
                }
                default -> throw new IllegalArgumentException("--source must be dynamodb or postgres");
            };
            System.out.println(r);
            return r.clean() ? 0 : 4;
        }
    }
}
