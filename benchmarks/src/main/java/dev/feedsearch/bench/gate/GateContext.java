package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every probe is given.
 *
 * @param root          the repository root (sample/, mappings)
 * @param work          a scratch directory the probe may fill (under benchmarks/target)
 * @param quick         the CI mode: smaller data, shorter rounds
 * @param corpus        a generated corpus (JSONL, the ingest format) of {@code posts} posts
 * @param index         an embedded index built from {@code corpus} by the real ingest; probes only read it
 * @param engine        the embedded engine over {@code index}, shared by the probes (one process may open it once)
 * @param openSearchUrl a running OpenSearch node, if any; a probe that needs one fails without it
 * @param perTarget     how long each side of a ratio is measured in one round
 */
public record GateContext(
        Path root,
        Path work,
        boolean quick,
        Path corpus,
        int posts,
        Path index,
        SharedEngine engine,
        Optional<String> openSearchUrl,
        Duration perTarget) {

    /** The node's URL, or a failure that says how to get one. */
    public String requireOpenSearch() {
        return openSearchUrl.orElseThrow(() -> new IllegalStateException(
                "no OpenSearch node: set FEEDSEARCH_OPENSEARCH_URL, or run bin/perf, which starts one"));
    }

    /** The first {@code max} live posts of the corpus as JSON trees, the form a change source hands records over in. */
    public List<JsonNode> postRecords(int max) throws IOException {
        List<JsonNode> out = new ArrayList<>(max);
        try (BufferedReader in = Files.newBufferedReader(corpus)) {
            for (String line; out.size() < max && (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = PostJson.MAPPER.readTree(line);
                if (PostJson.kindOf(n) == PostJson.Kind.POST
                        && !n.path("deleted").asBoolean(false)) out.add(n);
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("no posts in " + corpus);
        return out;
    }
}
