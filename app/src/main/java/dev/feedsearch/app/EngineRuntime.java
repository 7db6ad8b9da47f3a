package dev.feedsearch.app;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.mappings.Mappings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Wires the embedded engine: mappings → analyzers → index, and the detector for the change path. */
final class EmbeddedRuntime implements AutoCloseable {
    final Path dataDir;
    final Mappings mappings;
    final EmbeddedPostIndex index;
    final ChangeFactory changes;
    final JsonlDeadLetterStore deadLetters;

    private EmbeddedRuntime(Path dataDir, Mappings mappings, EmbeddedPostIndex index, ChangeFactory changes, JsonlDeadLetterStore dlq) {
        this.dataDir = dataDir;
        this.mappings = mappings;
        this.index = index;
        this.changes = changes;
        this.deadLetters = dlq;
    }

    static EmbeddedRuntime open(Path dataDir, Path deadLetterFile) throws IOException {
        Mappings mappings = Mappings.load();
        GroupAnalyzers analyzers = GroupAnalyzers.build(mappings);
        analyzers.warmUp(); // load the kuromoji/nori dictionaries now, not on the first Japanese or Korean request
        EmbeddedPostIndex index = EmbeddedPostIndex.open(dataDir.resolve("index"), analyzers);
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), mappings);
        Path dlq = deadLetterFile != null ? deadLetterFile : dataDir.resolve("dead-letter.jsonl");
        return new EmbeddedRuntime(dataDir, mappings, index, factory, new JsonlDeadLetterStore(dlq));
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
            index.close();
        } finally {
            deadLetters.close();
        }
    }
}
