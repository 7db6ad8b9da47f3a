package dev.feedsearch.core.embedded;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchOperatorsContract;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The operators of q on the embedded engine. */
class EmbeddedSearchOperatorsTest extends SearchOperatorsContract {
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
}
