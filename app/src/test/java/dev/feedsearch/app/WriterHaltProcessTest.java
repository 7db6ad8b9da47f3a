package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.opensearch.WriterLease;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that lost its lease stops at once, as a real process: an indexer is frozen (SIGSTOP, like a long GC pause
 * or a VM stall) past its lease's ttl, a second writer takes the lease over, and when the first one thaws (SIGCONT)
 * its next renewal finds the lease gone and the process halts before it writes again.
 */
class WriterHaltProcessTest {
    @TempDir
    Path dir;

    @Test
    void aWriterThawedAfterATakeoverHalts() throws Exception {
        String url = OpenSearchTestNode.url();
        // --wait-for-lease: a lease left by an earlier test lapses first
        ServeJvm indexer = ServeJvm.start(
                dir,
                "indexer",
                OpenSearchArgs.of(
                        null,
                        url,
                        dir.resolve("data"),
                        "--role",
                        "indexer",
                        "--port",
                        "0",
                        "--wait-for-lease",
                        "--lease-ttl-seconds",
                        "2"),
                Map.of());
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(),
                Mappings.load(),
                OpenSearchPostIndex.RejectedWrites.FAIL)) {
            indexer.awaitServing(Duration.ofSeconds(90));
            assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                    .contains("pid " + indexer.process.pid());

            signal("STOP", indexer.process.pid());
            // it cannot renew now; after 2 s of an unchanged lease another writer takes it over
            try (WriterLease taker =
                    WriterLease.acquire(index.client(), "the test's writer", Duration.ofSeconds(2), true)) {
                assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                        .isEqualTo("the test's writer");
                signal("CONT", indexer.process.pid());
                assertThat(indexer.process.waitFor(30, TimeUnit.SECONDS))
                        .as("the thawed indexer stopped\n" + indexer.tail())
                        .isTrue();
                assertThat(indexer.process.exitValue()).isEqualTo(3);
                assertThat(Files.readString(indexer.log)).contains("the writer lease was taken over by another writer");
                // and it did not take the lease back on its way out
                assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                        .isEqualTo("the test's writer");
            }
        } finally {
            indexer.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process kill = new ProcessBuilder(List.of("kill", "-" + sig, Long.toString(pid)))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).as("kill -" + sig).isZero();
    }
}
