package dev.feedsearch.indexer.stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpoints in one JSON file per source under a directory (the embedded mode's store). Each save
 * writes a temp file, fsyncs it and renames it over the old one, so a crash leaves the old or the new
 * checkpoint, never half of one.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public FileCheckpointStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    private Path file(String source) {
        return dir.resolve(source.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    @Override
    public synchronized Map<String, String> load(String source) throws IOException {
        Path f = file(source);
        if (!Files.exists(f)) return new TreeMap<>();
        return new TreeMap<>(JSON.readValue(f.toFile(), new TypeReference<Map<String, String>>() {}));
    }

    @Override
    public synchronized void save(String source, Map<String, String> positions) throws IOException {
        Path target = file(source);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (var ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(new TreeMap<>(positions))));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
