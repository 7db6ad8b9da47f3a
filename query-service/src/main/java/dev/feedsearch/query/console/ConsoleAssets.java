package dev.feedsearch.query.console;

import dev.feedsearch.query.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The browser console's pages and assets, read once from {@code /console/} on the classpath (so they ship in the jar
 * and work offline). Only the files named here are served: a path parameter never reaches the classpath lookup.
 * The pages call the public API like any client; nothing here reads the index.
 */
public final class ConsoleAssets {
    /** Same-origin scripts and styles only: no inline script, no third-party host, no framing. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "ops.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "common.js", "text/javascript; charset=utf-8",
            "playground.js", "text/javascript; charset=utf-8",
            "ops.js", "text/javascript; charset=utf-8");

    private final Map<String, byte[]> files;

    public ConsoleAssets() {
        var loaded = new HashMap<String, byte[]>();
        for (String name : TYPES.keySet()) loaded.put(name, read(name));
        this.files = Map.copyOf(loaded);
    }

    /** {@code GET /}: the search and feed playground. */
    public void playground(Context ctx) {
        send(ctx, "index.html");
    }

    /** {@code GET /ops}: the operations page (its data needs the admin token; the page itself is public). */
    public void ops(Context ctx) {
        send(ctx, "ops.html");
    }

    /** {@code GET /console/{file}}. */
    public void asset(Context ctx) {
        String name = ctx.pathParam("file");
        if (!TYPES.containsKey(name)) throw ApiException.notFound("no console file '" + name + "'");
        send(ctx, name);
    }

    private void send(Context ctx, String name) {
        ctx.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .contentType(TYPES.get(name))
                .result(files.get(name));
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) throw new IllegalStateException("console/" + name + " missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
