package dev.feedsearch.core.opensearch;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchOperatorsContract;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The operators of q on the OpenSearch engine, against the real node the build starts. */
class OpenSearchSearchOperatorsTest extends SearchOperatorsContract {
    static Mappings mappings;
    static String url;

    @BeforeAll
    static void node() throws IOException {
        mappings = Mappings.load();
        url = OpenSearchTestNode.url();
    }

    @Override
    protected PostIndex openEmpty() throws IOException {
        OpenSearchFixtures.empty(url);
        return OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url)
                        .replicas(0)
                        .refresh(OpenSearchConfig.Refresh.TRUE)
                        .build(),
                mappings,
                OpenSearchPostIndex.RejectedWrites.FAIL);
    }
}
