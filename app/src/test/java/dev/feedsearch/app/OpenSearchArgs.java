package dev.feedsearch.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLI arguments of a command on the test node: the OpenSearch engine there, no replicas (one node), a data dir. */
final class OpenSearchArgs {
    private OpenSearchArgs() {}

    /** {@code command --engine opensearch --opensearch-url URL --replicas 0 --data-dir DIR more…}, mutable. */
    static List<String> of(String command, String url, Path dataDir, String... more) {
        List<String> args = new ArrayList<>();
        if (command != null) args.add(command);
        args.addAll(List.of(
                "--engine",
                "opensearch",
                "--opensearch-url",
                url,
                "--replicas",
                "0",
                "--data-dir",
                dataDir.toString()));
        args.addAll(List.of(more));
        return args;
    }
}
