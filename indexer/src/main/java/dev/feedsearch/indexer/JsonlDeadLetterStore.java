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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A dead-letter file: one JSON object per line, appended and flushed per entry. */
public final class JsonlDeadLetterStore implements DeadLetterStore {
    private final Path file;
    private BufferedWriter out;

    public JsonlDeadLetterStore(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void add(DeadLetterEntry e) throws IOException {
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
        try (JsonlDeadLetterStore t = new JsonlDeadLetterStore(tmp)) {
            for (DeadLetterEntry e : keep) t.add(e);
        }
        out.close();
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
