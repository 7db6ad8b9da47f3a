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
        Path log = dir.resolve("indexer.log");
        Process indexer = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "serve",
                        "--role",
                        "indexer",
                        "--engine",
                        "opensearch",
                        "--opensearch-url",
                        url,
                        "--replicas",
                        "0",
                        "--port",
                        "0",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--wait-for-lease", // a lease left by an earlier test lapses first
                        "--lease-ttl-seconds",
                        "2")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(),
                Mappings.load(),
                OpenSearchPostIndex.RejectedWrites.FAIL)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.readString(log).contains("feedsearch serving")) {
                assertThat(indexer.isAlive())
                        .as("the indexer runs; its log:%n%s", Files.readString(log))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("the indexer serving within 90 s")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                    .contains("pid " + indexer.pid());

            signal("STOP", indexer.pid());
            // it cannot renew now; after 2 s of an unchanged lease another writer takes it over
            try (WriterLease taker =
                    WriterLease.acquire(index.client(), "the test's writer", Duration.ofSeconds(2), true)) {
                assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                        .isEqualTo("the test's writer");
                signal("CONT", indexer.pid());
                assertThat(indexer.waitFor(30, TimeUnit.SECONDS))
                        .as("the thawed indexer stopped; its log:%n%s", Files.readString(log))
                        .isTrue();
                assertThat(indexer.exitValue()).isEqualTo(3);
                assertThat(Files.readString(log)).contains("the writer lease was taken over by another writer");
                // and it did not take the lease back on its way out
                assertThat(WriterLease.holder(index.client()).orElseThrow().holder())
                        .isEqualTo("the test's writer");
            }
        } finally {
            indexer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process kill = new ProcessBuilder(List.of("kill", "-" + sig, Long.toString(pid)))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).as("kill -" + sig).isZero();
    }
}
