package dev.feedsearch.query;

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
 * {@code {"ranking": {...RankingConfig fields...}, "cache": {"refresh_ms": 1000, "max_mb": 64}}}. Anything
 * left out keeps its default; an unknown key is an error that names it (a typo must not silently do nothing).
 */
public record ServiceConfig(RankingConfig ranking, Duration cacheRefresh, long cacheBytes) {
    public static final ServiceConfig DEFAULTS = new ServiceConfig(RankingConfig.DEFAULTS, Duration.ofSeconds(1), 64L << 20);

    public static ServiceConfig load(Path file) throws IOException {
        JsonNode root = PostJson.MAPPER.readTree(file.toFile());
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("ranking") && !k.equals("cache")) throw new IllegalArgumentException(file + ": unknown key '" + k + "' (expected ranking, cache)");
        }
        ObjectNode ranking = PostJson.MAPPER.valueToTree(RankingConfig.DEFAULTS);
        if (root.has("ranking")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("ranking").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!ranking.has(e.getKey())) throw new IllegalArgumentException(file + ": unknown ranking key '" + e.getKey() + "'");
                ranking.set(e.getKey(), e.getValue());
            }
        }
        Duration refresh = DEFAULTS.cacheRefresh();
        long bytes = DEFAULTS.cacheBytes();
        if (root.has("cache")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("cache").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "refresh_ms" -> refresh = Duration.ofMillis(e.getValue().asLong());
                    case "max_mb" -> bytes = e.getValue().asLong() << 20;
                    default -> throw new IllegalArgumentException(file + ": unknown cache key '" + e.getKey() + "' (expected refresh_ms, max_mb)");
                }
            }
        }
        try {
            return new ServiceConfig(PostJson.MAPPER.treeToValue(ranking, RankingConfig.class), refresh, bytes);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(file + ": " + cause.getMessage(), e);
        }
    }
}
