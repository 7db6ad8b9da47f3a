package dev.feedsearch.query.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A JWKS served over real HTTP on a free loopback port, as an identity provider publishes it; counts its fetches. */
final class JwksEndpoint implements AutoCloseable {
    private final HttpServer http;
    private final AtomicReference<JWKSet> keys;
    private final AtomicInteger fetches = new AtomicInteger();

    JwksEndpoint(List<JWK> published) throws IOException {
        keys = new AtomicReference<>(new JWKSet(published));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/.well-known/jwks.json", ex -> {
            fetches.incrementAndGet();
            byte[] body = keys.get().toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
    }

    URL url() throws MalformedURLException {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/.well-known/jwks.json")
                .toURL();
    }

    /** Publishes a new key set (a key rotation at the provider). */
    void publish(List<JWK> published) {
        keys.set(new JWKSet(published));
    }

    int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
