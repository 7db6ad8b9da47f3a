package dev.feedsearch.query.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A real embedded index holding u1's public post {@code pub} and private post {@code priv}, and real servers over it
 * that differ only in their {@link ViewerAuth}; requests go over HTTP.
 */
final class AuthTestServer implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final EmbeddedPostIndex index;
    private final List<FeedsearchServer> servers = new ArrayList<>();

    AuthTestServer() throws IOException {
        index = EmbeddedPostIndex.open(
                Files.createTempDirectory("feedsearch-auth-").resolve("index"), GroupAnalyzers.build(Mappings.load()));
        index.apply(List.of(post("pub", Visibility.PUBLIC), post("priv", Visibility.PRIVATE)));
    }

    private static PostChange post(String id, Visibility v) {
        return PostChange.upsert(
                new Post(
                        id,
                        "u1",
                        "a post about human rights, " + id,
                        null,
                        Instant.parse("2026-10-01T00:00:00Z"),
                        v,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        1,
                        false),
                "en",
                "en");
    }

    /** A server on a free port over the index, with {@code auth} deciding who the viewer is. */
    int serve(ViewerAuth auth) {
        FeedsearchServer s = FeedsearchServer.builder()
                .index(index)
                .languages(Set.of("en"))
                .port(0)
                .auth(auth)
                .build()
                .start();
        servers.add(s);
        return s.port();
    }

    record Response(int status, JsonNode json, String challenge) {
        String field() {
            return json.at("/error/field").asText();
        }
    }

    /** GET with {@code Authorization} set to {@code authorization} when not null. */
    static Response get(int port, String pathAndQuery, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .GET();
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(
                r.statusCode(),
                PostJson.MAPPER.readTree(r.body()),
                r.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    /** The ids that a recent-first listing of u1's posts shows this request. */
    static List<String> listing(int port, String query, String authorization) throws IOException, InterruptedException {
        Response r = get(port, "/v1/search?sort=recent&author=u1" + query, authorization);
        if (r.status() != 200) throw new AssertionError("listing answered " + r.status() + ": " + r.json());
        List<String> ids = new ArrayList<>();
        r.json().get("hits").forEach(h -> ids.add(h.get("id").asText()));
        return ids;
    }

    @Override
    public void close() throws IOException {
        servers.forEach(FeedsearchServer::close);
        index.close();
    }
}
