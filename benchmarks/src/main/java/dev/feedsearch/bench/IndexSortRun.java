package dev.feedsearch.bench;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.search.Sort;
import org.apache.lucene.store.FSDirectory;

/**
 * {@code sort=recent} on the index sorted newest first against the same documents without the sort, in one run:
 * SORTED_DIR is opened as the product opens it (sorted, migrating if needed), UNSORTED_DIR read-only (an index from
 * before the sort: read-only opens never migrate); both are first merged to one segment, so the comparison is the
 * sort and not the segment count ingest left. Kinds: tag listing (no q), author listing, language filter, a
 * time window, text + viewer, and cursor pages 2-5 of the tag listing. Rounds interleave the two so machine noise
 * hits both alike; p50/p99 per kind from HdrHistograms, the ratio sorted ÷ unsorted per kind. Both must return
 * the same ids (checked), or the comparison is void.
 * Usage: IndexSortRun SORTED_DIR UNSORTED_DIR ROUNDS OUT_FILE
 */
public final class IndexSortRun {
    public static void main(String[] args) throws Exception {
        Path sortedDir = Path.of(args[0]), unsortedDir = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        GroupAnalyzers analyzers = GroupAnalyzers.build(Mappings.load());
        EmbeddedPostIndex.open(sortedDir, analyzers).close(); // sorts it, if ingest ran on a build from before the sort
        // one segment each, so that the comparison is the sort and not how many segments ingest happened to leave
        mergeToOneSegment(sortedDir);
        mergeToOneSegment(unsortedDir);
        try (EmbeddedPostIndex sorted = EmbeddedPostIndex.open(sortedDir, analyzers);
                EmbeddedPostIndex unsorted = EmbeddedPostIndex.openReadOnly(unsortedDir, analyzers)) {
            Instant newest = sorted.search(SearchQuery.builder()
                            .sort(SortOrder.RECENT)
                            .limit(1)
                            .build())
                    .hits()
                    .getFirst()
                    .post()
                    .post()
                    .createdAt();
            String[] tags = {"rights", "freedom", "dignity", "equality", "education", "justice", "peace", "family"};
            String[] langs = {"en", "de", "ja", "es", "fr", "ru", "zh", "ar"};
            Map<String, IntFunction<SearchQuery>> kinds = new LinkedHashMap<>();
            kinds.put(
                    "tag listing (no q)",
                    i -> recent().tag(tags[i % tags.length]).build());
            kinds.put(
                    "tag listing + viewer",
                    i -> recent().tag(tags[i % tags.length])
                            .viewer("u" + (1 + i % 1000))
                            .build());
            kinds.put(
                    "author listing", i -> recent().author("u" + (1 + i % 1000)).build());
            kinds.put(
                    "language filter",
                    i -> recent().lang(langs[i % langs.length]).build());
            kinds.put(
                    "since (last 7 days)",
                    i -> recent().since(newest.minusSeconds(7 * 86_400L)).build());
            kinds.put(
                    "text + viewer",
                    i -> recent().text(BenchQueries.QUERIES.get(i % BenchQueries.QUERIES.size()))
                            .viewer("u1")
                            .build());
            Map<String, Histogram[]> h = new LinkedHashMap<>();
            for (String k : kinds.keySet())
                h.put(k, new Histogram[] {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)});
            h.put(
                    "tag listing, pages 2-5",
                    new Histogram[] {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)});
            EmbeddedPostIndex[] engines = {sorted, unsorted};
            for (int round = 0; round < rounds + 1; round++) { // round 0 warms up, not recorded
                for (int e = 0; e < 2; e++) {
                    int order = (round % 2 == 0) ? e : 1 - e;
                    EmbeddedPostIndex index = engines[order];
                    for (Map.Entry<String, IntFunction<SearchQuery>> k : kinds.entrySet()) {
                        for (int i = 0; i < 40; i++) {
                            SearchQuery q = k.getValue().apply(i + round * 40);
                            long t0 = System.nanoTime();
                            index.search(q);
                            if (round > 0) h.get(k.getKey())[order].recordValue(System.nanoTime() - t0);
                        }
                    }
                    for (int i = 0; i < 10; i++) { // pages 2-5 of a tag listing, each timed
                        SortKey after = index.search(
                                        recent().tag(tags[i % tags.length]).build())
                                .next()
                                .orElse(null);
                        for (int page = 2; page <= 5 && after != null; page++) {
                            long t0 = System.nanoTime();
                            SearchPage p = index.search(recent().tag(tags[i % tags.length])
                                    .after(after)
                                    .build());
                            if (round > 0) h.get("tag listing, pages 2-5")[order].recordValue(System.nanoTime() - t0);
                            after = p.next().orElse(null);
                        }
                    }
                }
            }
            // the same answers, or the comparison means nothing
            for (Map.Entry<String, IntFunction<SearchQuery>> k : kinds.entrySet()) {
                for (int i = 0; i < 8; i++) {
                    SearchQuery q = k.getValue().apply(i);
                    if (!ids(sorted.search(q)).equals(ids(unsorted.search(q))))
                        throw new IllegalStateException("different hits for " + q);
                }
            }
            StringBuilder b = new StringBuilder();
            b.append("# sort=recent on the index sorted newest first ÷ the same documents unsorted\n\n");
            b.append(String.format(
                    Locale.ROOT,
                    "%,d posts; %d rounds alternating the two, 40 queries per kind per round (10 x 4 pages for cursors); both indices merged to one segment;"
                            + " in-process (EmbeddedPostIndex.search), limit 20. Written by `benchmarks/run-index-sort.sh`.%n%n",
                    sorted.stats().posts(),
                    rounds));
            b.append(
                    "| kind | sorted p50 | sorted p99 | unsorted p50 | unsorted p99 | p50 ratio | p99 ratio |\n|---|---|---|---|---|---|---|\n");
            for (Map.Entry<String, Histogram[]> e : h.entrySet()) {
                Histogram s = e.getValue()[0], u = e.getValue()[1];
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.2f× | %.2f× |%n",
                        e.getKey(),
                        s.getValueAtPercentile(50) / 1e6,
                        s.getValueAtPercentile(99) / 1e6,
                        u.getValueAtPercentile(50) / 1e6,
                        u.getValueAtPercentile(99) / 1e6,
                        s.getValueAtPercentile(50) / (double) u.getValueAtPercentile(50),
                        s.getValueAtPercentile(99) / (double) u.getValueAtPercentile(99)));
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, b.toString());
            System.out.print(b);
        }
    }

    /** Force-merges an index to one segment, keeping its index sort (or none). */
    static void mergeToOneSegment(Path path) throws IOException {
        try (var dir = FSDirectory.open(path)) {
            var infos = SegmentInfos.readLatestCommit(dir);
            if (infos.size() <= 1) return;
            var cfg = new IndexWriterConfig();
            Sort sort = infos.info(0).info.getIndexSort();
            if (sort != null) cfg.setIndexSort(sort);
            try (var w = new IndexWriter(dir, cfg)) {
                w.forceMerge(1);
                w.commit();
            }
        }
    }

    static SearchQuery.Builder recent() {
        return SearchQuery.builder().sort(SortOrder.RECENT).limit(20);
    }

    static List<String> ids(SearchPage p) {
        List<String> out = new ArrayList<>();
        p.hits().forEach(h -> out.add(h.post().post().id()));
        return out;
    }

    /** Writes the documents of SRC into DST without an index sort (plus SRC's other files): an index from before. */
    public static final class Unsort {
        public static void main(String[] args) throws Exception {
            Path src = Path.of(args[0]), dst = Path.of(args[1]);
            try (var dir = FSDirectory.open(src);
                    var reader = DirectoryReader.open(dir);
                    var out = FSDirectory.open(dst);
                    var w = new IndexWriter(out, new IndexWriterConfig())) {
                List<CodecReader> leaves = new ArrayList<>();
                for (var leaf : reader.leaves()) leaves.add(SlowCodecReaderWrapper.wrap(leaf.reader()));
                w.addIndexes(leaves.toArray(CodecReader[]::new));
                w.commit();
            }
            try (var files = Files.list(src)) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (!n.startsWith("_") && !n.startsWith("segments") && !n.equals("write.lock"))
                        Files.copy(f, dst.resolve(n));
                }
            }
        }
    }
}
