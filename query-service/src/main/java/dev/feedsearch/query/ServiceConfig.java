package dev.feedsearch.query;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.query.rank.RankingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * The service's tunables, from a JSON file given to {@code serve --config}:
 * {@code {"ranking": {...RankingConfig fields...}, "cache": {"refresh_ms": 1000, "popular_ms": 30000, "max_mb": 64, "timelines_mb": 32}, "limits": {"max_concurrent_searches": 4,
 * "queue_wait_ms": 200, "search_budget_ms": 5000, "rate_per_second": 0, "rate_burst": 0}}}. Anything
 * left out keeps its default; an unknown key is an error that names it (a typo must not silently do nothing).
 */
public record ServiceConfig(
        RankingConfig ranking,
        Duration cacheRefresh,
        Duration popularRefresh,
        long cacheBytes,
        long timelineBytes,
        Admission.Limits limits,
        RateLimiter.Rate rate) {
    /**
     * {@code timelineBytes} when the file names none: half of {@code cacheBytes}. The feed's shared author timelines
     * churn when the active authors outgrow their share (issue 15 measured a 73–78% hit rate at 1M posts with 100k
     * authors in 32 MiB), so a deployment with many authors gives them more with {@code cache.timelines_mb}.
     */
    public static final long HALF = -1;
    /**
     * How long one read of a language's popular posts serves every viewer's feed. Reading them is a sorted scan of the
     * popular window and a decode of each hit, per language: redone every second it was a third of the feed's CPU at
     * 1M posts. A stranger's post reaching others' feeds up to this late costs nothing in privacy (each page is
     * re-read for its viewer) and little in freshness: an author's followers see their post at once, from timelines.
     */
    public static final Duration POPULAR_REFRESH = Duration.ofSeconds(30);

    public static final ServiceConfig DEFAULTS = new ServiceConfig(
            RankingConfig.DEFAULTS,
            Duration.ofSeconds(1),
            POPULAR_REFRESH,
            64L << 20,
            HALF,
            Admission.Limits.defaults(),
            RateLimiter.Rate.OFF);

    public static ServiceConfig load(Path file) throws IOException {
        JsonNode root = PostJson.MAPPER.readTree(file.toFile());
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("ranking") && !k.equals("cache") && !k.equals("limits")) {
                throw new IllegalArgumentException(
                        file + ": unknown key '" + k + "' (expected ranking, cache, limits)");
            }
        }
        ObjectNode ranking = PostJson.MAPPER.valueToTree(RankingConfig.DEFAULTS);
        if (root.has("ranking")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("ranking").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!ranking.has(e.getKey()))
                    throw new IllegalArgumentException(file + ": unknown ranking key '" + e.getKey() + "'");
                ranking.set(e.getKey(), e.getValue());
            }
        }
        Duration refresh = DEFAULTS.cacheRefresh(), popular = DEFAULTS.popularRefresh();
        long bytes = DEFAULTS.cacheBytes(), timelines = HALF;
        if (root.has("cache")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("cache").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "refresh_ms" ->
                        refresh = Duration.ofMillis(within(file, "cache.refresh_ms", e.getValue(), 0, 3_600_000));
                    case "popular_ms" ->
                        popular = Duration.ofMillis(within(file, "cache.popular_ms", e.getValue(), 0, 3_600_000));
                    case "max_mb" -> bytes = within(file, "cache.max_mb", e.getValue(), 1, 1 << 20) << 20;
                    case "timelines_mb" ->
                        timelines = within(file, "cache.timelines_mb", e.getValue(), 1, 1 << 20) << 20;
                    default ->
                        throw new IllegalArgumentException(file + ": unknown cache key '" + e.getKey()
                                + "' (expected refresh_ms, popular_ms, max_mb, timelines_mb)");
                }
            }
            if (timelines != HALF && timelines >= bytes) {
                throw new IllegalArgumentException(file + ": cache.timelines_mb (" + (timelines >> 20)
                        + ") must be less than cache.max_mb (" + (bytes >> 20) + "): the rest holds search pages");
            }
        }
        Admission.Limits d = DEFAULTS.limits();
        long concurrent = d.maxConcurrent(),
                wait = d.queueWait().toMillis(),
                budget = d.budget().toMillis(),
                burst = 0;
        double perSecond = 0;
        if (root.has("limits")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("limits").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isNumber())
                    throw new IllegalArgumentException(file + ": limits." + e.getKey() + " must be a number");
                switch (e.getKey()) {
                    case "max_concurrent_searches" -> concurrent = v.asLong();
                    case "queue_wait_ms" -> wait = v.asLong();
                    case "search_budget_ms" -> budget = v.asLong();
                    case "rate_per_second" -> perSecond = v.asDouble();
                    case "rate_burst" -> burst = v.asLong();
                    default ->
                        throw new IllegalArgumentException(
                                file + ": unknown limits key '" + e.getKey()
                                        + "' (expected max_concurrent_searches, queue_wait_ms, search_budget_ms, rate_per_second, rate_burst)");
                }
            }
        }
        try {
            Admission.Limits limits = new Admission.Limits(
                    (int) Math.clamp(concurrent, -1, 1_025), Duration.ofMillis(wait), Duration.ofMillis(budget));
            RateLimiter.Rate rate = new RateLimiter.Rate(perSecond, (int) Math.clamp(burst, -1, 1_000_001));
            return new ServiceConfig(
                    PostJson.MAPPER.treeToValue(ranking, RankingConfig.class),
                    refresh,
                    popular,
                    bytes,
                    timelines,
                    limits,
                    rate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(file + ": " + cause.getMessage(), e);
        }
    }

    private static long within(Path file, String name, JsonNode v, long min, long max) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(
                    file + ": " + name + " must be an integer within " + min + ".." + max + ", got " + v);
        }
        return v.asLong();
    }
}
