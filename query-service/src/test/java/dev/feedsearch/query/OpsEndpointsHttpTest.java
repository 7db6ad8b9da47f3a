package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoints /ops polls and the console's pages, over HTTP on the sample's embedded index (the streams and
 * dead letters behind them are exercised end to end by the app's browser tests).
 */
class OpsEndpointsHttpTest {
    static final String TOKEN = "ops-endpoints-admin-token";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static FeedsearchServer withToken, withoutToken;

    @BeforeAll
    static void start() throws Exception {
        SampleServer s = SampleServer.get();
        withToken = FeedsearchServer.builder()
                .index(s.index)
                .port(0)
                .admin(null, TOKEN)
                .build()
                .start();
        withoutToken = FeedsearchServer.builder().index(s.index).port(0).build().start();
    }

    @AfterAll
    static void stop() {
        withToken.close();
        withoutToken.close();
    }

    static HttpResponse<String> send(FeedsearchServer server, String method, String path, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyOpsEndpointWantsTheAdminToken() throws Exception {
        for (String[] call : new String[][] {
            {"GET", "/admin/overview"}, {"GET", "/admin/dead-letters"}, {"POST", "/admin/dead-letters/replay"}
        }) {
            assertThat(send(withToken, call[0], call[1], null).statusCode())
                    .as("%s without a token", call[1])
                    .isEqualTo(401);
            HttpResponse<String> wrong = send(withToken, call[0], call[1], "not-the-ops-admin-token");
            assertThat(wrong.statusCode()).as("%s with a wrong token", call[1]).isEqualTo(403);
            assertThat(wrong.body()).contains("\"field\":\"Authorization\"");
            HttpResponse<String> off = send(withoutToken, call[0], call[1], TOKEN);
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(off.body()).contains("admin_disabled");
        }
    }

    @Test
    void theOverviewCountsEveryLivePostInExactlyOneLanguageGroup() throws Exception {
        SampleServer.get().get("/v1/search?q=rights"); // a cache read, so a hit rate exists
        HttpResponse<String> r = send(withToken, "GET", "/admin/overview", TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode o = PostJson.MAPPER.readTree(r.body());
        long sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.at("/index/groups").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> g = it.next();
            sum += g.getValue().get("posts").asLong();
            assertThat(g.getValue().get("version").asInt()).as(g.getKey()).isGreaterThanOrEqualTo(1);
        }
        assertThat(sum)
                .isEqualTo(o.at("/index/posts").asLong())
                .isEqualTo(SampleServer.get().index.stats().posts());
        assertThat(o.at("/index/groups/ja/posts").asLong()).isPositive();
        List<String> caches = new ArrayList<>();
        o.get("caches").forEach(c -> caches.add(c.get("name").asText()));
        assertThat(caches)
                .containsExactly(
                        "feed_sessions",
                        "highlights",
                        "popular_candidates",
                        "rendered_searches",
                        "search_results",
                        "timelines",
                        "viewer_contexts");
        assertThat(o.get("streams")).isEmpty(); // no change source here
        assertThat(o.get("dead_letters").asLong()).isZero();
    }

    @Test
    void deadLettersTakeALimitFrom1To200() throws Exception {
        for (String bad : new String[] {"0", "201", "x", "-1"}) {
            HttpResponse<String> r = send(withToken, "GET", "/admin/dead-letters?limit=" + bad, TOKEN);
            assertThat(r.statusCode()).as("limit=%s", bad).isEqualTo(400);
            assertThat(PostJson.MAPPER.readTree(r.body()).at("/error/field").asText())
                    .isEqualTo("limit");
        }
        HttpResponse<String> ok = send(withToken, "GET", "/admin/dead-letters?limit=200", TOKEN);
        assertThat(ok.body()).isEqualTo("{\"count\":0,\"entries\":[]}");
        assertThat(send(withToken, "GET", "/admin/dead-letters?lmit=5", TOKEN).statusCode())
                .isEqualTo(400);
    }

    @Test
    void theConsoleIsServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
        for (String page : new String[] {"/", "/ops", "/console/playground.js", "/console/console.css"}) {
            HttpResponse<String> r = send(withoutToken, "GET", page, null);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.headers().firstValue("content-security-policy").orElse(""))
                    .contains("script-src 'self'");
            assertThat(r.headers().firstValue("x-content-type-options")).contains("nosniff");
        }
        assertThat(send(withoutToken, "GET", "/", null)
                        .headers()
                        .firstValue("content-type")
                        .orElse(""))
                .startsWith("text/html");
        // only the named files: no path reaches the classpath
        for (String missing :
                new String[] {"/console/openapi.json", "/console/..%2Fopenapi.json", "/console/nothing.js"}) {
            assertThat(send(withoutToken, "GET", missing, null).statusCode())
                    .as(missing)
                    .isEqualTo(404);
        }
    }
}
