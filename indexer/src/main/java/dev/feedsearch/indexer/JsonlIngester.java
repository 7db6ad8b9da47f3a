package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.index.ApplyResult;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Bulk-loads a JSONL file of posts and follow edges: each line is decoded and validated by the same
 * {@link ChangeFactory} as the stream path; bad lines go to the dead-letter store with their line number;
 * good ones are applied in batches and committed at the end.
 */
public final class JsonlIngester {
    public static final int DEFAULT_BATCH = 2_000;

    private final ChangeFactory factory;
    private final PostIndex index;
    private final DeadLetterStore deadLetters;
    private final int batchSize;

    public JsonlIngester(ChangeFactory factory, PostIndex index, DeadLetterStore deadLetters, int batchSize) {
        this.factory = factory;
        this.index = index;
        this.deadLetters = deadLetters;
        this.batchSize = batchSize;
    }

    /** @param progress receives the number of bytes consumed so far (for a progress bar) */
    public IngestReport ingest(Path file, LongConsumer progress) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ingest(file.toString(), in, progress);
        }
    }

    public IngestReport ingest(String sourceName, InputStream in, LongConsumer progress) throws IOException {
        Counter c = new Counter();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            List<String> batch = new ArrayList<>(batchSize);
            long firstLine = 1, bytes = 0;
            String line;
            while ((line = r.readLine()) != null) {
                bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                batch.add(line);
                if (batch.size() == batchSize) {
                    flush(sourceName, firstLine, batch, c);
                    firstLine += batch.size();
                    batch.clear();
                    progress.accept(bytes);
                }
            }
            flush(sourceName, firstLine, batch, c);
            progress.accept(bytes);
        }
        index.commit();
        return new IngestReport(c.lines, c.posts, c.follows, c.deletes, c.stale, c.dead);
    }

    private void flush(String source, long firstLine, List<String> lines, Counter c) throws IOException {
        if (lines.isEmpty()) return;
        // decoding and language detection dominate: spread them over the cores, keep line order
        Object[] decoded = new Object[lines.size()];
        IntStream.range(0, lines.size()).parallel().forEach(i -> decoded[i] = decode(lines.get(i)));
        List<IndexChange> changes = new ArrayList<>(lines.size());
        for (int i = 0; i < decoded.length; i++) {
            c.lines++;
            if (decoded[i] == null) continue; // blank line
            if (decoded[i] instanceof InvalidRecordException e) {
                c.dead++;
                deadLetters.add(new DeadLetterEntry(Instant.now(), source, "line " + (firstLine + i), e.field(),
                        e.getMessage(), lines.get(i), lines.get(i)));
                continue;
            }
            IndexChange change = (IndexChange) decoded[i];
            switch (change) {
                case PostChange p when p.deleted() -> c.deletes++;
                case PostChange p -> c.posts++;
                case FollowChange f -> c.follows++;
            }
            changes.add(change);
        }
        ApplyResult result = index.apply(changes);
        c.stale += result.stale();
    }

    private Object decode(String line) {
        if (line.isBlank()) return null;
        try {
            JsonNode n = PostJson.MAPPER.readTree(line);
            return factory.fromJson(n);
        } catch (JsonProcessingException e) {
            return new InvalidRecordException(null, "not valid JSON: " + e.getOriginalMessage());
        } catch (InvalidRecordException e) {
            return e;
        }
    }

    private static final class Counter {
        long lines, posts, follows, deletes, stale, dead;
    }
}
