package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an attacker or a careless client sends, over real HTTP to a real server on the sample index: forged and
 * out-of-range cursors, dates past what the engines hold, queries long enough to pass Lucene's clause limit, and
 * requests Jetty refuses before any route. Each answer is a 4xx in the JSON error shape naming the field, or a 200.
 */
class HostileRequestsHttpTest {
    static final String KEY_A = "cursor-key-a-0123456789", KEY_B = "cursor-key-b-9876543210";
    static SampleServer sample;
    static FeedsearchServer a, rotated, onlyB;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sample = SampleServer.get();
        a = server(CursorSigner.of(List.of(KEY_A)));
        rotated = server(CursorSigner.of(List.of(KEY_B, KEY_A)));
        onlyB = server(CursorSigner.of(List.of(KEY_B)));
    }

    @AfterAll
    static void stop() {
        for (FeedsearchServer s : List.of(a, rotated, onlyB)) s.close();
    }

    static FeedsearchServer server(CursorSigner signer) {
        return FeedsearchServer.builder()
                .index(sample.index)
                .languages(java.util.Set.of("en", "und"))
                .port(0)
                .cursorSigner(signer)
                .build()
                .start();
    }

    record Response(int status, String contentType, String body, JsonNode json, HttpResponse<String> raw) {}

    static Response send(FeedsearchServer s, String method, String pathAndQuery)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + pathAndQuery))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String type = r.headers().firstValue("content-type").orElse("");
        JsonNode json = type.contains("json") && !r.body().isEmpty() ? PostJson.MAPPER.readTree(r.body()) : null;
        return new Response(r.statusCode(), type, r.body(), json, r);
    }

    static Response get(FeedsearchServer s, String pathAndQuery) throws IOException, InterruptedException {
        return send(s, "GET", pathAndQuery);
    }

    static void assertRefused(Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json()).as(r.body()).isNotNull();
        assertThat(r.json().at("/error/message").asText()).isNotBlank();
        if (field != null)
            assertThat(r.json().at("/error/field").asText()).as(r.body()).isEqualTo(field);
    }

    // ------------------------------------------------------------------ cursors

    @Test
    void aFeedCursorCannotBeForgedOrInflated() throws Exception {
        Response first = get(a, "/v1/feed?viewer=u11&limit=2");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String cursor = first.json().get("next_cursor").asText();
        assertThat(get(a, "/v1/feed?viewer=u11&limit=2&cursor=" + enc(cursor)).status())
                .isEqualTo(200);

        // the finding: page size 2^31-1 in an unsigned cursor ran the server out of memory; now the payload is sealed
        String payload = new String(
                Base64.getUrlDecoder().decode(cursor.substring(0, cursor.indexOf('.'))), StandardCharsets.UTF_8);
        String inflated = payload.substring(0, payload.lastIndexOf('\n') + 1) + Integer.MAX_VALUE;
        String tampered =
                Base64.getUrlEncoder().withoutPadding().encodeToString(inflated.getBytes(StandardCharsets.UTF_8))
                        + cursor.substring(cursor.indexOf('.'));
        assertRefused(get(a, "/v1/feed?viewer=u11&limit=2&cursor=" + enc(tampered)), 400, "cursor");
        String unsigned =
                Base64.getUrlEncoder().withoutPadding().encodeToString(inflated.getBytes(StandardCharsets.UTF_8));
        assertRefused(get(a, "/v1/feed?viewer=u11&limit=2&cursor=" + enc(unsigned)), 400, "cursor");

        // even sealed with the server's own key (a leaked key, a bug), every field is range-checked
        CursorCodec withKey = new CursorCodec(CursorSigner.of(List.of(KEY_A)));
        String session = UUID.randomUUID().toString();
        Instant now = Instant.parse("2026-11-01T00:00:00Z");
        for (CursorCodec.Feed f : List.of(
                new CursorCodec.Feed(session, "u11", now, 0, Integer.MAX_VALUE),
                new CursorCodec.Feed(session, "u11", now, Integer.MAX_VALUE, 20),
                new CursorCodec.Feed(session, "u11", now, -1, 20),
                new CursorCodec.Feed(session, "u11", Instant.parse("+292278994-01-01T00:00:00Z"), 0, 20),
                new CursorCodec.Feed("not-a-session", "u11", now, 0, 20))) {
            assertRefused(get(a, "/v1/feed?viewer=u11&limit=2&cursor=" + enc(withKey.encode(f))), 400, "cursor");
        }
        assertThat(get(
                                a,
                                "/v1/feed?viewer=u11&limit=2&cursor="
                                        + enc(withKey.encode(new CursorCodec.Feed(session, "u11", now, 0, 20))))
                        .status())
                .isEqualTo(200);
        // another viewer's cursor
        assertRefused(get(a, "/v1/feed?viewer=u45&limit=2&cursor=" + enc(cursor)), 400, "cursor");
    }

    @Test
    void searchCursorsAreSealedAndSurviveAKeyRotation() throws Exception {
        for (String q : List.of("q=rights&limit=2", "q=rights&sort=recent&limit=2")) {
            Response first = get(a, "/v1/search?" + q);
            String cursor = first.json().get("next_cursor").asText();
            assertThat(get(a, "/v1/search?" + q + "&cursor=" + enc(cursor)).status())
                    .isEqualTo(200);
            // signed with A: accepted where A is still a verifying key, refused where it was retired
            assertThat(get(rotated, "/v1/search?" + q + "&cursor=" + enc(cursor))
                            .status())
                    .isEqualTo(200);
            assertRefused(get(onlyB, "/v1/search?" + q + "&cursor=" + enc(cursor)), 400, "cursor");
            // a flipped bit anywhere
            char[] c = cursor.toCharArray();
            c[3] = c[3] == 'A' ? 'B' : 'A';
            assertRefused(get(a, "/v1/search?" + q + "&cursor=" + enc(new String(c))), 400, "cursor");
            assertRefused(get(a, "/v1/search?" + q + "&cursor=" + "A".repeat(5_000)), 400, "cursor");
        }
    }

    // ------------------------------------------------------------------ dates and long queries

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "until=%2B999999999-12-31            | until",
                "since=%2B292278995-01-01T00:00:00Z  | since",
                "since=1969-12-31                    | since",
                "until=2201-01-01T00:00:00Z          | until",
                "since=-000001-01-01                 | since",
            })
    void datesOutsideWhatTheEnginesHoldAreRefused(String param, String field) throws Exception {
        assertRefused(get(a, "/v1/search?q=rights&" + param.strip()), 400, field);
    }

    @Test
    void theEdgesOfTheDateRangeAnswer() throws Exception {
        assertThat(get(a, "/v1/search?q=rights&since=1970-01-01&until=2200-12-31")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void queriesUpTo1000CharactersInAnyScriptAnswer200() throws Exception {
        String words35 = IntStream.range(0, 35)
                .mapToObj(i -> "wor" + (char) ('a' + i / 26) + (char) ('a' + i % 26))
                .collect(Collectors.joining(" "));
        String japanese54 = "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられて";
        String english242 =
                ("All human beings are born free and equal in dignity and rights. They are endowed with reason and "
                        + "conscience and should act towards one another in a spirit of brotherhood. Everyone is entitled to all "
                        + "the rights and freedoms set forth in this Declaration.");
        assertThat(english242.length()).isGreaterThanOrEqualTo(242);
        for (String q : List.of(
                words35,
                japanese54,
                english242,
                "自由".repeat(500),
                "ภาษาไทย".repeat(142),
                "권리 ".repeat(333),
                "😀".repeat(500),
                "a".repeat(1_000))) {
            for (String sort : List.of("relevance", "recent")) {
                Response r = get(a, "/v1/search?sort=" + sort + "&q=" + enc(q));
                assertThat(r.status()).as(q.substring(0, 10) + ": " + r.body()).isEqualTo(200);
                assertThat(r.json().get("hits").isArray()).isTrue();
            }
        }
        // and the english sentence still finds what it says
        assertThat(get(a, "/v1/search?q=" + enc(english242)).json().get("hits")).isNotEmpty();
    }

    // ------------------------------------------------------------------ HTTP hygiene

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        Response r = send(a, "POST", "/v1/search?q=rights");
        assertRefused(r, 405, null);
        assertThat(r.raw().headers().firstValue("Allow")).hasValue("GET, HEAD");
        Response admin = send(a, "DELETE", "/admin/reindex");
        assertRefused(admin, 405, null);
        assertThat(admin.raw().headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    }

    @Test
    void headRunsTheSameChecksAsGet() throws Exception {
        for (String path : List.of(
                "/admin/reindex",
                "/v1/posts/no-such-post",
                "/v1/search?q=rights&limt=5",
                "/v1/search",
                "/v1/search?q=rights",
                "/health")) {
            Response get = get(a, path), head = send(a, "HEAD", path);
            assertThat(head.status()).as(path).isEqualTo(get.status());
            assertThat(head.body()).as(path).isEmpty();
        }
        assertThat(send(a, "HEAD", "/admin/reindex").status()).isEqualTo(403);
        assertThat(send(a, "HEAD", "/v1/posts/no-such-post").status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/v1/search?q=rights&author=%zz%      | author",
                "/v1/search?q=rights&author=%E2%28    | author",
                "/v1/search?q=rights&limt=5           | limt",
                "/v1/search?q=rights&q=freedom        | q",
                "/v1/search?q=rights&%zz=1            | query",
                "/v1/feed?viewer=u11&sort=recent      | sort",
                "/v1/posts/p1?explain=true            | explain",
                "/health?verbose=1                    | verbose",
            })
    void badEncodingsAndUnknownParametersAreNamed(String path, String field) throws Exception {
        // on a socket: java.net.URI refuses to build a malformed escape at all
        String response = raw(a, "GET " + path.strip() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 ");
        JsonNode body = PostJson.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(body.at("/error/field").asText()).as(response).isEqualTo(field);
        assertThat(body.at("/error/message").asText()).isNotBlank();
    }

    @Test
    void jettysOwnRefusalsAreJsonToo() throws Exception {
        // a request line past the header limit: 414
        Response longUri = get(a, "/v1/search?q=" + "a".repeat(FeedsearchServer.MAX_REQUEST_HEADER_BYTES + 10));
        assertThat(longUri.status()).isEqualTo(414);
        assertThat(longUri.contentType()).startsWith("application/json");
        assertThat(longUri.json().at("/error/code").asText()).isEqualTo("uri_too_long");
        // what a browser or a library would never send, written on a socket
        for (String request : List.of(
                "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
                "NOT A REQUEST\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "b".repeat(FeedsearchServer.MAX_REQUEST_HEADER_BYTES + 10) + "\r\n\r\n")) {
            String response = raw(a, request);
            assertThat(response).as(request.substring(0, 12)).matches("(?s)HTTP/1\\.1 (400|431|505) .*");
            assertThat(response.toLowerCase()).contains("content-type: application/json");
            assertThat(response).contains("{\"error\":{\"code\":");
        }
    }

    static String raw(FeedsearchServer s, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
