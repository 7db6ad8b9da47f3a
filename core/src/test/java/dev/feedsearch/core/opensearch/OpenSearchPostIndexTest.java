package dev.feedsearch.core.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.PostIndexContract;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        return OpenSearchConfig.builder(url)
                .replicas(0)
                .refresh(OpenSearchConfig.Refresh.TRUE)
                .build(); // many tiny batches: no waits
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
        Mappings needsPhonetic =
                mappings.withGroup(new LanguageGroup(ja.name(), ja.languages(), plugins, ja.analysis(), ja.fields()));
        assertThatThrownBy(() ->
                        OpenSearchPostIndex.open(config(), needsPhonetic, OpenSearchPostIndex.RejectedWrites.FAIL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lacks analysis-phonetic (needed by groups ja)")
                .hasMessageNotContaining("analysis-kuromoji");
    }

    @Test
    void aWaitForApplyOfManyChunksIsSearchableWhenItReturns() throws IOException {
        // wait_for is the default; chunks of 25 documents make this one apply six _bulk requests that go out together
        OpenSearchConfig waitFor =
                OpenSearchConfig.builder(url).replicas(0).bulkBatch(25).build();
        Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
        String[][] groups = {{"en", "the river runs high"}, {"fr", "la rivière déborde"}, {"de", "der Fluss steigt"}};
        List<PostChange> changes = new ArrayList<>();
        for (String[] g : groups) {
            for (int i = 0; i < 50; i++) {
                Post p = new Post(
                        g[0] + "-" + i,
                        "u" + i,
                        g[1] + " " + i,
                        null,
                        t0.plusSeconds(i),
                        Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        1,
                        false);
                changes.add(PostChange.upsert(p, g[0], g[0]));
            }
        }
        try (PostIndex writer = OpenSearchPostIndex.open(waitFor, mappings, OpenSearchPostIndex.RejectedWrites.FAIL)) {
            assertThat(writer.apply(changes).upserted()).isEqualTo(150);
            for (String[] g : groups) { // no refresh asked for here: what apply's answer promised must already hold
                SearchQuery q = SearchQuery.builder()
                        .lang(g[0])
                        .sort(SortOrder.RECENT)
                        .limit(100)
                        .build();
                assertThat(writer.search(q).hits()).as(g[0]).hasSize(50);
            }
        }
    }
}
