package dev.feedsearch.bench;

import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline of issue 18's speed target in its own JVM, started like a query replica: a bare Javalin endpoint that
 * answers {@code GET /bare} with the bytes of a file (a cached {@code /v1/search} page taken from a replica), so the
 * response size is the same. Prints {@code bare serving on http://127.0.0.1:PORT} and runs until killed.
 * Usage: BareEndpoint BODY_FILE
 */
public final class BareEndpoint {
    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        Javalin bare = Javalin.create(c -> {
                    c.startup.showJavalinBanner = false;
                    c.jetty.host = "127.0.0.1";
                    c.routes.get(
                            "/bare", ctx -> ctx.contentType("application/json").result(body));
                })
                .start(0);
        System.out.println("bare serving on http://127.0.0.1:" + bare.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private BareEndpoint() {}
}
