package dev.feedsearch.query.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.IndexStats;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.ApiException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/**
 * The small JSON endpoints the operations page polls, behind the admin token: {@code GET /admin/overview} (index
 * counts per language group, caches, change streams, dead-letter count), {@code GET /admin/dead-letters} and
 * {@code POST /admin/dead-letters/replay}. Everything here is read from what the process already keeps.
 */
public final class OpsRoutes {
    static final int MAX_DEAD_LETTERS = 200;

    private final AdminToken token;
    private final PostIndex index;
    private final Mappings mappings;
    private final MeterRegistry metrics;
    private final IndexerView indexer;

    public OpsRoutes(String token, PostIndex index, Mappings mappings, MeterRegistry metrics, IndexerView indexer) {
        this.token = new AdminToken(token);
        this.index = index;
        this.mappings = mappings;
        this.metrics = metrics;
        this.indexer = indexer == null ? IndexerView.NONE : indexer;
    }

    public void overview(Context ctx) throws IOException {
        token.check(ctx);
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        IndexStats s = index.stats();
        ObjectNode ix = root.putObject("index")
                .put("posts", s.posts())
                .put("tombstones", s.tombstones())
                .put("follows", s.follows());
        ObjectNode groups = ix.putObject("groups");
        Rebuildable r = index.rebuilds().orElse(null);
        if (r != null) {
            // the serving version's live posts: what a reindex of that group would copy
            for (LanguageGroup g : mappings.groups()) {
                int v = r.servingVersion(g.name());
                groups.putObject(g.name()).put("posts", r.count(g.name(), v)).put("version", v);
            }
        }
        ArrayNode caches = root.putArray("caches");
        // every cache this process monitors, as Caffeine's binder registered it: a new cache shows without a list here
        metrics.find("cache.size").gauges().stream()
                .map(g -> g.getId().getTag("cache"))
                .distinct()
                .sorted()
                .forEach(name -> caches.add(cache(name)));
        ArrayNode streams = root.putArray("streams");
        for (IndexerView.Stream st : indexer.streams()) {
            ObjectNode o = streams.addObject()
                    .put("name", st.name())
                    .put("applied", st.applied())
                    .put("restarts", st.restarts());
            if (st.lagSeconds() == null) o.putNull("lag_seconds");
            else o.put("lag_seconds", st.lagSeconds());
            o.put("problem", st.problem());
            ObjectNode cp = o.putObject("checkpoints");
            st.checkpoints().forEach(cp::put);
        }
        root.put("dead_letters", indexer.deadLetterCount());
        ctx.result(root.toString());
    }

    public void deadLetters(Context ctx) throws IOException {
        token.check(ctx);
        int limit = limit(ctx.queryParam("limit"));
        ObjectNode root = PostJson.MAPPER.createObjectNode();
        root.put("count", indexer.deadLetterCount());
        ArrayNode entries = root.putArray("entries");
        for (IndexerView.DeadLetter d : indexer.deadLetters(limit)) {
            entries.addObject()
                    .put("line", d.line())
                    .put("at", d.at() == null ? null : d.at().toString())
                    .put("source", d.source())
                    .put("position", d.position())
                    .put("field", d.field())
                    .put("reason", d.reason())
                    .put("raw", d.raw());
        }
        ctx.result(root.toString());
    }

    public void replay(Context ctx) throws IOException {
        token.check(ctx);
        IndexerView.Replay r = indexer.replayDeadLetters();
        ctx.result(PostJson.MAPPER
                .createObjectNode()
                .put("replayed", r.replayed())
                .put("remaining", r.remaining())
                .put("unreadable", r.unreadable())
                .toString());
    }

    /** Hits, misses, hit rate, entries and evictions of one cache, from the meters Caffeine's binder registered. */
    private ObjectNode cache(String name) {
        double hits = counter("cache.gets", name, "hit"), misses = counter("cache.gets", name, "miss");
        ObjectNode o = PostJson.MAPPER
                .createObjectNode()
                .put("name", name)
                .put("hits", (long) hits)
                .put("misses", (long) misses);
        if (hits + misses > 0) o.put("hit_rate", hits / (hits + misses));
        else o.putNull("hit_rate");
        Gauge size = metrics.find("cache.size").tag("cache", name).gauge();
        o.put("entries", size == null ? 0 : (long) size.value());
        o.put("evictions", (long) counter("cache.evictions", name, null));
        return o;
    }

    private double counter(String meter, String cache, String result) {
        var search = metrics.find(meter).tag("cache", cache);
        if (result != null) search = search.tag("result", result);
        FunctionCounter fc = search.functionCounter();
        if (fc != null) return fc.count();
        var c = search.counter();
        return c == null ? 0 : c.count();
    }

    private static int limit(String given) {
        if (given == null) return 50;
        try {
            int n = Integer.parseInt(given);
            if (n >= 1 && n <= MAX_DEAD_LETTERS) return n;
        } catch (NumberFormatException ignored) {
            // falls through to the refusal
        }
        throw ApiException.badRequest("limit", "limit must be an integer from 1 to " + MAX_DEAD_LETTERS);
    }
}
