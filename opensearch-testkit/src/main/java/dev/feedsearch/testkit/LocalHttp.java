package dev.feedsearch.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few HTTP calls the harness makes to a node (JDK client only, so the harness has no dependencies). */
final class LocalHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern NODES = Pattern.compile("\"number_of_nodes\"\\s*:\\s*(\\d+)");

    private LocalHttp() {}

    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** One request; a connection failure is an IOException. */
    static Response send(String method, String url, String json, Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + url, e);
        }
    }

    /** The cluster's health status (green, yellow, red), or null if the node does not answer it yet. */
    static String healthStatus(String baseUrl) {
        try {
            Response r = send("GET", baseUrl + "/_cluster/health", null, Duration.ofSeconds(5));
            if (!r.ok()) {
                return null;
            }
            Matcher m = STATUS.matcher(r.body());
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Number of nodes in the cluster as the node sees it, or -1 if it does not answer. */
    static int nodeCount(String baseUrl) {
        try {
            Response r = send("GET", baseUrl + "/_cluster/health", null, Duration.ofSeconds(5));
            Matcher m = NODES.matcher(r.body());
            return r.ok() && m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
