package dev.feedsearch.bench;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Embedded search against raw Lucene on the same index and the same Lucene text query, in one run.
 * {@code rawLucene} is what a bare Lucene app would do: run the query, fetch the top 20 stored sources.
 * {@code engine*} adds what feedsearch does: visibility and kind filters, a sort with a tie-breaker,
 * one extra hit for the cursor, and decoding each stored post.
 * The index comes from {@code -Dfeedsearch.bench.index=DIR} (built by benchmarks/run.sh with ingest).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SearchBenchmark {
    EmbeddedPostIndex engine;
    DirectoryReader rawReader;
    IndexSearcher raw;
    List<Query> rawQueries;
    int next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path dir = Path.of(System.getProperty("feedsearch.bench.index", "benchmarks/target/bench-data/index"));
        if (!Files.isDirectory(dir))
            throw new IllegalStateException("no benchmark index at " + dir + "; run benchmarks/run.sh");
        engine = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(Mappings.load()));
        rawReader = DirectoryReader.open(FSDirectory.open(dir));
        raw = new IndexSearcher(rawReader);
        rawQueries = BenchQueries.QUERIES.stream().map(engine::textQuery).toList();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        rawReader.close();
        engine.close();
    }

    private int nextQuery() {
        int i = next;
        next = (i + 1) % BenchQueries.QUERIES.size();
        return i;
    }

    @Benchmark
    public void rawLucene(Blackhole bh) throws IOException {
        TopDocs top = raw.search(rawQueries.get(nextQuery()), 20);
        StoredFields stored = raw.storedFields();
        for (ScoreDoc sd : top.scoreDocs) bh.consume(stored.document(sd.doc, Set.of("src")));
    }

    @Benchmark
    public SearchPage engineRelevance() throws IOException {
        return engine.search(SearchQuery.builder()
                .text(BenchQueries.QUERIES.get(nextQuery()))
                .limit(20)
                .build());
    }

    @Benchmark
    public SearchPage engineRecentWithViewer() throws IOException {
        return engine.search(SearchQuery.builder()
                .text(BenchQueries.QUERIES.get(nextQuery()))
                .sort(SortOrder.RECENT)
                .viewer("u1")
                .limit(20)
                .build());
    }
}
