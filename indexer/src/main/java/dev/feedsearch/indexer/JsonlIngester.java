package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Bulk-loads a JSONL file of posts and follow edges: each line is decoded and validated by the same
 * {@link ChangeFactory} as the stream path; bad lines go to the dead-letter store with their line number;
 * good ones are applied in batches ({@link IsolatingApplier}: a change the engine throws on is dead-lettered, the
 * rest land) and committed at the end. Nothing in the file aborts the load.
 *
 * <p>Strict, line by line: lines are numbered as {@code wc -l} counts them (only {@code \n} ends one); each must be
 * UTF-8 and hold exactly one JSON object with no duplicate key (see {@link PostJson#readStrict}); a UTF-8 byte order
 * mark at the start of the file is skipped. A line of only spaces, tabs and {@code \r} is blank and skipped. A line
 * longer than {@link #MAX_LINE_BYTES} is dead-lettered without being read whole: its entry keeps the first
 * {@link #KEPT_PREFIX_BYTES} bytes and says how long it was.
 */
public final class JsonlIngester {
    public static final int DEFAULT_BATCH = 2_000;
    /** The longest line read (64 MiB): a post is at most 10,000 characters, so only a broken line comes near it. */
    public static final int MAX_LINE_BYTES = 64 << 20;
    /** Of a longer line, the dead-letter entry keeps this many bytes. */
    public static final int KEPT_PREFIX_BYTES = 4_096;
    /** A batch is applied once its lines hold this many bytes, whatever their count: memory stays near one longest line. */
    private static final long BATCH_BYTES = MAX_LINE_BYTES;
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '(.*)'", Pattern.DOTALL);

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
        JsonlLines lines = new JsonlLines(in, MAX_LINE_BYTES, KEPT_PREFIX_BYTES);
        List<JsonlLines.Line> batch = new ArrayList<>();
        long batchBytes = 0;
        for (JsonlLines.Line line; (line = lines.next()) != null; ) {
            batch.add(line);
            batchBytes += line.bytes().length;
            if (batch.size() >= batchSize || batchBytes >= BATCH_BYTES) {
                flush(sourceName, batch, c);
                batch.clear();
                batchBytes = 0;
                progress.accept(lines.bytesRead());
            }
        }
        flush(sourceName, batch, c);
        progress.accept(lines.bytesRead());
        index.commit();
        return new IngestReport(c.lines, c.posts, c.follows, c.deletes, c.stale, c.dead, c.blank);
    }

    /** A line with the change it became. */
    private record Good(JsonlLines.Line line, IndexChange change) {}

    private void flush(String source, List<JsonlLines.Line> lines, Counter c) throws IOException {
        if (lines.isEmpty()) return;
        // decoding and language detection dominate: spread them over the cores, keep line order
        Object[] decoded = new Object[lines.size()];
        IntStream.range(0, lines.size()).parallel().forEach(i -> decoded[i] = decode(lines.get(i)));
        List<Good> changes = new ArrayList<>(lines.size());
        for (int i = 0; i < decoded.length; i++) {
            c.lines++;
            JsonlLines.Line line = lines.get(i);
            if (decoded[i] == null) {
                c.blank++;
            } else if (decoded[i] instanceof InvalidRecordException e) {
                deadLetter(source, line, e.field(), e.getMessage(), c);
            } else {
                changes.add(new Good(line, (IndexChange) decoded[i]));
            }
        }
        Set<Good> poisoned = Collections.newSetFromMap(new IdentityHashMap<>());
        IsolatingApplier.Outcome r = IsolatingApplier.apply(index, changes, Good::change, (g, why) -> {
            poisoned.add(g);
            deadLetter(source, g.line(), null, IsolatingApplier.reason(why), c);
        });
        c.stale += r.stale();
        for (Good g : changes) {
            if (poisoned.contains(g)) continue;
            switch (g.change()) {
                case PostChange p when p.deleted() -> c.deletes++;
                case PostChange p -> c.posts++;
                case FollowChange f -> c.follows++;
            }
        }
    }

    private void deadLetter(String source, JsonlLines.Line line, String field, String reason, Counter c) throws IOException {
        c.dead++;
        deadLetters.add(new DeadLetterEntry(Instant.now(), source, "line " + line.number(), field, reason,
                JsonlLines.decodeLenient(line.bytes()), null));
    }

    /** The change a line stands for, the reason it stands for none, or null for a blank line. */
    private Object decode(JsonlLines.Line line) {
        if (line.tooLong()) {
            return new InvalidRecordException(null, "line is " + line.length() + " bytes, longer than the " + MAX_LINE_BYTES
                    + "-byte limit (raw holds its first " + line.bytes().length + " bytes)");
        }
        if (blank(line.bytes())) return null;
        String text;
        try {
            text = JsonlLines.decode(line.bytes());
        } catch (JsonlLines.MalformedUtf8Exception e) {
            return new InvalidRecordException(null, e.getMessage() + " (raw shows it with U+FFFD in its place)");
        }
        try {
            return factory.fromJson(PostJson.readStrict(text));
        } catch (JsonProcessingException e) {
            return notJson(e);
        } catch (InvalidRecordException e) {
            return e;
        }
    }

    private static InvalidRecordException notJson(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        Matcher dup = DUPLICATE.matcher(message);
        if (dup.find()) return new InvalidRecordException(dup.group(1), "duplicate key '" + dup.group(1) + "'");
        if (e instanceof StreamReadException r && r.getLocation() != null && r.getLocation().getCharOffset() >= 0) {
            message += " (at character " + r.getLocation().getCharOffset() + ")";
        }
        return new InvalidRecordException(null, "not valid JSON: " + message);
    }

    /** Only spaces, tabs and carriage returns (the JSON whitespace a line can hold). */
    private static boolean blank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\t' && x != '\r') return false;
        return true;
    }

    private static final class Counter {
        long lines, posts, follows, deletes, stale, dead, blank;
    }
}
