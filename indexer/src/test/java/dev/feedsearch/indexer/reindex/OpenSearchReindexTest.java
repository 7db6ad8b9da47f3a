package dev.feedsearch.indexer.reindex;

import dev.feedsearch.core.reindex.ReindexException;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;

import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The reindex job on the real OpenSearch 3.8.0 node: new versioned indices, one _aliases call to swap. */
class OpenSearchReindexTest extends ReindexContract {

    record OsEngine(OpenSearchPostIndex os) implements Engine {
        public PostIndex index() { return os; }
        public Rebuildable rebuild() { return os; }
        public void close() throws IOException { os.close(); }
    }

    static OpenSearchPostIndex open(Mappings m) throws IOException {
        return OpenSearchPostIndex.open(OpenSearchConfig.builder(OpenSearchTestNode.url()).replicas(0).refresh(OpenSearchConfig.Refresh.TRUE).build(), m,
                OpenSearchPostIndex.RejectedWrites.FAIL);
    }

    @Override
    protected Engine openEmpty(Mappings mappings) throws IOException {
        String url = OpenSearchTestNode.url();
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (String path : new String[] {"/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*"}) {
                http.send(HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new OsEngine(open(mappings));
    }

    @Override
    protected Engine reopen(Engine old, Mappings mappings) throws IOException {
        old.close();
        return new OsEngine(open(mappings));
    }
}
