package dev.feedsearch.core.embedded;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.PostIndexContract;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on the embedded engine (a Lucene index in a temporary directory). */
class EmbeddedPostIndexTest extends PostIndexContract {
    static GroupAnalyzers analyzers;

    @TempDir
    Path dir;

    @BeforeAll
    static void analyzers() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    @Override
    protected PostIndex openEmpty() throws IOException {
        return EmbeddedPostIndex.open(dir, analyzers);
    }

    @Override
    protected PostIndex reopen(PostIndex old) throws IOException {
        old.close();
        return EmbeddedPostIndex.open(dir, analyzers);
    }
}
