package dev.feedsearch.bench.gate;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded engine over the gate's index, opened once for every probe that reads it: Lucene's write lock lets
 * one engine per index, and the probes' rounds interleave in one JVM. Closed by the gate when all probes are done.
 */
public final class SharedEngine implements AutoCloseable {
    private final Path dir;
    private EmbeddedPostIndex engine;

    public SharedEngine(Path dir) {
        this.dir = dir;
    }

    public synchronized EmbeddedPostIndex get() throws IOException {
        if (engine == null) engine = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(Mappings.load()));
        return engine;
    }

    @Override
    public synchronized void close() throws IOException {
        if (engine != null) engine.close();
        engine = null;
    }
}
