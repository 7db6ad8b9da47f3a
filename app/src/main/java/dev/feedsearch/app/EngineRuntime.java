package dev.feedsearch.app;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.opensearch.WriterLease;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Wires one engine for a command: mappings → (analyzers →) index, the detector for the change path, and the
 * dead-letter file. {@code dataDir} holds the embedded index, and in every case the indexer's local state
 * (checkpoints, dead letters).
 */
final class EngineRuntime implements AutoCloseable {
    final Path dataDir;
    final Mappings mappings;
    final PostIndex index;
    final ChangeFactory changes;
    final JsonlDeadLetterStore deadLetters;
    private WriterLease lease; // held while this process writes to an OpenSearch cluster

    private EngineRuntime(
            Path dataDir, Mappings mappings, PostIndex index, ChangeFactory changes, JsonlDeadLetterStore dlq) {
        this.dataDir = dataDir;
        this.mappings = mappings;
        this.index = index;
        this.changes = changes;
        this.deadLetters = dlq;
    }

    /** The embedded engine in {@code dataDir/index}. */
    static EngineRuntime open(Path dataDir, Path deadLetterFile) throws IOException {
        EngineOptions embedded = new EngineOptions();
        embedded.engine = "embedded";
        embedded.dataDir = dataDir;
        return open(embedded, deadLetterFile);
    }

    static EngineRuntime open(EngineOptions opts, Path deadLetterFile) throws IOException {
        Mappings mappings = Mappings.load();
        Path dataDir = opts.dataDir;
        Files.createDirectories(dataDir);
        JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(
                deadLetterFile != null ? deadLetterFile : dataDir.resolve("dead-letter.jsonl"));
        PostIndex index;
        try {
            if (opts.embedded()) {
                GroupAnalyzers analyzers = GroupAnalyzers.build(mappings);
                analyzers.warmUp(); // load the kuromoji/nori dictionaries now, not on the first Japanese or Korean
                // request
                index = EmbeddedPostIndex.open(dataDir.resolve("index"), analyzers);
            } else {
                // a write OpenSearch refuses for good (not a 429/5xx, which are retried) is dead-lettered with its
                // reason
                index = OpenSearchPostIndex.open(
                        opts.openSearch(),
                        mappings,
                        (change, reason) -> dlq.add(new DeadLetterEntry(
                                Instant.now(),
                                "opensearch",
                                change.key() + "@" + change.version(),
                                null,
                                reason,
                                null,
                                contractJson(change))));
            }
        } catch (IOException | RuntimeException e) {
            dlq.close();
            throw e;
        }
        return new EngineRuntime(dataDir, mappings, index, new ChangeFactory(new ScriptFirstDetector(), mappings), dlq);
    }

    /** The ingest-contract JSON of a change, so {@code dlq replay} can resubmit it. */
    private static String contractJson(IndexChange change) {
        return switch (change) {
            case PostChange pc
            when pc.deleted() ->
                PostJson.MAPPER
                        .createObjectNode()
                        .put("id", pc.id())
                        .put("version", pc.version())
                        .put("deleted", true)
                        .toString();
            case PostChange pc -> PostJson.encode(pc.post()).toString();
            case FollowChange fc -> PostJson.encode(fc.edge()).toString();
        };
    }

    /**
     * Makes this process the cluster's one writer, before it writes: on OpenSearch it takes the writer lease (refused
     * with the holder named, or waiting, as {@code opts} say) and publishes every change it records to the change
     * journal that query replicas follow. A writer that loses the lease later stops at once. The embedded engine needs
     * neither: Lucene's write lock already allows one writing process, and nothing else reads its index.
     */
    void becomeWriter(WriterOptions opts, String what) throws IOException {
        if (!(index instanceof OpenSearchPostIndex os) || lease != null) return;
        String me =
                what + " on " + hostName() + " (pid " + ProcessHandle.current().pid() + ")";
        lease = WriterLease.acquire(os.client(), me, opts.ttl(), opts.waitForLease);
        lease.onLost(() -> {
            System.err.println("feedsearch: the writer lease was taken over by another writer; stopping at once");
            Runtime.getRuntime().halt(3); // no further write may reach the index from here
        });
        os.publishChanges();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Values the {@code lang} filter accepts. */
    Set<String> filterLanguages() {
        Set<String> langs = new HashSet<>(mappings.supportedLanguages());
        langs.add("und");
        return langs;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lease != null) lease.close(); // handed back: a waiting writer takes it at once
            index.close();
        } finally {
            deadLetters.close();
        }
    }
}
