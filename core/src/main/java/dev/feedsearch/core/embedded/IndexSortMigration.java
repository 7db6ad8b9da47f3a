package dev.feedsearch.core.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.index.SortingCodecReader;
import org.apache.lucene.search.Sort;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time rebuild that gives an index written before the index sort existed its sort (newest first). Lucene
 * cannot add an index sort to existing segments, so the live documents are copied, through sorted views of the
 * segments, into a sorted index beside it, the files that are not Lucene's (the group versions) go along, and the
 * two directories swap. Every step leaves a state the next open finishes: a crash mid-copy leaves the old index
 * whole (the copy is discarded), a crash mid-swap is completed or undone from what is on disk.
 */
final class IndexSortMigration {
    private static final Logger log = LoggerFactory.getLogger(IndexSortMigration.class);

    private IndexSortMigration() {}

    /** Sorts the index at {@code path} by {@code sort} if its segments are not; no-op for a new or sorted index. */
    static void migrateIfNeeded(Path path, Sort sort) throws IOException {
        Path copy = sibling(path, ".sorting"), old = sibling(path, ".unsorted");
        recover(path, copy, old);
        if (!Files.isDirectory(path)) return;
        try (Directory dir = FSDirectory.open(path)) {
            if (!DirectoryReader.indexExists(dir) || sorted(dir, sort)) return;
            long start = System.nanoTime();
            int docs;
            try (DirectoryReader reader = DirectoryReader.open(dir);
                    Directory out = FSDirectory.open(copy);
                    IndexWriter writer = new IndexWriter(
                            out,
                            new IndexWriterConfig()
                                    .setIndexSort(sort)
                                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
                docs = reader.numDocs();
                log.info("index at {} predates its sort (newest first): rebuilding it once, {} documents", path, docs);
                List<CodecReader> leaves = new ArrayList<>();
                for (LeafReaderContext leaf : reader.leaves()) {
                    leaves.add(
                            SortingCodecReader.wrap(SlowCodecReaderWrapper.wrap(leaf.reader()), sort)); // a sorted view
                }
                writer.addIndexes(leaves.toArray(CodecReader[]::new)); // merged into one sorted segment as it copies
                writer.commit();
            }
            try (Stream<Path> files = Files.list(path)) { // what is not Lucene's: the group versions file
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (!lucenes(name) && Files.isRegularFile(f)) Files.copy(f, copy.resolve(name));
                }
            }
            log.info("index at {} sorted in {} ms", path, (System.nanoTime() - start) / 1_000_000);
        }
        Files.move(path, old);
        Files.move(copy, path);
        deleteTree(old);
    }

    /** Finishes or undoes a migration a crash interrupted. */
    private static void recover(Path path, Path copy, Path old) throws IOException {
        if (Files.isDirectory(old)) {
            if (Files.isDirectory(path)) {
                deleteTree(old); // swapped: the old index is no longer needed
            } else {
                Files.move(old, path); // moved aside, the copy not yet in place: undo, and sort again below
            }
        }
        if (Files.isDirectory(copy)) deleteTree(copy); // a copy never swapped in is incomplete or unneeded
    }

    private static boolean sorted(Directory dir, Sort sort) throws IOException {
        for (SegmentCommitInfo s : SegmentInfos.readLatestCommit(dir)) {
            if (!sort.equals(s.info.getIndexSort())) return false;
        }
        return true;
    }

    private static boolean lucenes(String name) {
        return name.startsWith("_")
                || name.startsWith("segments")
                || name.startsWith("pending_segments")
                || name.equals("write.lock");
    }

    private static Path sibling(Path path, String suffix) {
        return path.resolveSibling(path.getFileName() + suffix);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
