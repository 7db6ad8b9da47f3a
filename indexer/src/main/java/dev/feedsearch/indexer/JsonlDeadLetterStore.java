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
 * position and raw record to one already in the file is not written again: a stream replays everything after
 * its last checkpoint when it restarts, and a backfill that runs again scans the same bad items, which would
 * otherwise grow the file with copies at every restart.
 */
public final class JsonlDeadLetterStore implements DeadLetterStore {
    private final Path file;
    private BufferedWriter out;
    private final Set<String> present = new HashSet<>(); // digests of (source, position, raw) in the file

    public JsonlDeadLetterStore(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        for (DeadLetterEntry e : list()) present.add(identity(e));
    }

    /** Same source, same position, same raw record: the same bad record seen again. */
    private static String identity(DeadLetterEntry e) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {e.source(), e.position(), e.raw()}) {
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
        if (!present.add(identity(e))) return; // already recorded, with its reason
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
    }

    @Override
    public synchronized List<DeadLetterEntry> list() throws IOException {
        out.flush();
        List<DeadLetterEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonNode n = PostJson.MAPPER.readTree(line);
            entries.add(new DeadLetterEntry(Instant.parse(n.get("at").asText()), n.get("source").asText(),
                    n.get("position").asText(), n.get("field").isNull() ? null : n.get("field").asText(),
                    n.get("reason").asText(), n.get("raw").asText(), n.path("record").isTextual() ? n.get("record").asText() : null));
        }
        return entries;
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
