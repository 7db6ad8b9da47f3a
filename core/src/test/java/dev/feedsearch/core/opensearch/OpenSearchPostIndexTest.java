package dev.feedsearch.core.opensearch;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.PostIndexContract;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import dev.feedsearch.mappings.LanguageGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

/**
 * The conformance suite on the OpenSearch engine, against the real OpenSearch 3.8.0 node the build starts
 * (see opensearch-testkit). If the node cannot be reached or started, every test here fails with the reason.
 */
class OpenSearchPostIndexTest extends PostIndexContract {
    static Mappings mappings;
    static String url;

    @BeforeAll
    static void node() throws IOException {
        mappings = Mappings.load();
        url = OpenSearchTestNode.url();
        OpenSearchFixtures.wipe(url); // the first test creates the whole layout from nothing
    }

    static OpenSearchConfig config() {
        return OpenSearchConfig.builder(url).replicas(0).refresh(OpenSearchConfig.Refresh.TRUE).build(); // many tiny batches: no waits
    }

    @Override
    protected PostIndex openEmpty() throws IOException {
        OpenSearchFixtures.empty(url);
        return OpenSearchPostIndex.open(config(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
    }

    @Override
    protected PostIndex reopen(PostIndex old) throws IOException {
        old.close();
        return OpenSearchPostIndex.open(config(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
    }

    @Test
    void aClusterLackingAnAnalysisPluginIsRefusedWithItsName() {
        // a real cluster check: the node has kuromoji, nori, smartcn and the ICU stand-in, but not this plugin
        LanguageGroup ja = mappings.group("ja");
        List<String> plugins = new java.util.ArrayList<>(ja.plugins());
        plugins.add("analysis-phonetic");
        Mappings needsPhonetic = mappings.withGroup(new LanguageGroup(ja.name(), ja.languages(), plugins, ja.analysis(), ja.fields()));
        assertThatThrownBy(() -> OpenSearchPostIndex.open(config(), needsPhonetic, OpenSearchPostIndex.RejectedWrites.FAIL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lacks analysis-phonetic (needed by groups ja)")
                .hasMessageNotContaining("analysis-kuromoji");
    }
}
