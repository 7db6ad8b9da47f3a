package dev.feedsearch.app;

import dev.feedsearch.core.opensearch.OpenSearchConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Which engine a command runs on, and how to reach it: shared by serve, ingest, dlq and reconcile. */
final class EngineOptions {
    @Option(
            names = "--engine",
            defaultValue = "embedded",
            description = "embedded | opensearch (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(
            names = "--data-dir",
            defaultValue = "data",
            description =
                    "Embedded index, checkpoints and dead-letter file; with opensearch only checkpoints and dead letters (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--opensearch-url", split = ",", description = "OpenSearch node URL(s), e.g. http://127.0.0.1:9200")
    List<String> opensearchUrls;

    @Option(
            names = "--username",
            description = "OpenSearch basic-auth user (password from --password or $FEEDSEARCH_OPENSEARCH_PASSWORD)")
    String username;

    @Option(names = "--password", description = "OpenSearch basic-auth password", interactive = false)
    String password;

    @Option(
            names = "--opensearch-aws-region",
            description =
                    "Sign requests with AWS SigV4 for Amazon OpenSearch Service in this region (credentials: default AWS chain)")
    String awsRegion;

    @Option(
            names = "--refresh",
            defaultValue = "wait_for",
            description =
                    "OpenSearch: wait_for (default; a batch is searchable when applied) | true (force a refresh per batch) | false (bulk loads only)")
    String refresh;

    @Option(
            names = "--shards",
            defaultValue = "1",
            description = "Primaries per index the opensearch engine creates (default: ${DEFAULT-VALUE}; see `plan`)")
    int shards;

    @Option(
            names = "--replicas",
            defaultValue = "1",
            description = "Replicas per index the opensearch engine creates (default: ${DEFAULT-VALUE})")
    int replicas;

    boolean embedded() {
        return switch (engine) {
            case "embedded" -> true;
            case "opensearch" -> false;
            default ->
                throw new IllegalArgumentException("--engine must be embedded or opensearch, got '" + engine + "'");
        };
    }

    OpenSearchConfig openSearch() {
        if (opensearchUrls == null || opensearchUrls.isEmpty()) {
            throw new IllegalArgumentException(
                    "--engine opensearch needs --opensearch-url (e.g. http://127.0.0.1:9200)");
        }
        OpenSearchConfig.Builder b = OpenSearchConfig.builder(opensearchUrls.toArray(String[]::new))
                .shards(shards)
                .replicas(replicas)
                .refresh(
                        switch (refresh) {
                            case "true" -> OpenSearchConfig.Refresh.TRUE;
                            case "wait_for" -> OpenSearchConfig.Refresh.WAIT_FOR;
                            case "false" -> OpenSearchConfig.Refresh.FALSE;
                            default ->
                                throw new IllegalArgumentException(
                                        "--refresh must be true, wait_for or false, got '" + refresh + "'");
                        });
        String pass = password != null ? password : System.getenv("FEEDSEARCH_OPENSEARCH_PASSWORD");
        if (username != null) {
            if (pass == null)
                throw new IllegalArgumentException("--username needs --password or $FEEDSEARCH_OPENSEARCH_PASSWORD");
            b.basicAuth(username, pass);
        }
        if (awsRegion != null) {
            if (username != null)
                throw new IllegalArgumentException(
                        "use either --username/--password or --opensearch-aws-region, not both");
            b.awsSigV4(awsRegion);
        }
        return b.build();
    }

    String describe() {
        return embedded() ? dataDir.toString() : "opensearch " + String.join(",", opensearchUrls);
    }
}
