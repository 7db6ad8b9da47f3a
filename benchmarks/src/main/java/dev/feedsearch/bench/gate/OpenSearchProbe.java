package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.bench.BenchQueries;
import dev.feedsearch.bench.OpenSearchRun;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.opensearch.client.opensearch.core.SearchRequest;

/**
 * The OpenSearch engine against raw OpenSearch on the same node (as {@code OpenSearchRun}, in gate form):
 * <ul>
 * <li>ingest: the same pre-detected posts in the same batches into the same per-group indices, a plain client's
 *     {@code _bulk} vs {@code OpenSearchPostIndex.apply} with refresh off, so the ratio is the engine's own work
 *     (version lookup in the keys index, external versions, the keys write) and not the refresh wait;</li>
 * <li>search: {@code OpenSearchPostIndex.search} in-process vs the very request it builds, sent to {@code _search}
 *     by a plain client, interleaved query by query so that both sides see the same node load and caches.</li>
 * </ul>
 */
public final class OpenSearchProbe implements Probe {
    // The search phase runs perTarget a side and at least this many passes (every query × both sorts, each side
    // once, ~2 s on 2 cores): perTarget alone (2 s quick, 4 s full) is ~2 or ~4 passes, 100 or 200 samples a
    // side, thin for a p99. Full mode's budget (5 min) has room for a few more; quick mode's (90 s) has not.
    private static final int QUICK_PASSES = 2, FULL_PASSES = 6;

    private GateContext ctx;
    private String url;
    private Mappings mappings;
    private List<PostChange> changes;
    private OpenSearchPostIndex searcher;
    private final List<SearchQuery> queries = new ArrayList<>();
    private final List<String> rawPaths = new ArrayList<>(), rawBodies = new ArrayList<>();

    @Override
    public String name() {
        return "opensearch";
    }

    @Override
    public List<String> metrics() {
        return List.of("opensearch.ingest.ratio", "opensearch.search.ratio", "opensearch.search.p99");
    }

    @Override
    public void open(GateContext context) throws Exception {
        ctx = context;
        url = ctx.requireOpenSearch();
        OpenSearchRun.awaitNode(url);
        mappings = Mappings.load();
        int wanted = ctx.quick() ? 4_000 : 20_000;
        // detected once, here: only indexing is timed, and both sides get the very same changes
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), mappings);
        changes = new ArrayList<>(wanted);
        for (JsonNode n : ctx.postRecords(wanted)) if (factory.fromJson(n) instanceof PostChange pc) changes.add(pc);
        // warm-up. The raw side's own code is building the _bulk documents (its HTTP client is the one the raw
        // searches use): built here without a load, which would cost ~3 s of index creation for nothing; the
        // lengths are summed and checked so that the JIT cannot drop the work
        long bytes = 0;
        for (int pass = 0; pass < 3; pass++)
            for (PostChange pc : changes) bytes += OpenSearchRun.document(pc).length();
        if (bytes == 0) throw new IllegalStateException("empty documents");
        OpenSearchRun.engineBulk(url, mappings, changes, OpenSearchConfig.Refresh.FALSE);
        // one engine instance searches in every round, as a service keeps one: opening re-puts the 30 group
        // templates (~2 s). Searches name only the read alias, which every reload recreates (same v1 indices)
        searcher = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
        buildQueries();
        search(true, 1, Duration.ZERO);
    }

    /**
     * Odd rounds: raw load, engine load, searches; even rounds: engine load, searches, raw load. Each load wipes
     * the node first, so the searches must follow the engine's load; they run between the two loads rather than
     * paying a third load (~8 s) to keep the two back to back.
     * <p>
     * The default refresh ({@code wait_for}) is not measured: with the 1 s refresh interval each batch waits up to
     * a second; such a load took 11-13 s of a round in quick mode (~35 s full, by its ~700 docs/s), which the 90 s
     * (5 min) budget does not leave. {@code OpenSearchRun} measures it.
     */
    @Override
    public Round round(int round) throws Exception {
        boolean rawFirst = round % 2 == 1;
        double raw = 0, engine;
        if (rawFirst) raw = OpenSearchRun.rawBulk(url, mappings, changes);
        engine = OpenSearchRun.engineBulk(url, mappings, changes, OpenSearchConfig.Refresh.FALSE);
        // the fresh segments' first touch (page faults, per-segment caches) goes to neither side
        for (int i = 0; i < queries.size(); i++) OpenSearchRun.send(url, "POST", rawPaths.get(i), rawBodies.get(i));
        Histogram[] s = search(
                rawFirst,
                ctx.quick() ? QUICK_PASSES : FULL_PASSES,
                ctx.perTarget().multipliedBy(2));
        if (!rawFirst) raw = OpenSearchRun.rawBulk(url, mappings, changes);
        Histogram rawH = s[0], engH = s[1];

        Map<String, Double> figures = new HashMap<>();
        figures.put("opensearch.raw_bulk.docs_per_s", raw);
        figures.put("opensearch.engine.docs_per_s", engine);
        figures.put("opensearch.raw_search.mean_ms", Timed.ms(rawH.getMean()));
        figures.put("opensearch.engine_search.mean_ms", Timed.ms(engH.getMean()));
        for (int p : new int[] {50, 99}) {
            figures.put("opensearch.raw_search.p" + p + "_ms", Timed.ms(rawH.getValueAtPercentile(p)));
            figures.put("opensearch.engine_search.p" + p + "_ms", Timed.ms(engH.getValueAtPercentile(p)));
        }
        return new Round(
                Map.of(
                        "opensearch.ingest.ratio", engine / raw,
                        "opensearch.search.ratio", engH.getMean() / rawH.getMean(),
                        "opensearch.search.p99",
                                (double) engH.getValueAtPercentile(99) / rawH.getValueAtPercentile(99)),
                figures);
    }

    /** Every bench query × both sorts, with the exact {@code _search} call the engine makes for it. */
    private void buildQueries() throws Exception {
        var mapper = searcher.client()._transport().jsonpMapper();
        for (SortOrder sort : SortOrder.values()) {
            for (String q : BenchQueries.QUERIES) {
                SearchQuery sq =
                        SearchQuery.builder().text(q).sort(sort).limit(20).build();
                SearchRequest req = searcher.searchRequest(sq);
                StringWriter w = new StringWriter();
                try (JsonGenerator gen = mapper.jsonProvider().createGenerator(w)) {
                    req.serialize(gen, mapper);
                }
                queries.add(sq);
                rawBodies.add(w.toString());
                // the engine's target and preference travel in the URL, not the body
                rawPaths.add("/" + String.join(",", req.index()) + "/_search"
                        + (req.preference() == null
                                ? ""
                                : "?preference=" + URLEncoder.encode(req.preference(), StandardCharsets.UTF_8)));
            }
        }
    }

    /**
     * Each query sent raw and through the engine back to back, which side first alternating query by query
     * (and flipping every pass) so that neither side always finds the other's caches warm; until {@code atLeast}
     * has passed and at least {@code minPasses} whole passes are done. Returns {raw, engine} latencies (ns).
     */
    private Histogram[] search(boolean rawFirst, int minPasses, Duration atLeast) throws Exception {
        Histogram raw = new Histogram(60_000_000_000L, 3), engine = new Histogram(60_000_000_000L, 3);
        long end = System.nanoTime() + atLeast.toNanos();
        int n = queries.size();
        for (int k = 0; k < minPasses * n || System.nanoTime() < end; k++) {
            int i = k % n;
            boolean rawNow = rawFirst ^ ((k / n + i) % 2 == 1);
            for (int side = 0; side < 2; side++) {
                boolean isRaw = rawNow == (side == 0);
                long t0 = System.nanoTime();
                if (isRaw) OpenSearchRun.send(url, "POST", rawPaths.get(i), rawBodies.get(i));
                else searcher.search(queries.get(i));
                (isRaw ? raw : engine).recordValue(System.nanoTime() - t0);
            }
        }
        return new Histogram[] {raw, engine};
    }

    @Override
    public void close() throws Exception {
        if (searcher != null) searcher.close();
        if (url != null) OpenSearchRun.wipe(url);
    }
}
