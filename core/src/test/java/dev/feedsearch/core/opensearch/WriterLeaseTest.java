package dev.feedsearch.core.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/** The writer lease on a real node: one holder, a clear refusal, takeover only after a lapse, hand-back on close. */
class WriterLeaseTest {
    static final Duration TTL = Duration.ofSeconds(2);
    static String url;
    static OpenSearchClient client;
    final List<WriterLease> open = new ArrayList<>();

    @BeforeAll
    static void node() throws IOException {
        url = OpenSearchTestNode.url();
        client = OpenSearchClients.create(OpenSearchConfig.builder(url).build());
    }

    @AfterAll
    static void closeClient() throws IOException {
        client._transport().close();
    }

    @BeforeEach
    void noLease() throws IOException {
        OpenSearchFixtures.send(url, "DELETE", "/" + WriterLease.INDEX, null);
    }

    @AfterEach
    void release() {
        for (WriterLease l : open) {
            try {
                l.close();
            } catch (IOException | RuntimeException ignored) {
                // a test may have lost or abandoned it
            }
        }
    }

    WriterLease acquire(String me, boolean wait) throws IOException {
        WriterLease l = WriterLease.acquire(client, me, TTL, wait);
        open.add(l);
        return l;
    }

    CompletableFuture<WriterLease> acquireLater(String me) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return acquire(me, true);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void aSecondWriterIsRefusedWithTheHolderNamed() throws IOException {
        acquire("indexer-a", false);
        assertThatThrownBy(() -> acquire("indexer-b", false))
                .isInstanceOf(WriterLease.HeldException.class)
                .hasMessageContaining("indexer-a")
                .hasMessageContaining("--wait-for-lease");
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("indexer-a"));
    }

    @Test
    void aWaitingWriterDoesNotTakeALeaseThatIsRenewed() throws Exception {
        WriterLease a = acquire("indexer-a", false);
        CompletableFuture<WriterLease> b = acquireLater("indexer-b");
        // two full ttls: a renews every ttl/3, so b must still be waiting
        assertThatThrownBy(() -> b.get(2 * TTL.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        assertThat(a.renew()).isTrue();
        assertThat(a.lost()).isFalse();
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("indexer-a"));
        a.close(); // hands it back: b takes it at once
        WriterLease taken = b.get(30, TimeUnit.SECONDS);
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("indexer-b"));
        assertThat(taken.renew()).isTrue();
    }

    @Test
    void aLapsedLeaseIsTakenOverAndItsFormerHolderLearnsItLostIt() throws Exception {
        WriterLease a = acquire("indexer-a", false);
        a.abandon(); // what kill -9 leaves: a lease no one renews
        long t0 = System.nanoTime();
        WriterLease b = acquireLater("indexer-b").get(30, TimeUnit.SECONDS);
        // never before one whole ttl of silence, by the candidate's own clock
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(TTL);
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("indexer-b"));
        assertThat(b.renew()).isTrue();
    }

    @Test
    void aStandbyWithAShorterTtlWaitsForTheHoldersTtl() throws Exception {
        // the holder renews every 2 s against a 6 s ttl; a standby started with 1 s must not call that a lapse
        WriterLease a = WriterLease.acquire(client, "indexer-a", Duration.ofSeconds(6), false);
        open.add(a);
        CompletableFuture<WriterLease> b = CompletableFuture.supplyAsync(() -> {
            try {
                WriterLease l = WriterLease.acquire(client, "indexer-b", Duration.ofSeconds(1), true);
                open.add(l);
                return l;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(a.renew()).as("the live holder keeps its lease").isTrue();
        a.abandon();
        long t0 = System.nanoTime();
        b.get(30, TimeUnit.SECONDS);
        // the holder's silence is measured against its 6 s, not the standby's 1 s (less what the last renewal had
        // already stood still before the abandon, at most its 2 s interval)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void ofTwoWritersWaitingOnALapsedLeaseExactlyOneTakesIt() throws Exception {
        WriterLease a = acquire("indexer-a", false);
        CompletableFuture<WriterLease> b = acquireLater("indexer-b"), c = acquireLater("indexer-c");
        Thread.sleep(200); // both are watching
        a.abandon();
        CompletableFuture<Object> first = CompletableFuture.anyOf(b, c);
        WriterLease winner = (WriterLease) first.get(30, TimeUnit.SECONDS);
        CompletableFuture<WriterLease> other = winner == b.getNow(null) ? c : b;
        // the other keeps waiting while the winner renews
        assertThatThrownBy(() -> other.get(2 * TTL.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo(winner.me()));
        winner.close();
        assertThat(other.get(30, TimeUnit.SECONDS).renew()).isTrue();
    }

    @Test
    void renewalReportsALossWhenTheLeaseDocumentWasReplaced() throws IOException {
        WriterLease a = acquire("indexer-a", false);
        // an operator (or a takeover a missed) rewrote the document: a must stop, not overwrite it back
        OpenSearchFixtures.send(
                url,
                "PUT",
                "/" + WriterLease.INDEX + "/_doc/" + WriterLease.DOC + "?refresh=true",
                "{\"holder\":\"someone-else\",\"renewed_ms\":1,\"ttl_ms\":2000}");
        assertThat(a.renew()).isFalse();
        assertThat(a.lost()).isTrue();
        assertThat(a.renew()).isFalse();
        assertThat(WriterLease.holder(client))
                .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("someone-else"));
    }
}
