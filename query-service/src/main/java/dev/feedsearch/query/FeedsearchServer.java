package dev.feedsearch.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.lang.LanguageDetector;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.reindex.ReindexControl;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.admin.AdminRoutes;
import dev.feedsearch.query.admin.IndexerView;
import dev.feedsearch.query.admin.OpsRoutes;
import dev.feedsearch.query.auth.ViewerAuth;
import dev.feedsearch.query.cache.HighlightCache;
import dev.feedsearch.query.cache.SearchResultCache;
import dev.feedsearch.query.cache.TimelineCache;
import dev.feedsearch.query.cache.ViewerContexts;
import dev.feedsearch.query.console.ConsoleAssets;
import dev.feedsearch.query.feed.FeedService;
import dev.feedsearch.query.rank.FeatureScorer;
import dev.feedsearch.query.rank.RankingConfig;
import dev.feedsearch.query.rank.RelevanceWindow;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of feedsearch: one Javalin app, one handler per route, all errors rendered as the
 * JSON error body. Build with {@link #builder()}; binds to 127.0.0.1 unless told otherwise.
 */
public final class FeedsearchServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FeedsearchServer.class);

    private final Javalin app;
    private final PostIndex index;
    private final SearchParams params;
    private final PrometheusMeterRegistry metrics;
    private final byte[] openApi;
    private final SearchService search;
    private final FeedService feed;
    private final RankingConfig ranking;
    private final IngestStatus ingest;
    private final ServerRole role;
    private final ServerRole.ReplicaStatus replica;
    private final ReplicaGauges replicaGauges; // null unless a query replica
    private final CursorCodec cursors;
    private final ViewerAuth auth;
    private final Admission admission;
    private final RenderedSearches rendered;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final RateLimiter rateLimiter;
    private final FailureLog failures = new FailureLog();

    private FeedsearchServer(Builder b) {
        this.index = Objects.requireNonNull(b.index, "index");
        this.auth = b.auth;
        this.cursors = new CursorCodec(b.cursorSigner != null ? b.cursorSigner : CursorSigner.fromEnvironment());
        this.params = new SearchParams(
                b.languages,
                new QueryGroups(b.detector != null ? b.detector : new ScriptFirstDetector(), index, Mappings.load()),
                cursors);
        this.metrics = b.metrics != null ? b.metrics : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        this.openApi = loadOpenApi();
        this.ingest = b.ingest;
        this.role = b.role;
        this.replica = b.replica;
        this.replicaGauges = replica == null ? null : new ReplicaGauges(replica, metrics);
        this.ranking = b.ranking;
        long timelineBytes = b.timelineBytes == ServiceConfig.HALF ? b.cacheBytes / 2 : b.timelineBytes;
        if (timelineBytes <= 0 || timelineBytes >= b.cacheBytes) {
            throw new IllegalArgumentException("the timelines' cache share must be within the cache's bytes: "
                    + timelineBytes + " of " + b.cacheBytes);
        }
        SearchResultCache searchCache =
                new SearchResultCache(index, index.changes(), b.cacheRefresh, b.cacheBytes - timelineBytes, metrics);
        TimelineCache timelines =
                new TimelineCache(index, index.changes(), b.ranking.candidatesPerAuthor(), timelineBytes, metrics);
        // one viewer context for search and feed, kept apart from the byte budget the two caches above split
        ViewerContexts contexts =
                new ViewerContexts(index, index.changes(), timelines, b.cacheRefresh, VIEWER_CONTEXT_BYTES, metrics);
        this.search = new SearchService(
                params,
                index,
                searchCache,
                new HighlightCache(100_000, metrics),
                contexts,
                new RelevanceWindow(new FeatureScorer(b.ranking)),
                cursors,
                b.clock);
        this.feed = new FeedService(
                index,
                timelines,
                contexts,
                b.ranking,
                cursors,
                b.popularRefresh,
                index.sessions(),
                metrics,
                b.clock,
                b.ticker);
        this.admission = new Admission(b.limits, metrics);
        this.rendered = new RenderedSearches(RENDERED_BYTES, metrics);
        this.rateLimiter = new RateLimiter(b.rate, System::nanoTime);
        AdminRoutes admin = new AdminRoutes(b.reindex, b.adminToken);
        ConsoleAssets console = new ConsoleAssets();
        OpsRoutes ops = new OpsRoutes(b.adminToken, index, Mappings.load(), metrics, b.indexerView);
        List<Route> all = List.of(
                new Route(HandlerType.GET, "/v1/search", SEARCH_PARAMS, true, this::search, this::answeredBefore),
                new Route(
                        HandlerType.GET, "/v1/feed", Set.of("viewer", "limit", "cursor", "explain"), true, this::feed),
                new Route(HandlerType.GET, "/v1/posts/{id}", Set.of("viewer"), true, this::post),
                new Route(HandlerType.GET, "/health", Set.of(), false, ctx -> ctx.result("{\"status\":\"live\"}")),
                new Route(HandlerType.GET, "/ready", Set.of(), false, this::ready),
                new Route(HandlerType.GET, "/metrics", Set.of(), false, this::metrics),
                new Route(HandlerType.GET, "/openapi.json", Set.of(), false, ctx -> ctx.result(openApi)),
                new Route(HandlerType.POST, "/admin/reindex", Set.of(), false, admin::start),
                new Route(HandlerType.GET, "/admin/reindex", Set.of(), false, admin::list),
                new Route(HandlerType.GET, "/admin/reindex/{job}", Set.of(), false, admin::status),
                new Route(HandlerType.POST, "/admin/reindex/{job}/{action}", Set.of(), false, admin::action),
                new Route(HandlerType.GET, "/admin/overview", Set.of(), false, ops::overview),
                new Route(HandlerType.GET, "/admin/dead-letters", Set.of("limit"), false, ops::deadLetters),
                new Route(HandlerType.POST, "/admin/dead-letters/replay", Set.of(), false, ops::replay),
                // the browser console: static pages over the same API (page state lives in the URL's fragment)
                new Route(HandlerType.GET, "/", Set.of(), false, console::playground),
                new Route(HandlerType.GET, "/ops", Set.of(), false, console::ops),
                new Route(HandlerType.GET, "/console/{file}", Set.of(), false, console::asset));
        List<Route> routes = forRole(all, role);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = b.host;
            config.jetty.port = b.port;
            // request threads are virtual: a slow search never holds the thread /health would need (Admission
            // bounds the searches themselves, on platform threads of their own)
            config.concurrency.useVirtualThreads = true;
            // 1,000 CJK characters are ~9 KB percent-encoded: past Jetty's 8 KiB request line and header default
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
            config.http.defaultContentType = "application/json";
            config.http.prefer405over404 = true;
            config.requestLogger.http(this::record);
            for (Route r : routes) {
                Handler h = guarded(r);
                config.routes.addHttpHandler(r.method(), r.path(), h);
                // HEAD is GET without the body: the same checks (auth, parameters, existence), the same status
                if (r.method().equals(HandlerType.GET)) config.routes.addHttpHandler(HandlerType.HEAD, r.path(), h);
            }
            config.routes.exception(ApiException.class, (e, ctx) -> renderError(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                failures.log(ctx.path(), e);
                renderError(ctx, new ApiException(500, "internal_error", null, "internal error; see the server log"));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null
                        || ctx.result().isEmpty()
                        || !ctx.result().startsWith("{\"error\"")) {
                    renderError(
                            ctx,
                            new ApiException(404, "no_route", null, "no route " + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> {
                String allow = Route.allowed(routes, ctx.path());
                if (!allow.isEmpty()) ctx.header("Allow", allow);
                renderError(
                        ctx,
                        new ApiException(
                                405,
                                "method_not_allowed",
                                null,
                                ctx.method() + " is not allowed on " + ctx.path()
                                        + (allow.isEmpty() ? "" : "; allowed: " + allow)));
            });
        });
    }

    /** Parameter names /v1/search takes. */
    static final Set<String> SEARCH_PARAMS = Set.of(
            "q",
            "lang",
            "author",
            "tag",
            "viewer",
            "since",
            "until",
            "limit",
            "sort",
            "cursor",
            "explain",
            "count",
            "highlight");

    static final int MAX_REQUEST_HEADER_BYTES = 32 * 1024;
    static final long VIEWER_CONTEXT_BYTES = 16L << 20;
    /** Rendered search bodies: a hot page is a few kB, so 32 MiB holds thousands of them. */
    static final long RENDERED_BYTES = 32L << 20;

    /**
     * One route: its method, path, the query parameters it takes, whether it is rate limited, its handler, and
     * optionally a shortcut that may answer a request before its parameters are checked (null: none).
     */
    private record Route(
            HandlerType method, String path, Set<String> params, boolean limited, Handler handler, Shortcut shortcut) {
        Route(HandlerType method, String path, Set<String> params, boolean limited, Handler handler) {
            this(method, path, params, limited, handler, null);
        }

        private boolean matches(String requestPath) {
            String[] want = path.split("/", -1), got = requestPath.split("/", -1);
            if (want.length != got.length) return false;
            for (int i = 0; i < want.length; i++) {
                if (!want[i].startsWith("{") && !want[i].equals(got[i])) return false;
            }
            return true;
        }

        /** The {@code Allow} header's value for a path: the methods of every route matching it. */
        static String allowed(List<Route> routes, String requestPath) {
            Set<String> methods = new TreeSet<>();
            for (Route r : routes) {
                if (!r.matches(requestPath)) continue;
                methods.add(r.method().name());
                if (r.method().equals(HandlerType.GET)) methods.add("HEAD");
            }
            return String.join(", ", methods);
        }
    }

    /** Answers a request from what was rendered for the very same one before, or says it did not (false). */
    @FunctionalInterface
    private interface Shortcut {
        boolean answered(Context ctx) throws Exception;
    }

    private Handler guarded(Route r) {
        return ctx -> {
            // the limit comes first, so that neither a shortcut nor a rejected request goes uncounted
            if (r.limited()) rateLimiter.check(ctx.header("Authorization"), ctx.ip());
            if (r.shortcut() != null && r.shortcut().answered(ctx)) return;
            QueryString.check(ctx.queryString(), r.params());
            r.handler().handle(ctx);
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    public FeedsearchServer start() {
        app.start();
        log.info(
                "listening on http://{}:{}", app.jettyServer().server().getURI().getHost(), app.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
        app.stop();
        admission.close();
    }

    // ------------------------------------------------------------------ handlers

    /**
     * A search asked before with the same credentials, {@code Accept-Language} and query string, whose answer still
     * stands: its rendered body, on the request's own thread. The same query string passed the parameter checks
     * before and decodes to the same parameters, so they are not run again; the credentials are (a token can
     * expire), and must still name the viewer the body was rendered for.
     */
    private boolean answeredBefore(Context ctx) throws IOException {
        String key =
                RenderedSearches.key(ctx.header("Authorization"), ctx.header("Accept-Language"), ctx.queryString());
        RenderedSearches.Rendered r = rendered.get(key);
        if (r == null || !Objects.equals(auth.viewer(ctx, r.requested()), r.viewer())) return false;
        if (!search.stillStands(r.basis())) {
            rendered.drop(key);
            return false;
        }
        ctx.outputStream().write(r.body());
        return true;
    }

    private void search(Context ctx) throws Exception {
        String requested = SearchParams.id(ctx, "viewer");
        String viewer = auth.viewer(ctx, requested);
        String key =
                RenderedSearches.key(ctx.header("Authorization"), ctx.header("Accept-Language"), ctx.queryString());
        // parameters are read here, on the request's thread; the engine work runs within the admission bound
        SearchParams.Parsed asked = params.parse(ctx, viewer);
        boolean explain = SearchParams.flag(ctx, "explain"), count = SearchParams.flag(ctx, "count");
        boolean highlight =
                ctx.queryParam("highlight") == null || SearchParams.flag(ctx, "highlight"); // on unless false
        ctx.result(admission.run(() -> {
            SearchService.Result r = search.search(asked, highlight, count);
            String json = HitJson.search(r, explain, ranking).toString();
            if (!count)
                rendered.put(key, json, r.basis(), requested, viewer); // a count is the engine's, read each time
            return json;
        }));
    }

    private void feed(Context ctx) throws Exception {
        String viewer = auth.viewer(ctx, SearchParams.id(ctx, "viewer"));
        if (viewer == null) throw ApiException.badRequest("viewer", "viewer is required: the feed is personal");
        int limit = SearchParams.limit(ctx.queryParam("limit"));
        boolean explain = SearchParams.flag(ctx, "explain");
        String cursor = ctx.queryParam("cursor");
        ctx.result(admission.run(() ->
                HitJson.feed(feed.page(viewer, limit, cursor), explain, ranking).toString()));
    }

    private void post(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        String viewer = auth.viewer(ctx, SearchParams.id(ctx, "viewer"));
        // unknown, deleted and not-visible answer alike, so existence of a private post does not leak
        var post = index.get(id, viewer).orElseThrow(() -> ApiException.notFound("post " + id + " not found"));
        ctx.result(HitJson.post(post).toString());
    }

    /**
     * The routes a role answers: a query replica's {@code /admin/*} only says where the indexer is (409), and an
     * indexer has no {@code /v1/*} API and no playground page.
     */
    private List<Route> forRole(List<Route> routes, ServerRole role) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            boolean admin = r.path().startsWith("/admin/");
            boolean api = r.path().startsWith("/v1/") || r.path().equals("/");
            if (role == ServerRole.QUERY && admin)
                out.add(new Route(r.method(), r.path(), r.params(), false, this::elsewhere));
            else if (role != ServerRole.INDEXER || !api) out.add(r);
        }
        return out;
    }

    private void metrics(Context ctx) {
        if (replicaGauges != null) replicaGauges.refresh();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    private void elsewhere(Context ctx) {
        String holder = replica == null
                ? null
                : replica.writer().map(ServerRole.ReplicaStatus.Writer::holder).orElse(null);
        var body = PostJson.MAPPER.createObjectNode();
        body.putObject("error")
                .put("code", "query_replica")
                .put(
                        "message",
                        "this process is a query replica and never writes; send /admin requests to the indexer"
                                + (holder == null ? " (no indexer holds the writer lease now)" : ": " + holder));
        body.put("indexer", holder);
        ctx.status(HttpStatus.CONFLICT).result(body.toString());
    }

    private void ready(Context ctx) {
        try {
            IndexStats s = index.stats();
            var body = PostJson.MAPPER.createObjectNode();
            body.put("status", "ready").put("posts", s.posts()).put("follows", s.follows());
            if (replica != null) {
                var lag = replica.changeFeedLagSeconds();
                if (lag.isPresent()) body.put("change_feed_lag_seconds", lag.getAsDouble());
                else body.putNull("change_feed_lag_seconds");
                var writer = replicaGauges.refresh();
                body.put(
                        "lease_holder",
                        writer.map(ServerRole.ReplicaStatus.Writer::holder).orElse(null));
                if (writer.isPresent())
                    body.put("writer_heartbeat_age_seconds", writer.get().heartbeatAgeSeconds());
                else body.putNull("writer_heartbeat_age_seconds");
            }
            if (ingest != null) {
                var lag = ingest.lagSeconds();
                if (lag.isPresent()) body.put("stream_lag_seconds", lag.getAsDouble());
                else body.putNull("stream_lag_seconds");
                String problem = ingest.problem();
                if (problem != null) {
                    body.put("status", "unavailable").put("reason", "change stream stopped: " + problem);
                    ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
                }
            }
            ctx.result(body.toString());
        } catch (IOException | RuntimeException e) {
            log.warn("not ready", e);
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .result("{\"status\":\"unavailable\",\"reason\":\"index not reachable\"}");
        }
    }

    private void record(Context ctx, Float ms) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException none) {
            route = "unmatched";
        }
        // one timer per (route, status), found without building a meter id on every request
        String r = route;
        int status = ctx.statusCode();
        requestTimers
                .computeIfAbsent(
                        r + ' ' + status,
                        k -> Timer.builder("http.server.requests")
                                .tag("route", r)
                                .tag("status", String.valueOf(status))
                                .publishPercentileHistogram(false)
                                .register(metrics))
                .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private static void renderError(Context ctx, ApiException e) {
        if (e.retryAfterSeconds() >= 0) ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        ctx.status(e.status())
                .contentType("application/json")
                .result(HitJson.error(e).toString());
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = FeedsearchServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json missing from the classpath");
            byte[] bytes = in.readAllBytes();
            JsonNode parsed = PostJson.MAPPER.readTree(bytes); // fail fast if broken
            if (!parsed.has("openapi")) throw new IllegalStateException("openapi.json is not an OpenAPI document");
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private PostIndex index;
        private Set<String> languages = Set.of();
        private String host = "127.0.0.1";
        private int port = 7070;
        private PrometheusMeterRegistry metrics;
        private RankingConfig ranking = RankingConfig.DEFAULTS;
        private LanguageDetector detector;
        private Duration cacheRefresh = Duration.ofSeconds(1);
        private Duration popularRefresh = ServiceConfig.POPULAR_REFRESH;
        private long cacheBytes = 64L << 20;
        private long timelineBytes = ServiceConfig.HALF;
        private ReindexControl reindex;
        private String adminToken;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private IngestStatus ingest;
        private ServerRole role = ServerRole.ALL;
        private ServerRole.ReplicaStatus replica;
        private IndexerView indexerView;
        private CursorSigner cursorSigner;
        private ViewerAuth auth = ViewerAuth.NONE;
        private Admission.Limits limits = Admission.Limits.defaults();
        private RateLimiter.Rate rate = RateLimiter.Rate.OFF;

        public Builder index(PostIndex v) {
            index = v;
            return this;
        }

        public Builder ranking(RankingConfig v) {
            ranking = v;
            return this;
        }
        /** Detects the language of query texts (default: a new {@link ScriptFirstDetector}). */
        public Builder detector(LanguageDetector v) {
            detector = v;
            return this;
        }
        /** Ranking and cache settings from a config file. */
        public Builder config(ServiceConfig v) {
            ranking = v.ranking();
            cacheRefresh = v.cacheRefresh();
            popularRefresh = v.popularRefresh();
            cacheBytes = v.cacheBytes();
            timelineBytes = v.timelineBytes();
            limits = v.limits();
            rate = v.rate();
            return this;
        }
        /** Concurrent searches, the wait for a slot and each search's time budget (default {@link Admission.Limits#defaults()}). */
        public Builder limits(Admission.Limits v) {
            limits = Objects.requireNonNull(v, "limits");
            return this;
        }
        /** Per-client request rate on /v1/* (default off). */
        public Builder rate(RateLimiter.Rate v) {
            rate = Objects.requireNonNull(v, "rate");
            return this;
        }
        /** Longest a cached search page may lag behind a new matching post (default 1 s). */
        public Builder cacheRefresh(Duration v) {
            cacheRefresh = v;
            return this;
        }
        /** How long one read of a language's popular posts serves every feed (default {@link ServiceConfig#POPULAR_REFRESH}). */
        public Builder popularRefresh(Duration v) {
            popularRefresh = Objects.requireNonNull(v, "popularRefresh");
            return this;
        }
        /** Memory for the hot caches (default 64 MiB), split between search pages and author timelines. */
        public Builder cacheBytes(long v) {
            cacheBytes = v;
            return this;
        }
        /** The author timelines' share of {@link #cacheBytes} (default half); the rest holds search pages. */
        public Builder timelineBytes(long v) {
            timelineBytes = v;
            return this;
        }
        /** The clock feeds rank recency against (tests pin it). */
        public Builder clock(Clock v) {
            clock = v;
            return this;
        }
        /** Nanosecond source for the ranking time budget (tests stand in a slow machine with a fake one). */
        public Builder ticker(LongSupplier v) {
            ticker = v;
            return this;
        }
        /** Which routes this process answers, and for a query replica what it follows (in /ready). */
        public Builder role(ServerRole v, ServerRole.ReplicaStatus status) {
            role = v;
            replica = status;
            return this;
        }

        /** The change streams feeding the index, for /ready (lag, stopped streams). */
        public Builder ingest(IngestStatus v) {
            ingest = v;
            return this;
        }
        /** The change streams and dead letters behind /admin/overview and /admin/dead-letters (default: none). */
        public Builder indexer(IndexerView v) {
            indexerView = v;
            return this;
        }
        /** Seals and verifies cursors (default: keys from FEEDSEARCH_CURSOR_KEYS, else a random key of this process). */
        public Builder cursorSigner(CursorSigner v) {
            cursorSigner = v;
            return this;
        }
        /** Who may pass which {@code viewer} (default {@link ViewerAuth#NONE}: the parameter is believed). */
        public Builder auth(ViewerAuth v) {
            auth = Objects.requireNonNull(v, "auth");
            return this;
        }
        /** Reindex jobs behind /admin/reindex, guarded by a bearer token (no token: the admin API answers 403). */
        public Builder admin(ReindexControl jobs, String token) {
            reindex = jobs;
            adminToken = token;
            return this;
        }
        /** language codes accepted by the {@code lang} filter */
        public Builder languages(Set<String> v) {
            languages = v;
            return this;
        }

        public Builder host(String v) {
            host = v;
            return this;
        }
        /** 0 picks a free port */
        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder metrics(PrometheusMeterRegistry v) {
            metrics = v;
            return this;
        }

        public FeedsearchServer build() {
            return new FeedsearchServer(this);
        }
    }
}
