package dev.feedsearch.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A dead-letter file: one JSON object per line, appended and flushed per entry. An entry identical in source,
 * position, raw and mapped record to one already in the file is not written again: a stream replays everything after
 * its last checkpoint when it restarts, and a backfill that runs again scans the same bad items, which would
 * otherwise grow the file with copies at every restart.
 */
public final class JsonlDeadLetterStore implements DeadLetterStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JsonlDeadLetterStore.class);
    private final Path file;
    private BufferedWriter out;
    private final Set<String> present = new HashSet<>(); // digests of (source, position, raw, record) in the file

    public JsonlDeadLetterStore(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        boolean torn = Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (torn) { // a crash mid-append left half a line: the next entry starts on its own line
            out.newLine();
            out.flush();
        }
        for (DeadLetterEntry e : list()) present.add(identity(e));
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
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
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        o.put("at", e.at().toString());
        o.put("source", e.source());
        o.put("position", e.position());
        o.put("field", e.field());
        o.put("reason", e.reason());
        o.put("raw", e.raw());
        o.put("record", e.record());
        out.write(o.toString());
        out.newLine();
        out.flush();
        present.add(id); // only once written: a failed write is retried when the record comes again
    }

    @Override
    public synchronized List<DeadLetterEntry> list() throws IOException {
        out.flush();
        List<DeadLetterEntry> entries = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            int[] no = {0};
            lines.forEach(line -> {
                no[0]++;
                if (line.isBlank()) return;
                try {
                    JsonNode n = PostJson.MAPPER.readTree(line);
                    entries.add(new DeadLetterEntry(Instant.parse(n.get("at").asText()), n.get("source").asText(),
                            n.get("position").asText(), n.path("field").isTextual() ? n.get("field").asText() : null,
                            n.get("reason").asText(), n.get("raw").asText(),
                            n.path("record").isTextual() ? n.get("record").asText() : null));
                } catch (IOException | RuntimeException torn) {
                    // half a line from a crash mid-append: nothing of it can be replayed; the rest of the file can
                    log.warn("{} line {} is not a dead-letter entry (a torn write?), skipped: {}", file, no[0], torn.toString());
                }
            });
        }
        return entries;
    }

    /**
     * Lets {@code entries} be recorded again although they are in the file: a replay resubmits them, and one
     * refused again must reach the file anew (with today's reason), not be taken for a copy of itself.
     */
    public synchronized void forget(List<DeadLetterEntry> entries) {
        for (DeadLetterEntry e : entries) present.remove(identity(e));
    }

    /** Replaces the file's entries with {@code keep} (after a replay), atomically. */
    public synchronized void rewrite(List<DeadLetterEntry> keep) throws IOException {
        out.flush();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a rewrite that crashed: its lines must not join these
        try (JsonlDeadLetterStore t = new JsonlDeadLetterStore(tmp)) {
            for (DeadLetterEntry e : keep) t.add(e);
        }
        out.close();
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        present.clear();
        for (DeadLetterEntry e : keep) present.add(identity(e));
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
