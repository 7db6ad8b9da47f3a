package dev.feedsearch.query.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.query.rank.Features;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a replica reads back from the cluster is the session another replica wrote, exactly: order, scores, features,
 * the fallback order and its reason. The store here is an in-memory map (the OpenSearch one is tested across real
 * replicas in the app's ServeRolesTest); what is under test is the encoding and who may read a session.
 */
class FeedSessionsTest {
    /** An in-memory SessionStore: a stand-in for the cluster, which this unit test does not need. */
    static final class MapStore implements SessionStore {
        final Map<String, byte[]> values = new HashMap<>();
        final Map<String, String> owners = new HashMap<>();

        @Override
        public void put(String id, String owner, byte[] value, Instant expiresAt) {
            values.put(id, value);
            owners.put(id, owner);
        }

        @Override
        public Optional<byte[]> get(String id, String owner, Instant now) {
            return owner.equals(owners.get(id)) ? Optional.ofNullable(values.get(id)) : Optional.empty();
        }
    }

    static final Instant NOW = Instant.parse("2026-12-07T10:15:30.123456789Z");

    @Test
    void aRankedSessionReadsBackExactlyOnAnotherReplica() throws IOException {
        Features f = new Features(0, 0, 0, 0.9, 0.25, 1.0 / 3, 1, 0.5, 0.1);
        FeedService.Session s = new FeedService.Session(
                "bob",
                NOW,
                20,
                List.of(new RankedItem("p2", "ann", 1.75, f), new RankedItem("p1", "cat", 0.5, f)),
                "ranked",
                null);
        MapStore cluster = new MapStore();
        new FeedSessions(Optional.of(cluster), new SimpleMeterRegistry()).put("s1", s, true, NOW);
        FeedSessions other = new FeedSessions(Optional.of(cluster), new SimpleMeterRegistry());
        assertThat(other.get("s1", "bob", NOW)).contains(s);
        assertThat(other.get("s1", "eve", NOW)).isEmpty();
    }

    @Test
    void theFallbackOrderHasNoScoresAndKeepsItsReason() throws IOException {
        FeedService.Session s = new FeedService.Session(
                "bob",
                NOW,
                5,
                List.of(new RankedItem("p2", "ann", Double.NaN, null)),
                "reverse_chronological",
                "ranking exceeded its time budget of 50 ms");
        byte[] bytes = FeedSessions.encode(FeedSessions.Stored.of(s));
        assertThat(FeedSessions.decode(bytes).session()).isEqualTo(s);
    }

    @Test
    void aOnePageSessionIsNotSharedAndAnotherViewerGetsNothingFromMemory() {
        MapStore cluster = new MapStore();
        FeedSessions here = new FeedSessions(Optional.of(cluster), new SimpleMeterRegistry());
        FeedService.Session s = new FeedService.Session("bob", NOW, 20, List.of(), "ranked", null);
        here.put("s1", s, false, NOW);
        assertThat(cluster.values).isEmpty();
        assertThat(here.get("s1", "bob", NOW)).contains(s);
        assertThat(here.get("s1", "eve", NOW)).isEmpty();
    }
}
