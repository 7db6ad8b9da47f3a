package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.IsolatingApplier;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * What the change-stream pipeline costs over bare Lucene: posts/s of the work the stream indexer does per record
 * once a source has handed it over as a JSON tree (validate and decode it, detect its language and route it:
 * {@link ChangeFactory}; apply the changes in batches of 1,000, the stream's default, through
 * {@link IsolatingApplier} into a fresh {@link EmbeddedPostIndex}, each apply ending in a reader refresh; commit at
 * the end) ÷ posts/s of {@link IndexWriter#addDocument} of the very documents the engine writes, with its
 * per-field analyzer, into the same kind of directory, committed at the end. Under load the stream joins several
 * batches into one apply (fewer refreshes); one apply per batch is its steady pace, and does not depend on timing.
 *
 * <p>The baseline is given the documents ready-made from the already detected changes, and a writer with Lucene's
 * default settings: so the share covers the whole pipeline (decoding, detection, document building, version
 * lookups, the refreshes, the engine's writer settings such as its index sort) and a regression in any of them
 * moves it. Opening and closing the indexes are outside the timing on both sides; background merges are not.
 *
 * <p>One calling thread on both sides, and the engine opened with one writer thread (what it uses on 2 cores):
 * the stream indexer decodes on another thread than it applies, but on CI's 2 shared cores that overlap measures
 * the machine more than the code; on one thread the share is a ratio of per-post costs. (lingua still hands part
 * of each detection to the common pool, as it does in the indexer.)
 */
public final class IngestProbe implements Probe {
    static final String SHARE = "ingest.share";
    private static final int BATCH = 1_000;

    private List<JsonNode> records;
    private List<Document> documents;
    private ChangeFactory factory;
    private GroupAnalyzers analyzers;
    private EmbeddedPostIndex template; // builds the documents, and lends its analyzer to the baseline
    private Path work;
    private long perTargetNanos;
    private int passes;

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public List<String> metrics() {
        return List.of(SHARE);
    }

    @Override
    public void open(GateContext ctx) throws Exception {
        records = ctx.postRecords(ctx.quick() ? 5_000 : 20_000);
        Mappings m = Mappings.load();
        factory = new ChangeFactory(new ScriptFirstDetector(), m);
        analyzers = GroupAnalyzers.build(m);
        work = ctx.work().resolve("ingest");
        deleteTree(work);
        template = EmbeddedPostIndex.open(work.resolve("template"), analyzers, 1);
        documents = new ArrayList<>(records.size());
        for (JsonNode r : records) documents.add(template.documentOf((PostChange) factory.fromJson(r)));
        perTargetNanos = ctx.perTarget().toNanos();
        // warm-up, untimed: after one round's length the JIT was still speeding both sides up (detection most)
        measure(0, 3 * perTargetNanos);
    }

    @Override
    public Round round(int round) throws Exception {
        Sides m = measure(round, perTargetNanos);
        return new Round(
                Map.of(SHARE, m.pipeline() / m.rawLucene()),
                Map.of(
                        "ingest.pipeline.posts_per_s",
                        m.pipeline(),
                        "ingest.raw_lucene.posts_per_s",
                        m.rawLucene(),
                        "ingest.bytes_per_post",
                        m.bytesPerPost()));
    }

    /** One round: each side's posts/s, and the size of the pipeline's index per post. */
    private record Sides(double pipeline, double rawLucene, double bytesPerPost) {}

    /**
     * Both sides index in turns of one batch, each into its own index, whichever has less time so far going next,
     * until each has {@code nanos} and has finished its pass (a pass: every post into a fresh directory, then a
     * commit). A burst of load from outside then falls on both sides alike, at the grain of a batch (~0.1 s)
     * rather than of a pass (~1 s). Odd rounds start with the pipeline, even ones with Lucene.
     */
    private Sides measure(int round, long nanos) throws Exception {
        Pipeline pipeline = new Pipeline(round);
        RawLucene raw = new RawLucene(round);
        try {
            Side next = round % 2 == 1 ? pipeline : raw;
            while (pipeline.wants(nanos) || raw.wants(nanos)) {
                Side other = next == pipeline ? raw : pipeline;
                if (!next.wants(nanos) || (other.wants(nanos) && other.timed < next.timed)) next = other;
                next.step();
            }
        } finally {
            pipeline.close();
            raw.close();
        }
        return new Sides(pipeline.postsPerSecond(), raw.postsPerSecond(), (double) pipeline.bytes / records.size());
    }

    /** One side of a round: passes over every post, one batch per {@link #step}, only the batches and commits timed. */
    private abstract class Side {
        private final String name;
        long timed, posts, bytes;
        private int from; // the next batch's first post; 0: no pass open
        private Path dir;

        Side(String name, int round) {
            this.name = name + "-" + round + "-";
        }

        /** Whether this side needs more batches: short of {@code nanos}, or in the middle of a pass. */
        boolean wants(long nanos) {
            return timed < nanos || from > 0;
        }

        void step() throws Exception {
            if (from == 0) open(dir = work.resolve(name + passes++));
            int to = Math.min(from + BATCH, records.size());
            long t0 = System.nanoTime();
            batch(from, to);
            if (to == records.size()) commit();
            timed += System.nanoTime() - t0;
            from = to;
            if (to < records.size()) return;
            close();
            bytes = sizeOf(dir); // after close: merges done, in the final commit
            deleteTree(dir);
            posts += records.size();
            from = 0;
        }

        double postsPerSecond() {
            return posts / (timed / 1e9);
        }

        abstract void open(Path dir) throws IOException;

        abstract void batch(int from, int to) throws Exception;

        abstract void commit() throws IOException;

        abstract void close() throws IOException;
    }

    /** The stream indexer's per-record work, into a fresh engine. */
    private final class Pipeline extends Side {
        private EmbeddedPostIndex index;

        Pipeline(int round) {
            super("pipeline", round);
        }

        @Override
        void open(Path dir) throws IOException {
            index = EmbeddedPostIndex.open(dir, analyzers, 1);
        }

        @Override
        void batch(int from, int to) throws Exception {
            List<IndexChange> changes = new ArrayList<>(to - from);
            // what the stream's decoder does
            for (JsonNode r : records.subList(from, to)) changes.add(factory.fromJson(r));
            IsolatingApplier.Outcome out = IsolatingApplier.apply(index, changes, c -> c, (c, why) -> {
                throw new IllegalStateException("the engine refused " + c.key(), why);
            });
            // the baseline adds every document: one skipped here would make the sides unequal
            if (out.stale() != 0) throw new IllegalStateException(out.stale() + " changes skipped as stale");
        }

        @Override
        void commit() throws IOException {
            index.commit();
        }

        @Override
        void close() throws IOException {
            if (index != null) index.close();
            index = null;
        }
    }

    /** The engine's documents, added with a bare IndexWriter. */
    private final class RawLucene extends Side {
        private Directory directory;
        private IndexWriter writer;

        RawLucene(int round) {
            super("lucene", round);
        }

        @Override
        void open(Path dir) throws IOException {
            directory = FSDirectory.open(dir);
            writer = new IndexWriter(directory, new IndexWriterConfig(template.indexAnalyzer()));
        }

        @Override
        void batch(int from, int to) throws IOException {
            for (Document d : documents.subList(from, to)) writer.addDocument(d);
        }

        @Override
        void commit() throws IOException {
            writer.commit();
        }

        @Override
        void close() throws IOException {
            try {
                if (writer != null) writer.close();
            } finally {
                if (directory != null) directory.close();
                writer = null;
                directory = null;
            }
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (template != null) template.close();
            if (analyzers != null) analyzers.close();
        } finally {
            if (work != null) deleteTree(work);
        }
    }
}
