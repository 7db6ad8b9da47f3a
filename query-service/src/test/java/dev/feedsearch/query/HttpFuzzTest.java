package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.model.PostJson;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of every route over a raw socket (so nothing is cleaned up by a client library): random methods,
 * parameter names, values (extreme numbers and dates, every script, broken percent-encodings, forged cursors) and
 * paths. Whatever is sent, the answer is never a 5xx and always the JSON shape. Bounded in count; the seed is in
 * the failure message so a failure can be replayed.
 */
class HttpFuzzTest {
    static final long SEED = Long.getLong("feedsearch.fuzz.seed", 20261207L);
    static final int REQUESTS = 1_500;
    static SampleServer s;

    static final String[] PATHS = {
        "/v1/search",
        "/v1/feed",
        "/v1/posts/p1",
        "/v1/posts/%zz",
        "/v1/posts/" + "x".repeat(300),
        "/health",
        "/ready",
        "/openapi.json",
        "/admin/reindex",
        "/admin/reindex/job-1",
        "/admin/reindex/job-1/pause",
        "/nope",
        "/v1"
    };
    static final String[] METHODS = {"GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    static final String[] NAMES = {
        "q", "q", "lang", "author", "tag", "viewer", "since", "until", "limit", "sort", "cursor", "explain", "limt",
        "%zz", "", "q%00", "Q"
    };
    static final String[] VALUES = {
        "rights",
        "自由",
        "ภาษาไทย",
        "권리",
        "😀",
        "%zz",
        "%E2%28",
        "%",
        "%2",
        "-1",
        "0",
        "101",
        "2147483648",
        "9223372036854775808",
        "1e309",
        "NaN",
        "+999999999-12-31",
        "+292278995-01-01T00:00:00Z",
        "1969-12-31",
        "2200-12-31",
        "recent",
        "relevance",
        "true",
        "yes",
        "",
        "%00",
        "a%0Ab",
        "#rights",
        "#",
        "AAAA.BBBB",
        "eyJ9.e30",
        "\"quoted\"",
        "-word",
        "OR",
        "from:u1",
        "%F0%9F%98%80",
        "%ED%A0%80",
        "x".repeat(1_100)
    };

    @BeforeAll
    static void start() throws Exception {
        s = SampleServer.get();
    }

    @Test
    void randomRequestsNeverGetA5xxOrANonJsonBody() throws Exception {
        Random r = new Random(SEED);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < REQUESTS && problems.size() < 5; i++) {
            String method = pick(r, METHODS), path = pick(r, PATHS);
            StringBuilder query = new StringBuilder();
            int params = r.nextInt(5);
            for (int p = 0; p < params; p++) {
                if (p > 0) query.append('&');
                query.append(pick(r, NAMES)).append('=').append(r.nextInt(8) == 0 ? randomBytes(r) : pick(r, VALUES));
            }
            String target = query.isEmpty() ? path : path + "?" + query;
            String response = send(method, target);
            int status = response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : -1;
            String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")))
                    .toLowerCase();
            String body = response.indexOf("\r\n\r\n") < 0 ? "" : response.substring(response.indexOf("\r\n\r\n") + 4);
            boolean jsonBody =
                    method.equals("HEAD") || (head.contains("content-type: application/json") && parses(body));
            if (status < 100 || status >= 500 || !jsonBody) {
                problems.add(status + " for " + method + " " + target.substring(0, Math.min(200, target.length()))
                        + ": " + body.substring(0, Math.min(200, body.length())));
            }
        }
        assertThat(problems).as("seed " + SEED).isEmpty();
    }

    static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    /** Raw printable bytes a client might put on the request line unencoded. */
    static String randomBytes(Random r) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) b.append((char) (0x21 + r.nextInt(0x5e)));
        return b.toString().replace("&", "%26").replace("#", "%23").replace(" ", "+");
    }

    static boolean parses(String body) {
        try {
            return PostJson.MAPPER.readTree(body) != null;
        } catch (Exception e) {
            return false;
        }
    }

    static String send(String method, String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String body = method.equals("POST") || method.equals("PUT") ? "{\"groups\":[\"en\"],\"throtle\":1}" : "";
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + (body.isEmpty()
                                    ? ""
                                    : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n")
                            + "\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
