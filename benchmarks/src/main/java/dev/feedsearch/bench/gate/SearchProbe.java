package dev.feedsearch.bench.gate;

import dev.feedsearch.bench.BenchQueries;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Embedded search against raw Lucene on the same index and the same Lucene text query (as {@code SearchBenchmark}):
 * raw Lucene runs the query and loads the top 20 stored sources; the engine adds visibility and kind filters, the
 * relevance window or the newest-first sort, one extra hit for the cursor, and decoding each post.
 * One thread, so that the ratio is the engine's work and not the scheduler's.
 */
public final class SearchProbe implements Probe {
    private GateContext ctx;
    private EmbeddedPostIndex engine;
    private DirectoryReader rawReader;
    private IndexSearcher raw;
    private List<Query> rawQueries;

    @Override
    public String name() {
        return "search";
    }

    @Override
    public List<String> metrics() {
        return List.of(
                "search.relevance.mean",
                "search.relevance.p99",
                "search.recent_viewer.mean",
                "search.recent_viewer.p99");
    }

    @Override
    public void open(GateContext context) throws Exception {
        ctx = context;
        engine = ctx.engine().get();
        rawReader = DirectoryReader.open(FSDirectory.open(ctx.index()));
        raw = new IndexSearcher(rawReader);
        rawQueries = BenchQueries.QUERIES.stream().map(engine::textQuery).toList();
        measure(0); // warm-up: JIT, caches, the page cache
    }

    private enum Side {
        RAW,
        RELEVANCE,
        RECENT_VIEWER
    }

    private void run(Side side, int i) throws Exception {
        int n = BenchQueries.QUERIES.size();
        String q = BenchQueries.QUERIES.get(i % n);
        switch (side) {
            case RAW -> {
                TopDocs top = raw.search(rawQueries.get(i % n), 20);
                StoredFields stored = raw.storedFields();
                for (ScoreDoc sd : top.scoreDocs) stored.document(sd.doc, Set.of("src"));
            }
            case RELEVANCE ->
                engine.search(SearchQuery.builder().text(q).limit(20).build());
            case RECENT_VIEWER ->
                engine.search(SearchQuery.builder()
                        .text(q)
                        .sort(SortOrder.RECENT)
                        .viewer("u1")
                        .limit(20)
                        .build());
        }
    }

    /**
     * Every side runs each query in turn, query by query, for three times the per-side time: a slow second on a
     * shared machine then lands on all three sides alike, and the ratios keep still where the absolute times do not.
     */
    private Map<Side, Histogram> measure(int round) throws Exception {
        List<Side> order = new ArrayList<>(List.of(Side.values()));
        Collections.rotate(order, round);
        Map<Side, Histogram> h = new EnumMap<>(Side.class);
        for (Side s : order) h.put(s, new Histogram(60_000_000_000L, 3));
        long end = System.nanoTime() + 3 * ctx.perTarget().toNanos();
        for (int i = 0; i < BenchQueries.QUERIES.size() || System.nanoTime() < end; i++) {
            for (Side s : order) {
                long t0 = System.nanoTime();
                run(s, i);
                h.get(s).recordValue(System.nanoTime() - t0);
            }
        }
        return h;
    }

    @Override
    public Round round(int round) throws Exception {
        Map<Side, Histogram> h = measure(round);
        Histogram r = h.get(Side.RAW), rel = h.get(Side.RELEVANCE), rv = h.get(Side.RECENT_VIEWER);
        return new Round(
                Map.of(
                        "search.relevance.mean", rel.getMean() / r.getMean(),
                        "search.relevance.p99", (double) rel.getValueAtPercentile(99) / r.getValueAtPercentile(99),
                        "search.recent_viewer.mean", rv.getMean() / r.getMean(),
                        "search.recent_viewer.p99", (double) rv.getValueAtPercentile(99) / r.getValueAtPercentile(99)),
                Map.of(
                        "search.raw.p50_ms",
                        Timed.ms(r.getValueAtPercentile(50)),
                        "search.relevance.p50_ms",
                        Timed.ms(rel.getValueAtPercentile(50)),
                        "search.relevance.p99_ms",
                        Timed.ms(rel.getValueAtPercentile(99)),
                        "search.recent_viewer.p50_ms",
                        Timed.ms(rv.getValueAtPercentile(50)),
                        "search.recent_viewer.p99_ms",
                        Timed.ms(rv.getValueAtPercentile(99))));
    }

    @Override
    public void close() throws Exception {
        if (rawReader != null) rawReader.close();
    }
}
