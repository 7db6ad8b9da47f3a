package dev.feedsearch.app;

import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.ServiceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the HTTP API over an index.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", description = "Embedded index directory (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", defaultValue = "7070", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--engine", defaultValue = "embedded", description = "embedded (opensearch: not yet available)")
    String engine;

    @Option(names = "--role", defaultValue = "all", description = "all|query|indexer (default: ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--config", description = "JSON config file: {\"ranking\": {...}, \"cache\": {...}} (see README)")
    Path config;

    @Override
    public Integer call() throws Exception {
        Engines.requireEmbedded(engine);
        if (!role.equals("all") && !role.equals("query")) {
            throw new IllegalArgumentException("--role " + role + " needs a change source, which this build does not have yet; use all or query");
        }
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dataDir, null);
             FeedsearchServer server = FeedsearchServer.builder().index(rt.index).languages(rt.filterLanguages())
                     .config(config == null ? ServiceConfig.DEFAULTS : ServiceConfig.load(config)).host(host).port(port).build().start()) {
            System.out.printf("feedsearch serving %s (%d posts) on http://%s:%d%n", dataDir, rt.index.stats().posts(), host, server.port());
            awaitShutdown();
        }
        return 0;
    }

    /** Blocks until SIGINT/SIGTERM; the try-with-resources above then closes server and index cleanly. */
    static void awaitShutdown() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                main.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        stop.await();
    }
}
