package dev.feedsearch.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.feedsearch.core.index.PostWriter;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
 * rest land), on a thread of their own while the next lines are decoded, and committed at the end. Nothing in the
 * file aborts the load.
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

    private static final Pattern DUPLICATE =
            Pattern.compile("Duplicate (?:field|Object property) '(.*)'", Pattern.DOTALL);

    private final ChangeFactory factory;
    private final PostWriter index;
    private final DeadLetterStore deadLetters;
    private final int batchSize;

    public JsonlIngester(ChangeFactory factory, PostWriter index, DeadLetterStore deadLetters, int batchSize) {
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
        try (Applier applier = new Applier(sourceName, c)) {
            List<JsonlLines.Line> batch = new ArrayList<>();
            long batchBytes = 0;
            for (JsonlLines.Line line; (line = lines.next()) != null; ) {
                batch.add(line);
                batchBytes += line.bytes().length;
                if (batch.size() >= batchSize || batchBytes >= BATCH_BYTES) {
                    applier.submit(decode(batch, batchBytes, c));
                    batch = new ArrayList<>();
                    batchBytes = 0;
                    progress.accept(lines.bytesRead());
                }
            }
            if (!batch.isEmpty()) applier.submit(decode(batch, batchBytes, c));
            applier.finish();
        }
        progress.accept(lines.bytesRead());
        index.commit();
        synchronized (c) {
            return new IngestReport(c.lines, c.posts, c.follows, c.deletes, c.stale, c.dead, c.blank);
        }
    }

    /** A line with the change it became. */
    private record Good(JsonlLines.Line line, IndexChange change) {}

    /** A line that became no change, and why. */
    private record Bad(JsonlLines.Line line, String field, String reason) {}

    /** One batch of lines, decoded: what to apply, what to dead-letter, and the bytes it keeps alive. */
    private record Decoded(List<Good> good, List<Bad> bad, long bytes) {}

    private Decoded decode(List<JsonlLines.Line> lines, long bytes, Counter c) {
        // decoding and language detection dominate: spread them over the cores, keep line order
        Object[] decoded = new Object[lines.size()];
        IntStream.range(0, lines.size()).parallel().forEach(i -> decoded[i] = decode(lines.get(i)));
        List<Good> good = new ArrayList<>(lines.size());
        List<Bad> bad = new ArrayList<>();
        int blank = 0;
        for (int i = 0; i < decoded.length; i++) {
            JsonlLines.Line line = lines.get(i);
            if (decoded[i] == null) blank++;
            else if (decoded[i] instanceof InvalidRecordException e) bad.add(new Bad(line, e.field(), e.getMessage()));
            else good.add(new Good(line, (IndexChange) decoded[i]));
        }
        synchronized (c) {
            c.lines += lines.size();
            c.blank += blank;
        }
        return new Decoded(good, bad, bytes);
    }

    /**
     * Applies decoded batches on its own thread while the caller decodes the next ones, and takes every batch
     * waiting for it in one apply. An engine that waits for searchability per apply (OpenSearch's {@code wait_for}:
     * up to one refresh interval) so waits once per apply, not once per batch, and decoding overlaps the wait.
     * Dead letters are written here, a batch at a time in line order, so the file stays in line order.
     */
    private final class Applier implements AutoCloseable {
        /** How many decoded batches may wait, and how many bytes of lines they may keep alive. */
        private static final int MAX_WAITING_BATCHES = 8;

        private static final long MAX_WAITING_BYTES = BATCH_BYTES;

        private final String source;
        private final Counter c;
        private final ArrayDeque<Decoded> waiting = new ArrayDeque<>();
        private final Thread thread;
        private long waitingBytes;
        private boolean finished;
        private Throwable failure;

        Applier(String source, Counter c) {
            this.source = source;
            this.c = c;
            this.thread = Thread.ofPlatform().name("jsonl-apply").daemon().start(this::run);
        }

        /** Queues a batch; blocks while too much waits; throws what the applier failed with. */
        synchronized void submit(Decoded batch) throws IOException {
            // one batch over the byte bound still goes when nothing waits, else a long line could never pass
            while (failure == null
                    && !waiting.isEmpty()
                    && (waiting.size() >= MAX_WAITING_BATCHES || waitingBytes + batch.bytes() > MAX_WAITING_BYTES)) {
                await();
            }
            rethrow();
            waiting.add(batch);
            waitingBytes += batch.bytes();
            notifyAll();
        }

        /** Waits until every batch is applied; throws what the applier failed with. */
        void finish() throws IOException {
            synchronized (this) {
                finished = true;
                notifyAll();
            }
            join();
            synchronized (this) {
                rethrow();
            }
        }

        private void run() {
            try {
                while (true) {
                    List<Decoded> taken;
                    synchronized (this) {
                        while (waiting.isEmpty() && !finished) await();
                        if (waiting.isEmpty()) return;
                        taken = new ArrayList<>(waiting);
                        waiting.clear();
                        waitingBytes = 0;
                        notifyAll();
                    }
                    apply(taken);
                }
            } catch (Throwable t) { // the caller rethrows it: a load never ends as if it had succeeded
                synchronized (this) {
                    failure = t;
                    waiting.clear();
                    notifyAll();
                }
            }
        }

        private void apply(List<Decoded> batches) throws IOException {
            List<Good> changes = new ArrayList<>();
            List<Bad> dead = new ArrayList<>();
            for (Decoded d : batches) {
                changes.addAll(d.good());
                dead.addAll(d.bad());
            }
            Set<Good> poisoned = Collections.newSetFromMap(new IdentityHashMap<>());
            IsolatingApplier.Outcome r = IsolatingApplier.apply(index, changes, Good::change, (g, why) -> {
                poisoned.add(g);
                dead.add(new Bad(g.line(), null, IsolatingApplier.reason(why)));
            });
            dead.sort(Comparator.comparingLong(b -> b.line().number()));
            for (Bad b : dead) deadLetter(source, b.line(), b.field(), b.reason());
            long posts = 0, follows = 0, deletes = 0;
            for (Good g : changes) {
                if (poisoned.contains(g)) continue;
                switch (g.change()) {
                    case PostChange p when p.deleted() -> deletes++;
                    case PostChange p -> posts++;
                    case FollowChange f -> follows++;
                }
            }
            synchronized (c) {
                c.stale += r.stale();
                c.dead += dead.size();
                c.posts += posts;
                c.follows += follows;
                c.deletes += deletes;
            }
        }

        private void await() {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while ingesting", e);
            }
        }

        private void join() throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the last batches were applied");
            }
        }

        private void rethrow() throws IOException {
            if (failure == null) return;
            if (failure instanceof IOException io)
                throw new IOException("applying a batch failed: " + io.getMessage(), io);
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error err) throw err;
            throw new IOException(failure);
        }

        /** On an early exit (the caller threw): stop taking batches, let the one in flight end. */
        @Override
        public void close() throws IOException {
            synchronized (this) {
                finished = true;
                waiting.clear();
                notifyAll();
            }
            join();
        }
    }

    private void deadLetter(String source, JsonlLines.Line line, String field, String reason) throws IOException {
        deadLetters.add(new DeadLetterEntry(
                Instant.now(),
                source,
                "line " + line.number(),
                field,
                reason,
                JsonlLines.decodeLenient(line.bytes()),
                null));
    }

    /** The change a line stands for, the reason it stands for none, or null for a blank line. */
    private Object decode(JsonlLines.Line line) {
        if (line.tooLong()) {
            return new InvalidRecordException(
                    null,
                    "line is " + line.length() + " bytes, longer than the " + MAX_LINE_BYTES
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
        if (e instanceof StreamReadException r
                && r.getLocation() != null
                && r.getLocation().getCharOffset() >= 0) {
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
