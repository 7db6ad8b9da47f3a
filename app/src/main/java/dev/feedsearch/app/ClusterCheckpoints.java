package dev.feedsearch.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.feedsearch.indexer.stream.CheckpointStore;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.GetResponse;

/**
 * Source positions in the cluster ({@value IndexNames#CHECKPOINTS}, one document per source), on the OpenSearch engine: the indexer
 * that takes over the writer lease, on whatever machine, resumes where the last one checkpointed instead of
 * backfilling again. Only the lease holder writes here.
 *
 * <p>Positions saved in a data directory by an older version ({@code <data-dir>/checkpoints}) are read once, when the
 * cluster has none for a source yet, so an upgrade resumes too; from then on the cluster's copy is the one.
 */
final class ClusterCheckpoints implements CheckpointStore {
    record Doc(
            @JsonProperty("positions") Map<String, String> positions,
            @JsonProperty("saved_ms") long savedMs) {}

    private final OpenSearchClient client;
    private final CheckpointStore legacy;

    ClusterCheckpoints(OpenSearchClient client, CheckpointStore legacy) {
        this.client = client;
        this.legacy = legacy;
    }

    @Override
    public Map<String, String> load(String source) throws IOException {
        try {
            GetResponse<Doc> r =
                    client.get(g -> g.index(IndexNames.CHECKPOINTS).id(source).realtime(true), Doc.class);
            if (r.found() && r.source() != null && r.source().positions() != null)
                return new TreeMap<>(r.source().positions());
        } catch (OpenSearchException e) {
            if (e.status() != 404) throw e; // an index deleted by hand: nothing saved in the cluster
        }
        return legacy.load(source);
    }

    @Override
    public void save(String source, Map<String, String> positions) throws IOException {
        // one document replaced whole is atomic; wait_for is not needed (reads are real-time gets), but the write
        // must be durable before a later position is trusted, which the index's default request durability gives
        client.index(i -> i.index(IndexNames.CHECKPOINTS)
                .id(source)
                .refresh(Refresh.False)
                .document(new Doc(new TreeMap<>(positions), System.currentTimeMillis())));
    }
}
