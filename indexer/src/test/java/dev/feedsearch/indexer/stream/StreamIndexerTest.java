package dev.feedsearch.indexer.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.FaultInjectingIndex;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's own promises, on a real embedded index watched through a proxy: a position is checkpointed
 * only after a commit that began once its changes were applied, in poll order; small batches arriving
 * quickly share one apply per interval; an idle stream becomes durable without waiting for close; a failed
 * commit stops the stream and nothing after it is checkpointed; a change the engine throws on is dead-lettered
 * alone and the stream moves on.
 */
class StreamIndexerTest {
    static Mappings mappings;
    static GroupAnalyzers analyzers;

    @TempDir
    Path dir;

    @BeforeAll
    static void analyzers() {
        mappings = Mappings.load();
        analyzers = GroupAnalyzers.build(mappings);
    }

    @Test
    void checkpointsOnlyCommittedEventsInPollOrderAndGoesDurableWhenIdle() throws Exception {
        try (Harness h = new Harness(dir, 20, 0)) {
            h.source.add(events(0, 1_000));
            StreamIndexer si =
                    h.indexer(Duration.ofMillis(50), Duration.ofMillis(200)).start();
            try {
                awaitTrue(() -> si.applied() == 1_000, "every event applied");
                assertThat(h.real.stats().posts()).isEqualTo(1_000); // searchable once applied
                // nothing more arrives: the idle applier lets the committer make it all durable before close
                awaitTrue(() -> h.source.checkpointed.size() == 1_000, "everything checkpointed while running");
            } finally {
                si.close();
            }
            assertThat(h.source.checkpointed).containsExactlyElementsOf(h.source.handedOut);
            assertThat(h.violations).isEmpty();
            assertThat(si.failure()).isNull();
        }
    }

    @Test
    void smallBatchesArrivingQuicklyShareOneApplyPerInterval() throws Exception {
        try (Harness h = new Harness(dir, 5, 0)) {
            StreamIndexer si =
                    h.indexer(Duration.ofMillis(250), Duration.ofMillis(200)).start();
            try {
                for (int i = 0; i < 200; i++) { // 5 events every 5 ms for about a second: 200 polls' worth
                    h.source.add(events(i * 5, 5));
                    Thread.sleep(5);
                }
                awaitTrue(() -> si.applied() == 1_000, "every event applied");
            } finally {
                si.close();
            }
            // one apply per 250 ms over about a second, with ample slack for a slow machine; 200 without coalescing
            assertThat(h.applies.get()).isLessThan(40);
            assertThat(h.real.stats().posts()).isEqualTo(1_000);
            assertThat(h.source.checkpointed).containsExactlyElementsOf(h.source.handedOut);
            assertThat(h.violations).isEmpty();
        }
    }

    @Test
    void aFailedCommitStopsTheStreamAndNothingAfterItIsCheckpointed() throws Exception {
        try (Harness h = new Harness(dir, 10, 2)) { // the second commit throws
            StreamIndexer si =
                    h.indexer(Duration.ofMillis(20), Duration.ofMillis(50)).start();
            try {
                h.source.add(events(0, 100));
                awaitTrue(() -> si.applied() == 100 && !h.source.checkpointed.isEmpty(), "first commit and checkpoint");
                h.source.add(events(100, 100));
                awaitTrue(() -> si.failure() != null, "the failed commit stops the indexer");
            } finally {
                si.close();
            }
            assertThat(si.failure()).hasMessageContaining("disk full");
            assertThat(h.source.checkpointed)
                    .hasSizeLessThanOrEqualTo(100)
                    .containsExactlyElementsOf(h.source.handedOut.subList(0, h.source.checkpointed.size()));
            assertThat(h.violations).isEmpty();
        }
    }

    @Test
    void aChangeTheEngineThrowsOnIsDeadLetteredAloneAndTheRestApplyAndCheckpoint() throws Exception {
        try (Harness h = new Harness(dir, 50, 0)) {
            h.poison.addAll(Set.of("p17", "p42", "p43", "p199")); // two in one batch, one the very last event
            StreamIndexer si =
                    h.indexer(Duration.ofMillis(20), Duration.ofMillis(50)).start();
            try {
                h.source.add(events(0, 200));
                awaitTrue(() -> h.source.checkpointed.size() == 200, "every event checkpointed, the poisoned ones too");
            } finally {
                si.close();
            }
            assertThat(si.failure()).isNull();
            assertThat(h.real.stats().posts()).isEqualTo(196);
            assertThat(h.real.get("p18", null)).isPresent();
            List<DeadLetterEntry> dead = h.dlq.list();
            assertThat(dead)
                    .extracting(DeadLetterEntry::position)
                    .containsExactlyInAnyOrder("p0@18", "p0@43", "p0@44", "p0@200");
            assertThat(dead).allSatisfy(e -> assertThat(e.reason()).contains("could not apply", "injected fault"));
            assertThat(h.source.checkpointed).containsExactlyElementsOf(h.source.handedOut);
            assertThat(h.violations).isEmpty();
        }
    }

    // ------------------------------------------------------------------ fixtures

    static List<JsonNode> events(int from, int n) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(PostJson.MAPPER
                    .createObjectNode()
                    .put("id", "p" + i)
                    .put("author_id", "u" + (i % 7))
                    .put("text", "harbour morning number " + i)
                    .put("created_at", "2026-11-01T12:00:00Z")
                    .put("visibility", "public")
                    .put("version", 1));
        }
        return out;
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    /**
     * A real index behind a proxy that notes which post ids were applied when each commit began (only those
     * may be checkpointed after it), and a list source that checks every checkpoint against that.
     */
    static final class Harness implements AutoCloseable {
        final EmbeddedPostIndex real;
        final JsonlDeadLetterStore dlq;
        final ListSource source;
        final PostIndex index;
        final AtomicInteger applies = new AtomicInteger(), commits = new AtomicInteger();
        final Set<String> applied = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile Set<String> durable = Set.of();
        final List<String> violations = new CopyOnWriteArrayList<>();
        /** Post ids the engine throws on (a fake fault, see {@link FaultInjectingIndex}): dead-lettered, never applied. */
        final Set<String> poison = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private final PostIndex target;

        Harness(Path dir, int perPoll, int failingCommit) throws IOException {
            real = EmbeddedPostIndex.open(dir.resolve("idx"), analyzers);
            dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"));
            source = new ListSource(perPoll, this);
            target = FaultInjectingIndex.wrap(real, poison);
            index = (PostIndex) Proxy.newProxyInstance(
                    PostIndex.class.getClassLoader(), new Class<?>[] {PostIndex.class}, (proxy, method, args) -> {
                        if (method.getName().equals("commit")) {
                            Set<String> covered = new HashSet<>(applied); // every apply that returned before now
                            if (commits.incrementAndGet() == failingCommit) throw new IOException("disk full");
                            Object r = invoke(method, args);
                            durable = covered;
                            return r;
                        }
                        Object r = invoke(method, args);
                        if (method.getName().equals("apply")) {
                            applies.incrementAndGet();
                            @SuppressWarnings("unchecked")
                            List<? extends IndexChange> changes = (List<? extends IndexChange>) args[0];
                            for (IndexChange c : changes) applied.add(((PostChange) c).id());
                        }
                        return r;
                    });
        }

        private Object invoke(java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        StreamIndexer indexer(Duration applyInterval, Duration commitInterval) {
            return StreamIndexer.builder()
                    .source(source)
                    .changes(new ChangeFactory((text, hint) -> "en", mappings))
                    .index(index)
                    .deadLetters(dlq)
                    .batchSize(1_000)
                    .maxWait(Duration.ofMillis(20))
                    .applyInterval(applyInterval)
                    .commitInterval(commitInterval)
                    .build();
        }

        @Override
        public void close() throws IOException {
            dlq.close();
            real.close();
        }
    }

    /** Hands out queued records at most {@code perPoll} at a time; checks each checkpoint. */
    static final class ListSource implements ChangeSource {
        private final int perPoll;
        private final Harness h;
        private final ArrayDeque<JsonNode> queue = new ArrayDeque<>();
        final List<String> handedOut = new CopyOnWriteArrayList<>(), checkpointed = new CopyOnWriteArrayList<>();
        private int seq;

        ListSource(int perPoll, Harness h) {
            this.perPoll = perPoll;
            this.h = h;
        }

        synchronized void add(List<JsonNode> records) {
            queue.addAll(records);
        }

        @Override
        public String name() {
            return "list";
        }

        @Override
        public List<SourceEvent> poll(int maxEvents, Duration maxWait) throws InterruptedException {
            List<SourceEvent> out = new ArrayList<>();
            synchronized (this) {
                while (!queue.isEmpty() && out.size() < Math.min(perPoll, maxEvents)) {
                    JsonNode r = queue.poll();
                    out.add(SourceEvent.of("p0", String.valueOf(++seq), Instant.now(), r, r.toString()));
                    handedOut.add(r.get("id").asText());
                }
            }
            if (out.isEmpty()) Thread.sleep(maxWait.toMillis());
            return out;
        }

        @Override
        public void checkpoint(List<SourceEvent> applied) {
            for (SourceEvent e : applied) {
                String id = e.record().get("id").asText();
                if (!h.durable.contains(id) && !h.poison.contains(id))
                    h.violations.add("checkpoint of " + id + " before a commit covered it");
                checkpointed.add(id);
            }
        }

        @Override
        public void close() {}
    }
}
