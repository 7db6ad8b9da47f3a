package dev.feedsearch.core.opensearch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Test helpers that talk to the node directly, outside the engine under test. */
final class OpenSearchFixtures {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OpenSearchFixtures() {}

    /** Deletes every index and template the engine creates, so the next open starts from an empty cluster. */
    static void wipe(String url) throws IOException {
        send(url, "DELETE", "/posts-*,feedsearch-*?expand_wildcards=all", null);
        send(url, "DELETE", "/_index_template/posts-*", null);
    }

    /**
     * Empties the engine's indices but keeps them: creating ~30 indices per test costs seconds, emptying them
     * about one. The indices are then closed and reopened, which clears the version tombstones the deletes left
     * in memory, so the next test may write the same ids at lower external versions.
     */
    static void empty(String url) throws IOException {
        if (send(url, "HEAD", "/feedsearch-keys", null).statusCode() == 404) return;
        send(
                url,
                "POST",
                "/posts-*,feedsearch-*/_refresh",
                null); // delete_by_query only sees what a refresh made visible
        send(
                url,
                "POST",
                "/posts-*,feedsearch-*/_delete_by_query?refresh=true&conflicts=proceed",
                "{\"query\":{\"match_all\":{}}}");
        send(url, "POST", "/posts-*,feedsearch-*/_close", null);
        send(url, "POST", "/posts-*,feedsearch-*/_open?wait_for_active_shards=all", null);
        send(url, "GET", "/_cluster/health/posts-*,feedsearch-*?wait_for_status=yellow&timeout=30s", null);
    }

    static HttpResponse<String> send(String url, String method, String path, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300 && r.statusCode() != 404)
                throw new IOException(method + " " + path + " → " + r.statusCode() + " " + r.body());
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
