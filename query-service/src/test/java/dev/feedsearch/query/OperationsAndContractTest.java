package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /health, /ready, /metrics, and /openapi.json checked against what the real routes do. */
class OperationsAndContractTest {
    static SampleServer s;

    @BeforeAll
    static void start() throws Exception {
        s = SampleServer.get();
    }

    @Test
    void healthReadyAndMetrics() throws Exception {
        assertThat(s.get("/health").json().get("status").asText()).isEqualTo("live");
        SampleServer.Response ready = s.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("posts").asLong()).isGreaterThanOrEqualTo(s.report.posts() - s.report.deletes());
        s.get("/v1/search?q=rights");
        String metrics = s.get("/metrics").body();
        assertThat(metrics)
                .contains("http_server_requests_seconds_count{route=\"/v1/search\",status=\"200\"}")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void everyDocumentedPathIsARealRouteAndEveryConstraintIsEnforced() throws Exception {
        JsonNode doc = s.get("/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        String someId =
                s.get("/v1/search?q=rights&limit=1").json().at("/hits/0/id").asText();
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (path.getKey().startsWith("/admin/")) continue; // bearer-token routes: AdminReindexHttpTest covers them
            JsonNode get = path.getValue().get("get");
            assertThat(get).as("GET documented for %s", path.getKey()).isNotNull();
            String url = path.getKey().replace("{id}", enc(someId));
            // required parameters get a valid value; the rest are exercised one by one below
            StringBuilder req = new StringBuilder();
            for (JsonNode p : get.path("parameters")) {
                if (p.get("in").asText().equals("query") && p.path("required").asBoolean(false)) {
                    String value = p.get("name").asText().equals("q") ? "rights" : "u1";
                    req.append(req.isEmpty() ? "?" : "&")
                            .append(p.get("name").asText())
                            .append('=')
                            .append(value);
                }
            }
            String valid = url + (url.equals("/v1/search") ? "?q=rights" : req);
            SampleServer.Response ok = s.get(valid);
            assertThat(ok.status()).as("%s answers", valid).isEqualTo(200);
            assertThat(get.at("/responses/200"))
                    .as("200 documented for %s", path.getKey())
                    .isNotNull();
            for (JsonNode p : get.path("parameters")) {
                if (!p.get("in").asText().equals("query")) continue;
                String name = p.get("name").asText();
                for (String bad : invalidValues(p.get("schema"))) {
                    SampleServer.Response r = s.get(with(valid, name, bad));
                    assertThat(r.status())
                            .as("%s=%s on %s", name, bad, path.getKey())
                            .isEqualTo(400);
                    assertThat(r.json().at("/error/field").asText()).isEqualTo(name);
                    checked.add(path.getKey() + " " + name + "=" + bad.length());
                }
            }
        }
        assertThat(checked).as("constraints exercised").hasSizeGreaterThan(5);
    }

    @Test
    void responseShapesMatchTheDocumentedSchemas() throws Exception {
        JsonNode doc = s.get("/openapi.json").json();
        JsonNode page = s.get("/v1/search?q=rights&limit=2").json();
        assertThat(fieldNames(page)).isEqualTo(required(doc, "Page"));
        java.util.Set<String> searchHit = new java.util.TreeSet<>(required(doc, "Hit"));
        searchHit.addAll(required(doc, "SearchHit/allOf/1")); // a search hit is a Hit with its highlights
        assertThat(fieldNames(page.get("hits").get(0))).isEqualTo(searchHit);
        JsonNode post =
                s.get("/v1/posts/" + enc(page.at("/hits/0/id").asText())).json();
        assertThat(fieldNames(post)).containsAll(required(doc, "IndexedPost"));
        assertThat(fieldNames(post)).isSubsetOf(properties(doc, "IndexedPost"));
        JsonNode err = s.get("/v1/search?q=").json();
        assertThat(fieldNames(err.get("error"))).containsAll(required(doc, "Error/properties/error"));
    }

    /** bin/lib/openapi-lint.sh lints the resource file: what the server answers must be that file, byte for byte. */
    @Test
    void servedOpenApiIsTheLintedResourceFile() throws Exception {
        byte[] file = Files.readAllBytes(
                Path.of("src/main/resources/openapi.json")); // surefire runs in the module's directory
        SampleServer.Response served = s.get("/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json()).as("served as JSON").isNotNull();
        assertThat(served.body()).isEqualTo(new String(file, StandardCharsets.UTF_8));
    }

    /** The url with parameter {@code name} set to {@code value} (replacing it if present). */
    static String with(String url, String name, String value) {
        String[] parts = url.split("\\?", 2);
        StringBuilder q = new StringBuilder();
        if (parts.length == 2) {
            for (String kv : parts[1].split("&")) {
                if (!kv.startsWith(name + "=")) q.append(q.isEmpty() ? "" : "&").append(kv);
            }
        }
        q.append(q.isEmpty() ? "" : "&").append(name).append('=').append(enc(value));
        return parts[0] + "?" + q;
    }

    static List<String> invalidValues(JsonNode schema) {
        List<String> bad = new ArrayList<>();
        if (schema.has("enum")) bad.add("not-an-allowed-value");
        if (schema.path("type").asText().equals("boolean")) bad.add("yes"); // only the literals true and false
        if (schema.has("minLength") && schema.get("minLength").asInt() > 0) bad.add("");
        if (schema.has("maximum")) bad.add(String.valueOf(schema.get("maximum").asLong() + 1));
        if (schema.has("minimum")) bad.add(String.valueOf(schema.get("minimum").asLong() - 1));
        if (schema.has("maxLength")) bad.add("x".repeat(schema.get("maxLength").asInt() + 1));
        return bad;
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static Set<String> required(JsonNode doc, String schema) {
        Set<String> names = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/required").forEach(r -> names.add(r.asText()));
        return names;
    }

    static Set<String> properties(JsonNode doc, String schema) {
        return fieldNames(doc.at("/components/schemas/" + schema + "/properties"));
    }
}
