package dev.feedsearch.core.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.ChangeLog;
import dev.feedsearch.core.index.ChangeTracker;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Change tracking across processes on a real node: a writer's engine publishes what it changed, a replica's engine
 * (a second instance, sharing nothing in memory with the writer) follows it, and its change tracker then says what
 * its caches must drop. Gaps and a writer's restart make the replica drop everything.
 */
class ChangeJournalTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static Mappings mappings;
    static String url;
    OpenSearchPostIndex writer, replica;
    ChangeFollower follower;

    @BeforeAll
    static void node() throws IOException {
        mappings = Mappings.load();
        url = OpenSearchTestNode.url();
        OpenSearchFixtures.wipe(url);
    }

    static OpenSearchConfig config() {
        return OpenSearchConfig.builder(url)
                .replicas(0)
                .refresh(OpenSearchConfig.Refresh.TRUE)
                .build();
    }

    @BeforeEach
    void open() throws IOException {
        OpenSearchFixtures.empty(url);
        OpenSearchFixtures.send(url, "DELETE", "/" + ChangeJournal.INDEX, null);
        writer = OpenSearchPostIndex.open(config(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
        writer.publishChanges();
        replica = OpenSearchPostIndex.open(config(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
        follower = replica.followChanges(Duration.ofMillis(20), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() throws IOException {
        follower.close();
        replica.close();
        writer.close();
    }

    static PostChange post(String id, String author, long version) {
        return PostChange.upsert(
                new Post(
                        id,
                        author,
                        "the river runs high",
                        null,
                        T0,
                        Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        version,
                        false),
                "en",
                "en");
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 30 s: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void aReplicaLearnsWhichPostsAuthorsAndViewersTheWriterChanged() throws Exception {
        ChangeTracker seen = replica.changes();
        long g0 = seen.generation();
        writer.apply(List.of(post("p1", "ann", 1), post("p2", "bob", 1)));
        eventually(() -> seen.changedSince(g0, List.of("p1")), "p1 changed on the replica");
        assertThat(seen.authorGeneration("ann")).isGreaterThan(g0);
        assertThat(seen.authorGeneration("cat")).isLessThanOrEqualTo(g0); // only what was written
        long g1 = seen.generation();
        assertThat(seen.changedSince(g1, List.of("p1", "p2"))).isFalse();

        writer.apply(List.of(new FollowChange(new FollowEdge("cat", "ann", T0, 1, false))));
        eventually(() -> seen.viewerGeneration("cat") > g1, "cat's edges changed on the replica");
        assertThat(seen.changedSince(g1, List.of("p1", "p2"))).isFalse();
        assertThat(seen.viewerGeneration("dan")).isLessThanOrEqualTo(g1);

        writer.apply(List.of(PostChange.delete("p2", 2)));
        eventually(() -> seen.changedSince(g1, List.of("p2")), "p2's delete on the replica");
        assertThat(seen.authorGeneration("bob")).isGreaterThan(g1); // the author of a deleted post is known too
        // a stale change writes nothing, so there is nothing to publish
        long g2 = seen.generation(), entries = follower.applied();
        writer.apply(List.of(post("p1", "ann", 1)));
        writer.apply(List.of(post("p3", "eve", 1)));
        eventually(() -> seen.authorGeneration("eve") > g2, "p3 on the replica");
        assertThat(follower.applied()).isEqualTo(entries + 1);
        assertThat(follower.gaps()).isZero();
    }

    @Test
    void aWriterThatStartsAgainTellsReplicasEverythingMayHaveChanged() throws Exception {
        ChangeTracker seen = replica.changes();
        writer.apply(List.of(post("p1", "ann", 1)));
        eventually(() -> seen.authorGeneration("ann") > 0, "p1 on the replica");
        long g = seen.generation();
        // a writer that died between a write and its entry: its successor cannot know what went unpublished
        writer.close();
        writer = OpenSearchPostIndex.open(config(), mappings, OpenSearchPostIndex.RejectedWrites.FAIL);
        writer.publishChanges();
        eventually(() -> seen.changedSince(g, List.of("never-written")), "everything on the replica");
        assertThat(seen.authorGeneration("zed")).isGreaterThan(g);
    }

    @Test
    void aReplicaThatMissedPrunedEntriesDropsEverythingAndReadsOn() throws Exception {
        writer.apply(List.of(post("p1", "ann", 1)));
        eventually(() -> replica.changes().authorGeneration("ann") > 0, "p1 on the replica");
        // entry 1 is the writer's opening "everything", which the replica started after; entry 2 is p1
        long p1Entry = 1 + follower.applied();
        assertThat(p1Entry).isEqualTo(2);
        // a second replica that read up to p1's entry, then stopped while the writer wrote on and the journal was
        // pruned
        ChangeLog behind = new ChangeLog();
        AtomicInteger reloads = new AtomicInteger();
        ChangeFollower late = ChangeFollower.unstarted(writer.client(), behind, reloads::incrementAndGet, p1Entry + 1);
        writer.apply(List.of(post("p2", "bob", 1)));
        writer.apply(List.of(post("p3", "cat", 1)));
        writer.apply(List.of(post("p4", "dan", 1)));
        OpenSearchFixtures.send(
                url,
                "POST",
                "/" + ChangeJournal.INDEX + "/_refresh",
                null); // a delete by query sees what a refresh shows
        OpenSearchFixtures.send(
                url,
                "POST",
                "/" + ChangeJournal.INDEX + "/_delete_by_query?refresh=true",
                "{\"query\":{\"range\":{\"seq\":{\"lte\":" + (p1Entry + 1) + "}}}}"); // p2's entry too
        long g = behind.generation();
        late.readOnce(); // finds the gap
        assertThat(late.gaps()).isEqualTo(1);
        assertThat(reloads.get()).isEqualTo(1);
        assertThat(behind.changedSince(g, List.of("anything"))).isTrue();
        long afterGap = behind.generation();
        late.readOnce(); // and reads on from the first entry left
        assertThat(behind.authorGeneration("dan")).isGreaterThan(afterGap);
        assertThat(behind.authorGeneration("ann")).isLessThanOrEqualTo(afterGap); // p1's entry was before the gap
    }

    @Test
    void aReplicaCutOffFromTheClusterDropsItsCachesWithinMaxLagWhileItsReadHangs() throws Exception {
        try (FreezableLink link = new FreezableLink(url)) {
            OpenSearchPostIndex cutOff = OpenSearchPostIndex.open(
                    OpenSearchConfig.builder(link.url())
                            .replicas(0)
                            .refresh(OpenSearchConfig.Refresh.TRUE)
                            .build(),
                    mappings,
                    OpenSearchPostIndex.RejectedWrites.FAIL);
            ChangeFollower f = cutOff.followChanges(Duration.ofMillis(20), Duration.ofSeconds(1));
            try {
                ChangeTracker seen = cutOff.changes();
                eventually(() -> f.lagNanos() < Duration.ofMillis(500).toNanos(), "the replica in touch");
                long g = seen.generation();
                assertThat(seen.changedSince(g, List.of("p1"))).isFalse();
                // packets vanish: the follower's next read hangs (the client would wait 30 s), and nothing was
                // written, yet after 1 s out of touch this replica can no longer vouch for any cached page
                link.freeze();
                long frozenAt = System.nanoTime();
                eventually(() -> seen.changedSince(g, List.of("p1")), "caches dropped while cut off");
                // by the lag rule, while the read still hangs: not by that read failing at the client's timeout
                assertThat(f.readFailures())
                        .as("journal reads that failed before the drop")
                        .isZero();
                assertThat(System.nanoTime() - frozenAt)
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
                link.thaw();
                eventually(() -> f.lagNanos() < Duration.ofMillis(500).toNanos(), "back in touch");
                long back = seen.generation();
                Thread.sleep(200);
                assertThat(seen.changedSince(back, List.of("p1")))
                        .as("quiet again once in touch")
                        .isFalse();
            } finally {
                link.thaw();
                f.close();
                cutOff.close();
            }
        }
    }
}
