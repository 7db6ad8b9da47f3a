package dev.feedsearch.app;

import dev.feedsearch.core.opensearch.ChangeFollower;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.opensearch.WriterLease;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.indexer.DeletionPurge;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.query.CursorSigner;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.ServerRole;
import dev.feedsearch.query.ServiceConfig;
import dev.feedsearch.query.auth.JwtAuth;
import dev.feedsearch.query.auth.SharedSecret;
import dev.feedsearch.query.auth.ViewerAuth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the HTTP API over an index.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7070", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Mixin
    EngineOptions engine;

    @Option(
            names = "--role",
            defaultValue = "all",
            description =
                    "all | query | indexer; query and indexer need --engine opensearch (default: ${DEFAULT-VALUE})")
    String role;

    @Mixin
    WriterOptions writer;

    @Mixin
    SourceOptions sources;

    @Option(
            names = "--purge-deletions-after-hours",
            defaultValue = "168",
            description =
                    "Purge post tombstones and undone follow edges this many hours after the delete, checked hourly; "
                            + "must outlast any redelivery of old changes by the sources (0: never; default: ${DEFAULT-VALUE})")
    int purgeAfterHours;

    @Mixin
    AuthOptions auth;

    @Option(names = "--config", description = "JSON config file: {\"ranking\": {...}, \"cache\": {...}} (see README)")
    Path config;

    @Override
    public Integer call() throws Exception {
        try (Serving running = open(System::getenv)) {
            System.out.printf(
                    "feedsearch serving %s (%d posts, source: %s, auth: %s) on http://%s:%d%n",
                    engine.describe(),
                    running.runtime.index.stats().posts(),
                    sources.source,
                    auth.mode,
                    host,
                    running.server.port());
            awaitShutdown();
        }
        return 0;
    }

    /** What {@code serve} runs, in the order opened; closing stops it in reverse (server first, index last). */
    static final class Serving implements AutoCloseable {
        final EngineRuntime runtime;
        final FeedsearchServer server;
        private final List<AutoCloseable> opened;

        private Serving(EngineRuntime runtime, FeedsearchServer server, List<AutoCloseable> opened) {
            this.runtime = runtime;
            this.server = server;
            this.opened = opened;
        }

        @Override
        public void close() throws Exception {
            closeAll(opened);
        }
    }

    /**
     * Opens the engine, reindex jobs, change streams, deletion purge and the HTTP server as the options say, reading
     * secrets from {@code env}. Tests start the real thing through this; {@link #call()} adds only the wait for a signal.
     */
    Serving open(UnaryOperator<String> env) throws Exception {
        if (purgeAfterHours < 0) throw new IllegalArgumentException("--purge-deletions-after-hours must be >= 0");
        ServerRole serverRole = parseRole();
        ServiceConfig cfg = config == null ? ServiceConfig.DEFAULTS : ServiceConfig.load(config);
        // refused here, before an engine or a stream is opened: a short admin token, or no auth on a public address
        String adminToken = env.apply("FEEDSEARCH_ADMIN_TOKEN");
        SharedSecret.optional("FEEDSEARCH_ADMIN_TOKEN", adminToken);
        ViewerAuth viewerAuth = auth.viewerAuth(host, env);
        CursorSigner cursorKeys = cursorKeys(serverRole, env.apply(CursorSigner.ENV));
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            if (viewerAuth instanceof JwtAuth j) opened.add(j); // its JWKS cache
            EngineRuntime rt = EngineRuntime.open(engine, null);
            opened.add(rt);
            ServerRole.ReplicaStatus replica = null;
            if (rt.index instanceof OpenSearchPostIndex os) {
                if (serverRole == ServerRole.QUERY) {
                    ChangeFollower follower = os.followChanges(FOLLOW_POLL, FOLLOW_MAX_LAG);
                    opened.add(follower);
                    replica = replicaStatus(os, follower);
                } else {
                    rt.becomeWriter(
                            writer, "serve --role " + role + (port == 0 ? "" : " on port " + port)); // before any write
                }
            }
            // a query replica never writes: no reindex jobs, no purge, no streams (--source was refused)
            Rebuildable rebuilds =
                    serverRole == ServerRole.QUERY ? null : rt.index.rebuilds().orElse(null);
            ReindexJobs reindex = rebuilds == null
                    ? null
                    : ReindexJobs.open(
                            rebuilds,
                            rt.mappings,
                            rt.changes,
                            sources.snapshot(),
                            engine.dataDir.resolve("reindex"),
                            Clock.systemUTC());
            if (reindex != null) opened.add(reindex);
            ChangeStreams streams = sources.open(rt, metrics);
            opened.add(streams);
            if (purgeAfterHours > 0 && serverRole != ServerRole.QUERY) {
                opened.add(DeletionPurge.start(
                        rt.index, Duration.ofHours(purgeAfterHours), Duration.ofHours(1), Clock.systemUTC(), metrics));
            }
            FeedsearchServer server = FeedsearchServer.builder()
                    .index(rt.index)
                    .languages(rt.filterLanguages())
                    .metrics(metrics)
                    .ingest(streams.active() ? streams.status() : null)
                    .indexer(new IndexerViews(rt, streams))
                    .config(cfg)
                    .host(host)
                    .port(port)
                    .auth(viewerAuth)
                    .cursorSigner(cursorKeys)
                    .admin(reindex, adminToken)
                    .role(serverRole, replica)
                    .build()
                    .start();
            opened.add(server);
            return new Serving(rt, server, opened);
        } catch (Exception | Error e) {
            try {
                closeAll(opened);
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Cursors sealed under keys every replica shares, so that a cursor from one works on the next: a query replica
     * refuses to start without them (with per-process keys, every second page behind a load balancer would fail).
     */
    private static CursorSigner cursorKeys(ServerRole role, String keys) {
        if (role == ServerRole.QUERY && (keys == null || keys.isBlank())) {
            throw new IllegalArgumentException("--role query needs " + CursorSigner.ENV + ": the same cursor keys on "
                    + "every replica (comma-separated, signing key first, each at least 16 characters), so that a "
                    + "cursor issued by one replica works on the others");
        }
        return CursorSigner.fromValue(keys);
    }

    static final Duration FOLLOW_POLL = Duration.ofMillis(50), FOLLOW_MAX_LAG = Duration.ofSeconds(2);

    /** The role, refused where it cannot work: before any engine or stream opens. */
    private ServerRole parseRole() {
        ServerRole r = switch (role) {
            case "all" -> ServerRole.ALL;
            case "query" -> ServerRole.QUERY;
            case "indexer" -> ServerRole.INDEXER;
            default -> throw new IllegalArgumentException("--role must be all, query or indexer, got '" + role + "'");
        };
        if (r != ServerRole.ALL && engine.embedded()) {
            throw new IllegalArgumentException(
                    "--role " + role + " needs --engine opensearch: an embedded index is one "
                            + "directory that one process opens (Lucene's write lock), so it has only --role all");
        }
        if (r == ServerRole.QUERY && !sources.source.equals("none")) {
            throw new IllegalArgumentException("--role query never writes, so it takes no --source; run the change "
                    + "streams on the --role indexer process");
        }
        writer.ttl(); // a bad --lease-ttl-seconds is named before anything opens
        return r;
    }

    private static ServerRole.ReplicaStatus replicaStatus(OpenSearchPostIndex os, ChangeFollower follower) {
        return new ServerRole.ReplicaStatus() {
            @Override
            public OptionalDouble changeFeedLagSeconds() {
                return OptionalDouble.of(follower.lagNanos() / 1e9);
            }

            @Override
            public Optional<Writer> writer() {
                try {
                    return WriterLease.holder(os.client())
                            .map(h -> new Writer(
                                    h.holder(), Math.max(0, System.currentTimeMillis() - h.renewedMs()) / 1e3));
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            }
        };
    }

    /** Closes in reverse order of opening, every one even when one fails; the first failure is thrown. */
    private static void closeAll(List<AutoCloseable> opened) throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        opened.clear();
        if (first != null) throw first;
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
