package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.stream.ChangeSource;
import dev.feedsearch.indexer.stream.StreamIndexer;
import dev.feedsearch.mappings.Mappings;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Change streams end to end, per source, all in one run: (1) a warm-up through a fresh indexer: events/s
 * over its first {@value #WARMUP} events is the cold JVM's rate (JIT compilation of the detector, analyzers,
 * codecs and drivers takes up to a core for a minute and more); more posts follow {@value #WARMUP_CHUNK} at a
 * time until the JIT compiles under a tenth of a core over a chunk (or {@value #MAX_WARMUP} posts), then the
 * indexer stops, drained and checkpointed; (2) the source's own drain rate (poll + map, nothing applied) as the
 * baseline; (3) events/s of a new indexer that resumes from the checkpoints over a backlog of N posts written
 * meanwhile, over the whole backlog and sustained (the middle third, while the source still delivers and every
 * stage is busy: the end of a backlog only drains what was already decoded); (4) freshness: posts written at a
 * steady rate, each timed from the source write until the index answers it (the same near-real-time reader
 * /v1/search uses), p50/p99. Progress, per-thread CPU per event and the indexer's batch and commit timers go to
 * stderr.
 * Usage: StreamRun CORPUS.jsonl POSTS OUT.md [dynamodb|postgres]
 */
public final class StreamRun {
    record Result(
            String source,
            int events,
            double drainPerSec,
            double coldPerSec,
            int warmupEvents,
            double jitShare,
            double endToEndPerSec,
            double sustainedPerSec,
            Histogram freshness) {}

    /**
     * The posts of {@code lines}, parsed on each access; with {@code size > 0}, that many warm-up posts, cycling
     * through {@code lines}, each under a new id (unique, and never one of the backlog's).
     */
    static List<JsonNode> parsed(List<String> lines, int size) {
        return new AbstractList<>() {
            @Override
            public JsonNode get(int i) {
                try {
                    JsonNode p = PostJson.MAPPER.readTree(lines.get(i % lines.size()));
                    if (size > 0)
                        ((ObjectNode) p).put("id", "w" + i + "-" + p.get("id").asText());
                    return p;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public int size() {
                return size > 0 ? size : lines.size();
            }
        };
    }

    /** The first events through a fresh indexer: the cold JVM's rate is measured over these. */
    static final int WARMUP = 30_000;
    /** More warm-up events are written this many at a time until the JIT is quiet, up to {@link #MAX_WARMUP}. */
    static final int WARMUP_CHUNK = 10_000, MAX_WARMUP = 300_000;

    /** Opens the source again (it resumes from its checkpoints). */
    interface Opener {
        ChangeSource open() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        // kept as JSON text and parsed when written: a corpus of parsed trees would fill the benchmark's own heap
        // (and keep G1 marking), which the indexer being measured does not have to pay for in production
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            JsonNode node = PostJson.MAPPER.readTree(line);
            if (node.has("text") && !node.path("deleted").asBoolean(false)) lines.add(line);
        }
        if (lines.size() < n + 2_000)
            throw new IllegalArgumentException("the corpus has " + lines.size() + " posts, fewer than " + (n + 2_000));
        List<JsonNode> backlog = parsed(lines.subList(0, n), 0), fresh = parsed(lines.subList(n, n + 2_000), 0);
        // warm-up posts: the rest of the corpus (all of it when nothing is left), as often as needed, under new ids
        List<String> rest = lines.size() > n + 2_000 ? lines.subList(n + 2_000, lines.size()) : lines;
        List<JsonNode> warm = parsed(rest, MAX_WARMUP);
        List<Result> results = new ArrayList<>();
        String only = args.length > 3 ? args[3] : "all"; // dynamodb | postgres | all
        if (!only.equals("postgres")) results.add(StreamRunSources.dynamodb(warm, backlog, fresh));
        if (!only.equals("dynamodb")) results.add(StreamRunSources.postgres(warm, backlog, fresh));
        StringBuilder md =
                new StringBuilder("| source | events | source drain alone, events/s | cold JVM, first events, events/s "
                        + "| warm-up events (JIT share of a core at its end) | warm, whole backlog, events/s | warm, sustained (middle third), events/s "
                        + "| freshness p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.0f | %,d (%.0f%%) | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                    r.source(),
                    r.events(),
                    r.drainPerSec(),
                    r.coldPerSec(),
                    r.warmupEvents(),
                    100 * r.jitShare(),
                    r.endToEndPerSec(),
                    r.sustainedPerSec(),
                    r.freshness().getValueAtPercentile(50) / 1e6,
                    r.freshness().getValueAtPercentile(99) / 1e6,
                    r.freshness().getMaxValue() / 1e6));
        }
        md.append(String.format(
                Locale.ROOT,
                "%nCold JVM: the first %,d events through a fresh indexer, while the JIT compiles detection, "
                        + "analysis, codecs and drivers (a source run after another in the same JVM finds much of that compiled). Warm-up: "
                        + "more posts, %,d at a time, until the JIT compiles under a tenth of a core over a chunk (or %,d posts); then that "
                        + "indexer stops (drained, checkpointed), the backlog is written, and a new indexer over the same index resumes from the "
                        + "checkpoints: whole backlog = from its start until every event is applied; sustained = from a third to two thirds of the "
                        + "backlog applied. Freshness: 1,000 posts written at 100/s while the indexer runs; each is timed from its write until the "
                        + "index returns it.%n",
                WARMUP,
                WARMUP_CHUNK,
                MAX_WARMUP));
        System.out.print(md);
        Files.writeString(Path.of(args[2]), md.toString());
    }

    // ------------------------------------------------------------------ the measurements

    /** Baseline: how fast the source alone hands out events (nothing applied, nothing checkpointed). */
    static double drainOnly(ChangeSource source, int expected) throws Exception {
        try (source) {
            long t0 = System.nanoTime();
            int seen = 0;
            while (seen < expected && System.nanoTime() - t0 < 300_000_000_000L)
                seen += source.poll(1_000, Duration.ofMillis(200)).size();
            return seen / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Writes posts to the source the way an app would (a batch at a time). */
    interface Writer {
        void write(List<JsonNode> posts) throws Exception;
    }

    /** The source's own drain rate over {@code expected} events. */
    interface Drain {
        double run(int expected) throws Exception;
    }

    static StreamIndexer indexer(
            ChangeSource source,
            ChangeFactory changes,
            EmbeddedPostIndex index,
            JsonlDeadLetterStore dlq,
            SimpleMeterRegistry metrics) {
        return StreamIndexer.builder()
                .source(source)
                .changes(changes)
                .index(index)
                .deadLetters(dlq)
                .metrics(metrics)
                .batchSize(1_000)
                .maxWait(Duration.ofMillis(50))
                .build();
    }

    static Result endToEnd(
            String name,
            Opener open,
            Path tmp,
            List<JsonNode> warm,
            List<JsonNode> backlogPosts,
            Writer bulk,
            Drain drainRate,
            List<JsonNode> fresh,
            Consumer<JsonNode> write)
            throws Exception {
        int backlog = backlogPosts.size();
        Mappings m = Mappings.load();
        GroupAnalyzers analyzers = GroupAnalyzers.build(m);
        analyzers.warmUp(); // the kuromoji/nori dictionaries load once per JVM: not part of the stream rate
        Integer writers = Integer.getInteger("feedsearch.bench.writerThreads"); // default: half the cores
        try (EmbeddedPostIndex index = writers == null
                        ? EmbeddedPostIndex.open(tmp.resolve("index"), analyzers)
                        : EmbeddedPostIndex.open(tmp.resolve("index"), analyzers, writers);
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(tmp.resolve("dlq.jsonl"))) {
            ScriptFirstDetector detector = new ScriptFirstDetector().preload();
            ChangeFactory changes = new ChangeFactory(detector, m);

            // 1. warm-up: a first backlog through a fresh indexer (its rate is the cold JVM's), then more posts, a
            // chunk
            //    at a time, until the JIT is quiet (compiling under a tenth of a core over a chunk) or the warm-up cap;
            //    then the indexer stops, drained and checkpointed
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            int written = Math.min(WARMUP, warm.size());
            bulk.write(warm.subList(0, written));
            StreamIndexer cold = indexer(open.open(), changes, index, dlq, new SimpleMeterRegistry());
            long c0 = System.nanoTime();
            cold.start();
            double coldRate = 0, jitShare = 1;
            while (cold.failure() == null && System.nanoTime() - c0 < 600_000_000_000L) {
                long chunkAt = System.nanoTime(), jit0 = jit.getTotalCompilationTime();
                while (cold.applied() < written && cold.failure() == null && System.nanoTime() - c0 < 600_000_000_000L)
                    Thread.sleep(20);
                if (coldRate == 0) coldRate = cold.applied() / ((System.nanoTime() - c0) / 1e9);
                jitShare = (jit.getTotalCompilationTime() - jit0) / ((System.nanoTime() - chunkAt) / 1e6);
                if (written > WARMUP && jitShare < 0.1 || written + WARMUP_CHUNK > warm.size()) break;
                bulk.write(warm.subList(written, written + WARMUP_CHUNK));
                written += WARMUP_CHUNK;
            }
            cold.close();
            if (cold.failure() != null)
                throw new IllegalStateException(name + " (warm-up): " + cold.failure(), cold.failure());
            long warmSeconds = (System.nanoTime() - c0) / 1_000_000_000L;
            System.err.printf(
                    Locale.ROOT,
                    "%s: cold JVM, first %d events at %.0f/s; warm-up of %d events in %d s, JIT busy %.0f%% of a core over the last chunk%n",
                    name,
                    Math.min(WARMUP, written),
                    coldRate,
                    written,
                    warmSeconds,
                    100 * jitShare);

            // 2. the backlog, written while no indexer runs; the source's own drain rate over everything
            bulk.write(backlogPosts);
            double drain = drainRate.run(written + backlog);

            // 3. a new indexer resumes from the checkpoints: the measured backlog
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            StreamIndexer indexer = indexer(open.open(), changes, index, dlq, metrics);
            Map<String, Long> cpu0 = threadCpu();
            long t0 = System.nanoTime(), fromAt = 0, fromN = 0, toAt = 0, toN = 0, lastLog = t0;
            indexer.start();
            long applied;
            while ((applied = indexer.applied()) < backlog
                    && indexer.failure() == null
                    && System.nanoTime() - t0 < 600_000_000_000L) {
                long now = System.nanoTime();
                if (fromAt == 0 && applied >= backlog / 3) {
                    fromAt = now;
                    fromN = applied;
                }
                if (toAt == 0 && applied >= 2L * backlog / 3) {
                    toAt = now;
                    toN = applied;
                }
                if (now - lastLog >= 1_000_000_000L) {
                    System.err.printf(Locale.ROOT, "%s: %.1f s, %d applied%n", name, (now - t0) / 1e9, applied);
                    lastLog = now;
                }
                Thread.sleep(20);
            }
            long end = System.nanoTime();
            if (indexer.failure() != null)
                throw new IllegalStateException(name + ": " + indexer.failure(), indexer.failure());
            double rate = applied / ((end - t0) / 1e9);
            double sustained = toN > fromN ? (toN - fromN) / ((toAt - fromAt) / 1e9) : rate;
            System.err.printf(
                    Locale.ROOT,
                    "%s: backlog of %d in %.1f s (%.0f/s), middle third %.0f/s; %s%n",
                    name,
                    applied,
                    (end - t0) / 1e9,
                    rate,
                    sustained,
                    timers(metrics));
            System.err.printf(
                    Locale.ROOT,
                    "%s: CPU per event during the backlog, by thread (µs): %s%n",
                    name,
                    cpuPerEvent(cpu0, threadCpu(), applied));

            // freshness at a steady 100 writes/s, with a watcher polling the index every 2 ms
            Histogram h = new Histogram(60_000_000_000L, 3);
            Map<String, Long> pending = new ConcurrentHashMap<>();
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        if (!pending.isEmpty()) {
                            for (var p : index.getVisible(List.copyOf(pending.keySet()), null)) {
                                Long t = pending.remove(p.post().id());
                                if (t != null) h.recordValue(System.nanoTime() - t);
                            }
                        }
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            int count = Math.min(1_000, fresh.size());
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                JsonNode p = fresh.get(i).deepCopy();
                ((ObjectNode) p).put("visibility", "public");
                pending.put(p.get("id").asText(), System.nanoTime());
                write.accept(p);
                long due = start + (i + 1) * 10_000_000L;
                long now = System.nanoTime();
                if (due > now) Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!pending.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            watcher.interrupt();
            watcher.join();
            indexer.close();
            System.err.printf(Locale.ROOT, "%s: backlog and freshness run together: %s%n", name, timers(metrics));
            if (!pending.isEmpty())
                throw new IllegalStateException(name + ": " + pending.size() + " posts never became visible");
            return new Result(name, backlog, drain, coldRate, written, jitShare, rate, sustained, h);
        }
    }

    /** CPU time of every live thread of this JVM, summed by name with digits removed (pool threads together). */
    static Map<String, Long> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) continue;
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) out.merge(t.getThreadName().replaceAll("[0-9]+", "#").replaceAll(":.*", ""), ns, Long::sum);
        }
        return out;
    }

    static String cpuPerEvent(Map<String, Long> before, Map<String, Long> after, long events) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "all %.0f", total / 1e3 / events));
        delta.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .forEach(e ->
                        sb.append(String.format(Locale.ROOT, ", %s %.0f", e.getKey(), e.getValue() / 1e3 / events)));
        return sb.toString();
    }

    /** The indexer's apply and commit timers: how often, how long. */
    static String timers(SimpleMeterRegistry metrics) {
        StringBuilder sb = new StringBuilder();
        for (String t : List.of("feedsearch.indexer.batch", "feedsearch.indexer.commit")) {
            Timer timer = metrics.find(t).timer();
            if (timer == null) continue;
            sb.append(String.format(
                    Locale.ROOT,
                    "%s %d × %.1f ms (%.0f ms in all); ",
                    t.substring(t.lastIndexOf('.') + 1),
                    timer.count(),
                    timer.mean(TimeUnit.MILLISECONDS),
                    timer.totalTime(TimeUnit.MILLISECONDS)));
        }
        return sb.toString();
    }
}
