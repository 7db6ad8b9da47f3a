package dev.feedsearch.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import io.javalin.Javalin;
import dev.feedsearch.query.admin.AdminRoutes;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.query.cache.SearchResultCache;
import dev.feedsearch.query.cache.TimelineCache;
import dev.feedsearch.query.feed.FeedPage;
import dev.feedsearch.query.feed.FeedService;
import dev.feedsearch.query.rank.FeatureScorer;
import dev.feedsearch.query.rank.RankingConfig;
import dev.feedsearch.query.rank.RelevanceWindow;
import dev.feedsearch.query.rank.ViewerContext;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
    private final SearchResultCache searchCache;
    private final FeedService feed;
    private final FeatureScorer scorer;
    private final RelevanceWindow relevance;
    private final Clock clock;
    private final IngestStatus ingest;

    private FeedsearchServer(Builder b) {
        this.index = Objects.requireNonNull(b.index, "index");
        this.params = new SearchParams(b.languages, new QueryGroups(
                b.detector != null ? b.detector : new dev.feedsearch.core.lang.ScriptFirstDetector(), index, dev.feedsearch.mappings.Mappings.load()));
        this.metrics = b.metrics != null ? b.metrics : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        this.openApi = loadOpenApi();
        this.clock = b.clock;
        this.ingest = b.ingest;
        this.scorer = new FeatureScorer(b.ranking);
        this.relevance = new RelevanceWindow(scorer);
        this.searchCache = new SearchResultCache(index, b.cacheRefresh, b.cacheBytes / 2, metrics);
        this.feed = new FeedService(index, new TimelineCache(index, b.ranking.candidatesPerAuthor(), b.cacheBytes / 2, metrics),
                b.ranking, metrics, clock, b.ticker);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = b.host;
            config.jetty.port = b.port;
            config.http.defaultContentType = "application/json";
            config.requestLogger.http(this::record);
            config.routes.get("/v1/search", this::search);
            config.routes.get("/v1/feed", this::feed);
            config.routes.get("/v1/posts/{id}", this::post);
            config.routes.get("/health", ctx -> ctx.result("{\"status\":\"live\"}"));
            config.routes.get("/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/openapi.json", ctx -> ctx.result(openApi));
            AdminRoutes admin = new AdminRoutes(b.reindex, b.adminToken);
            config.routes.post("/admin/reindex", admin::start);
            config.routes.get("/admin/reindex", admin::list);
            config.routes.get("/admin/reindex/{job}", admin::status);
            config.routes.post("/admin/reindex/{job}/{action}", admin::action);
            config.routes.exception(ApiException.class, (e, ctx) -> renderError(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("request {} failed", ctx.path(), e);
                renderError(ctx, new ApiException(500, "internal_error", null, "internal error; see the server log"));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{\"error\"")) {
                    renderError(ctx, new ApiException(404, "no_route", null, "no route " + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> renderError(ctx, new ApiException(405, "method_not_allowed", null, "method not allowed")));
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    public FeedsearchServer start() {
        app.start();
        log.info("listening on http://{}:{}", app.jettyServer().server().getURI().getHost(), app.port());
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
    }

    // ------------------------------------------------------------------ handlers

    private void search(Context ctx) throws IOException {
        SearchParams.Parsed parsed = params.parse(ctx);
        SearchQuery q = parsed.query();
        boolean explain = SearchParams.flag(ctx, "explain");
        if (q.sort() == SortOrder.RECENT) {
            ctx.result(HitJson.page(searchCache.search(q), q, explain).toString());
            return;
        }
        // relevance: the engine's best hits scored together, one order over the whole window (RelevanceWindow); the
        // language feature is the client's own language, which tells apart neighbours sharing a group and its words
        String client = parsed.clientLanguage();
        Set<String> languages = client == null ? Set.of() : Set.of(client);
        ViewerContext viewer = q.viewer() == null ? new ViewerContext(null, Set.of(), Set.of(), languages)
                : new ViewerContext(q.viewer(), index.followees(q.viewer()), index.followers(q.viewer()), languages);
        RelevanceWindow.Page page = relevance.page(q, viewer, parsed.relevanceAfter(), clock.instant(), searchCache::search);
        String next = page.next() == null ? null : CursorCodec.encode(new CursorCodec.Relevance(q.queryGroups(), client, page.next()), q);
        ctx.result(HitJson.ranked(page.hits(), q.text() != null, next, scorer.config(), explain).toString());
    }

    private void feed(Context ctx) throws IOException {
        String viewer = SearchParams.id(ctx, "viewer");
        if (viewer == null) throw ApiException.badRequest("viewer", "viewer is required: the feed is personal");
        int limit = SearchParams.limit(ctx.queryParam("limit"));
        boolean explain = SearchParams.flag(ctx, "explain");
        FeedPage page = feed.page(viewer, limit, ctx.queryParam("cursor"));
        ctx.result(HitJson.feed(page, explain, scorer.config()).toString());
    }

    private void post(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        String viewer = SearchParams.id(ctx, "viewer");
        // unknown, deleted and not-visible answer alike, so existence of a private post does not leak
        var post = index.get(id, viewer).orElseThrow(() -> ApiException.notFound("post " + id + " not found"));
        ctx.result(HitJson.post(post).toString());
    }

    private void ready(Context ctx) {
        try {
            IndexStats s = index.stats();
            var body = dev.feedsearch.core.model.PostJson.MAPPER.createObjectNode();
            body.put("status", "ready").put("posts", s.posts()).put("follows", s.follows());
            if (ingest != null) {
                var lag = ingest.lagSeconds();
                if (lag.isPresent()) body.put("stream_lag_seconds", lag.getAsDouble()); else body.putNull("stream_lag_seconds");
                String problem = ingest.problem();
                if (problem != null) {
                    body.put("status", "unavailable").put("reason", "change stream stopped: " + problem);
                    ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
                }
            }
            ctx.result(body.toString());
        } catch (IOException | RuntimeException e) {
            log.warn("not ready", e);
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).result("{\"status\":\"unavailable\",\"reason\":\"index not reachable\"}");
        }
    }

    private void record(Context ctx, Float ms) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException none) {
            route = "unmatched";
        }
        Timer.builder("http.server.requests").tag("route", route).tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram(false).register(metrics)
                .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private static void renderError(Context ctx, ApiException e) {
        ctx.status(e.status()).contentType("application/json").result(HitJson.error(e).toString());
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = FeedsearchServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json missing from the classpath");
            byte[] bytes = in.readAllBytes();
            JsonNode parsed = dev.feedsearch.core.model.PostJson.MAPPER.readTree(bytes); // fail fast if broken
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
        private dev.feedsearch.core.lang.LanguageDetector detector;
        private Duration cacheRefresh = Duration.ofSeconds(1);
        private long cacheBytes = 64L << 20;
        private dev.feedsearch.core.reindex.ReindexControl reindex;
        private String adminToken;
        private Clock clock = Clock.systemUTC();
        private java.util.function.LongSupplier ticker = System::nanoTime;
        private IngestStatus ingest;

        public Builder index(PostIndex v) { index = v; return this; }
        public Builder ranking(RankingConfig v) { ranking = v; return this; }
        /** Detects the language of query texts (default: a new {@link dev.feedsearch.core.lang.ScriptFirstDetector}). */
        public Builder detector(dev.feedsearch.core.lang.LanguageDetector v) { detector = v; return this; }
        /** Ranking and cache settings from a config file. */
        public Builder config(ServiceConfig v) { ranking = v.ranking(); cacheRefresh = v.cacheRefresh(); cacheBytes = v.cacheBytes(); return this; }
        /** Longest a cached search page may lag behind a new matching post (default 1 s). */
        public Builder cacheRefresh(Duration v) { cacheRefresh = v; return this; }
        /** Memory for the hot caches (default 64 MiB), split between search pages and author timelines. */
        public Builder cacheBytes(long v) { cacheBytes = v; return this; }
        /** The clock feeds rank recency against (tests pin it). */
        public Builder clock(Clock v) { clock = v; return this; }
        /** Nanosecond source for the ranking time budget (tests stand in a slow machine with a fake one). */
        public Builder ticker(java.util.function.LongSupplier v) { ticker = v; return this; }
        /** The change streams feeding the index, for /ready (lag, stopped streams). */
        public Builder ingest(IngestStatus v) { ingest = v; return this; }
        /** Reindex jobs behind /admin/reindex, guarded by a bearer token (no token: the admin API answers 403). */
        public Builder admin(dev.feedsearch.core.reindex.ReindexControl jobs, String token) { reindex = jobs; adminToken = token; return this; }
        /** language codes accepted by the {@code lang} filter */
        public Builder languages(Set<String> v) { languages = v; return this; }
        public Builder host(String v) { host = v; return this; }
        /** 0 picks a free port */
        public Builder port(int v) { port = v; return this; }
        public Builder metrics(PrometheusMeterRegistry v) { metrics = v; return this; }

        public FeedsearchServer build() {
            return new FeedsearchServer(this);
        }
    }
}
