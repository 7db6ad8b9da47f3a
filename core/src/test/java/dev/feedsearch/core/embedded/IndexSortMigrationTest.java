package dev.feedsearch.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index written before the index sort existed is sorted once at open, losing nothing; a crash mid-way heals. */
class IndexSortMigrationTest {
    static GroupAnalyzers analyzers;

    @TempDir
    Path tmp;

    @BeforeAll
    static void build() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    @AfterAll
    static void close() {
        analyzers.close();
    }

    @Test
    void anUnsortedIndexIsSortedOnceAndAnswersAsBefore() throws IOException {
        Path path = tmp.resolve("index");
        List<String> before;
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(path, analyzers)) {
            Random r = new Random(7);
            List<PostChange> changes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Post p = new Post(
                        "p" + i,
                        "u" + (i % 7),
                        "tea number " + i,
                        null,
                        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(r.nextInt(1_000_000)),
                        i % 5 == 0 ? Visibility.PRIVATE : Visibility.PUBLIC,
                        List.of("t" + i % 3),
                        List.of(),
                        null,
                        i,
                        0,
                        0,
                        1,
                        false);
                changes.add(PostChange.upsert(p, "en", "en"));
            }
            index.apply(changes);
            index.apply(List.of(PostChange.upsert(
                    new Post(
                            "p3",
                            "u3",
                            "edited tea",
                            null,
                            Instant.parse("2026-02-01T00:00:00Z"),
                            Visibility.PUBLIC,
                            List.of(),
                            List.of(),
                            null,
                            0,
                            0,
                            0,
                            2,
                            false),
                    "en",
                    "en"))); // a deleted doc behind
            index.commit();
            before = walk(index);
        }
        unsort(path); // what an index written before the sort looks like: the same documents, no index sort
        assertThat(sortedSegments(path)).isFalse();

        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(path, analyzers)) {
            assertThat(walk(index)).containsExactlyElementsOf(before);
            assertThat(index.stats().posts()).isEqualTo(300);
            assertThat(index.search(SearchQuery.builder()
                                    .text("edited")
                                    .limit(5)
                                    .build())
                            .hits())
                    .hasSize(1);
        }
        assertThat(sortedSegments(path)).isTrue();
        assertThat(Files.exists(tmp.resolve("index.sorting"))).isFalse();
        assertThat(Files.exists(tmp.resolve("index.unsorted"))).isFalse();
    }

    @Test
    void aSwapInterruptedAfterTheOldIndexMovedAsideIsUndoneAndSortedAgain() throws IOException {
        Path path = tmp.resolve("index");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(path, analyzers)) {
            index.apply(List.of(PostChange.upsert(
                    new Post(
                            "a",
                            "u1",
                            "hello",
                            null,
                            Instant.parse("2026-01-01T00:00:00Z"),
                            Visibility.PUBLIC,
                            List.of(),
                            List.of(),
                            null,
                            0,
                            0,
                            0,
                            1,
                            false),
                    "en",
                    "en")));
            index.commit();
        }
        unsort(path);
        // the crash: the old index moved aside, a partial copy left behind, nothing in place
        Files.move(path, tmp.resolve("index.unsorted"));
        Files.createDirectories(tmp.resolve("index.sorting"));
        Files.writeString(tmp.resolve("index.sorting").resolve("_0.si"), "partial");
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(path, analyzers)) {
            assertThat(index.get("a", null)).isPresent();
        }
        assertThat(sortedSegments(path)).isTrue();
        assertThat(Files.exists(tmp.resolve("index.sorting"))).isFalse();
        assertThat(Files.exists(tmp.resolve("index.unsorted"))).isFalse();
    }

    /** Every post id of a newest-first walk, page by page, as the public sees it and as u1 does. */
    static List<String> walk(EmbeddedPostIndex index) throws IOException {
        List<String> out = new ArrayList<>();
        for (String viewer : new String[] {null, "u1"}) {
            SortKey after = null;
            do {
                SearchPage p = index.search(SearchQuery.builder()
                        .sort(SortOrder.RECENT)
                        .viewer(viewer)
                        .limit(13)
                        .after(after)
                        .build());
                p.hits().forEach(h -> out.add(h.post().post().id()));
                after = p.next().orElse(null);
                out.add("|");
            } while (after != null);
        }
        return out;
    }

    /** Rewrites the index without an index sort (the Lucene files only; the group versions file stays). */
    static void unsort(Path path) throws IOException {
        Path copy = path.resolveSibling("unsorted-copy");
        try (Directory dir = FSDirectory.open(path);
                DirectoryReader reader = DirectoryReader.open(dir);
                Directory out = FSDirectory.open(copy);
                IndexWriter w = new IndexWriter(out, new IndexWriterConfig())) {
            List<CodecReader> leaves = new ArrayList<>();
            for (LeafReaderContext leaf : reader.leaves()) leaves.add(SlowCodecReaderWrapper.wrap(leaf.reader()));
            w.addIndexes(leaves.toArray(CodecReader[]::new));
            w.commit();
        }
        try (Stream<Path> files = Files.list(path)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("_") || n.startsWith("segments") || n.equals("write.lock")) Files.delete(f);
            }
        }
        try (Stream<Path> files = Files.list(copy)) {
            for (Path f : files.toList())
                if (!f.getFileName().toString().equals("write.lock")) Files.move(f, path.resolve(f.getFileName()));
        }
    }

    static boolean sortedSegments(Path path) throws IOException {
        try (Directory dir = FSDirectory.open(path)) {
            for (SegmentCommitInfo s : SegmentInfos.readLatestCommit(dir))
                if (s.info.getIndexSort() == null) return false;
            return true;
        }
    }
}
