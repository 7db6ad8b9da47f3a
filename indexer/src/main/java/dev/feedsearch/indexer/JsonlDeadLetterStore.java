package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dead-letter file: one JSON object per line, appended and flushed per entry. An entry identical in source,
 * position, raw and mapped record to one already in the file is not written again: a stream replays everything after
 * its last checkpoint when it restarts, and a backfill that runs again scans the same bad items, which would
 * otherwise grow the file with copies at every restart.
 *
 * <p>An entry of any size reads back: the reader lifts Jackson's default 20M-character limit on a string (a dead
 * letter holds a whole raw record, up to {@link JsonlIngester#MAX_LINE_BYTES} from a file). Entries are written by
 * Jackson's UTF-8 generator, which escapes every surrogate as {@code \\uXXXX}, so a record holding a lone surrogate
 * is still a valid UTF-8 line. A line that is not an entry (half a line from a crash, a bad manual edit) is skipped by
 * {@link #list} and kept verbatim by {@link #rewrite}: nothing in the file is dropped unless a replay re-applied it.
 */
public final class JsonlDeadLetterStore implements DeadLetterStore {
    private static final Logger log = LoggerFactory.getLogger(JsonlDeadLetterStore.class);
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .build())
            .build());
    private static final ObjectWriter WRITER = JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    /** The longest line read back (Java's largest array); the writer never comes near it. */
    private static final int MAX_LINE = Integer.MAX_VALUE - 16;

    /**
     * One line of the file: the entry it holds, or, when it holds none, why ({@code problem}); {@code bytes} are the
     * line as stored, which a rewrite keeps verbatim.
     */
    public record StoredLine(long number, byte[] bytes, DeadLetterEntry entry, String problem) {
        public boolean readable() {
            return entry != null;
        }
    }

    private final Path file;
    private OutputStream out;
    private final Set<String> present = new HashSet<>(); // digests of (source, position, raw, record) in the file
    private int unreadable;

    public JsonlDeadLetterStore(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        boolean torn = Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file);
        this.out = append(file);
        if (torn) { // a crash mid-append left half a line: the next entry starts on its own line
            out.write('\n');
            out.flush();
        }
        scan(line -> {
            if (line.readable()) present.add(identity(line.entry()));
            else unreadable++;
        });
    }

    private static OutputStream append(Path file) throws IOException {
        return new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last);
            return last.get(0) == '\n';
        }
    }

    /**
     * Same source, position, raw and mapped record: the same bad record seen again. The mapped record counts
     * too: one source record can become two changes (a DynamoDB MODIFY that changes a follow edge's relation).
     */
    private static String identity(DeadLetterEntry e) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {e.source(), e.position(), e.raw(), e.record()}) {
                d.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible); // every JDK has SHA-256
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void add(DeadLetterEntry e) throws IOException {
        String id = identity(e);
        if (present.contains(id)) return; // already recorded, with its reason
        WRITER.writeValue(out, json(e));
        out.write('\n');
        out.flush();
        present.add(id); // only once written: a failed write is retried when the record comes again
    }

    private static ObjectNode json(DeadLetterEntry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", e.at().toString());
        o.put("source", e.source());
        o.put("position", e.position());
        o.put("field", e.field());
        o.put("reason", e.reason());
        o.put("raw", e.raw());
        o.put("record", e.record()); // null when raw is the record itself: stored once
        return o;
    }

    /** The line a rewrite stores for {@code e} (a replayed entry with today's reason). */
    public static StoredLine line(DeadLetterEntry e) throws IOException {
        return new StoredLine(0, WRITER.writeValueAsBytes(json(e)), e, null);
    }

    /** The readable entries, in file order. */
    @Override
    public synchronized List<DeadLetterEntry> list() throws IOException {
        List<DeadLetterEntry> entries = new ArrayList<>();
        scan(line -> {
            if (line.readable()) entries.add(line.entry());
        });
        return entries;
    }

    /** Every non-blank line, readable or not, in file order. */
    public synchronized List<StoredLine> lines() throws IOException {
        return linesFrom(0);
    }

    /** The lines starting at or after byte {@code offset} (what was appended since {@link #size()} returned it). */
    public synchronized List<StoredLine> linesFrom(long offset) throws IOException {
        List<StoredLine> lines = new ArrayList<>();
        scan(offset, lines::add);
        return lines;
    }

    /** The file's length in bytes, everything added so far included. */
    public synchronized long size() throws IOException {
        out.flush();
        return Files.size(file);
    }

    /** Lines that hold no entry, as counted when the store was opened. */
    public synchronized int unreadableAtOpen() {
        return unreadable;
    }

    @FunctionalInterface
    public interface LineVisitor {
        void visit(StoredLine line) throws IOException;
    }

    /** Visits every non-blank line in file order, one at a time (a file of many large entries is never held whole). */
    public synchronized void scan(LineVisitor visitor) throws IOException {
        scan(0, visitor);
    }

    private void scan(long offset, LineVisitor visitor) throws IOException {
        out.flush();
        read(file, offset, visitor);
    }

    /** Visits the lines of a dead-letter file without opening it for writing (for inspecting it: {@code dlq list}). */
    public static void read(Path file, LineVisitor visitor) throws IOException {
        read(file, 0, visitor);
    }

    private static void read(Path file, long offset, LineVisitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                InputStream in = Channels.newInputStream(ch.position(offset))) {
            JsonlLines lines = new JsonlLines(in, MAX_LINE, 0);
            for (JsonlLines.Line l; (l = lines.next()) != null; ) {
                byte[] b = l.bytes();
                if (isBlank(b)) continue;
                StoredLine line;
                try {
                    line = new StoredLine(l.number(), b, entry(JSON.readTree(b)), null);
                } catch (IOException | RuntimeException notAnEntry) {
                    String problem = notAnEntry.getMessage() == null
                            ? notAnEntry.toString()
                            : notAnEntry.getMessage().lines().findFirst().orElse("");
                    log.warn(
                            "{} line {} is not a dead-letter entry (a torn write or an edit?), kept as it is: {}",
                            file,
                            offset == 0 ? Long.toString(l.number()) : "at byte " + (offset + l.offset()),
                            problem);
                    line = new StoredLine(l.number(), b, null, problem);
                }
                visitor.visit(line);
            }
        }
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\t' && x != '\r') return false;
        return true;
    }

    private static DeadLetterEntry entry(JsonNode n) {
        if (!n.isObject()) throw new IllegalArgumentException("not a JSON object");
        return new DeadLetterEntry(
                Instant.parse(n.get("at").asText()),
                text(n, "source"),
                text(n, "position"),
                text(n, "field"),
                text(n, "reason"),
                text(n, "raw"),
                text(n, "record"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /**
     * Lets {@code entries} be recorded again although they are in the file: a replay resubmits them, and one
     * refused again must reach the file anew (with today's reason), not be taken for a copy of itself.
     */
    public synchronized void forget(List<DeadLetterEntry> entries) {
        for (DeadLetterEntry e : entries) present.remove(identity(e));
    }

    /** Marks {@code entries} as in the file again (a replay that failed before rewriting it). */
    public synchronized void remember(List<DeadLetterEntry> entries) {
        for (DeadLetterEntry e : entries) present.add(identity(e));
    }

    /**
     * Replaces the file with {@code keep} (after a replay), each line's bytes as they are, so a line that holds no
     * entry survives verbatim. Crash-safe: written to a temporary file, forced to disk, then moved over the file
     * atomically (and the directory forced), so the file is at every moment either the old one or the new one.
     */
    public synchronized void rewrite(List<StoredLine> keep) throws IOException {
        out.flush();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            for (StoredLine l : keep) {
                o.write(l.bytes());
                o.write('\n');
            }
            o.flush();
            ch.force(true);
        }
        out.close();
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(file.toAbsolutePath().getParent());
        out = append(file);
        present.clear();
        unreadable = 0;
        for (StoredLine l : keep) {
            if (l.readable()) present.add(identity(l.entry()));
            else unreadable++;
        }
    }

    /** Makes a rename in {@code dir} durable (Linux: fsync on the directory). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("could not fsync directory {} (not supported here?): {}", dir, e.toString());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
