package dev.feedsearch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * When there is no node to be had, {@link OpenSearchTestNode#url()} throws with the reason (and the node's log
 * tail), every time it is called: a test that needs OpenSearch fails loudly, it never skips or hangs. Each case
 * runs {@code url()} in a child JVM, since the environment decides what it does and it remembers its outcome.
 */
class OpenSearchTestNodeFailureTest {

    /** Calls url() twice and prints what happened; exit 0 only if a URL came back. */
    public static final class Probe {
        public static void main(String[] args) {
            for (int i = 1; i <= 2; i++) {
                long t0 = System.nanoTime();
                try {
                    System.out.println("call " + i + " returned " + OpenSearchTestNode.url());
                    System.exit(0);
                } catch (OpenSearchStartException e) {
                    System.out.println("call " + i + " threw after " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
                            + e.getMessage());
                }
            }
            System.exit(3);
        }
    }

    @Test
    void aUrlFromTheEnvironmentThatDoesNotAnswerFails() throws Exception {
        String out = probe(Map.of(
                OpenSearchTestNode.URL_ENV,
                "http://127.0.0.1:" + NodeRuntime.freePorts(1)[0],
                OpenSearchTestNode.ENV_WAIT_ENV,
                "1"));
        assertThat(out).contains("call 1 threw", "call 2 threw", "is set, but no OpenSearch cluster answered");
    }

    @Test
    void aStarterThatReportedFailureFailsAtOnceWithItsLog() throws Exception {
        Path log = Files.createTempFile("opensearch-starter", ".log");
        try {
            Files.writeString(
                    log, "URL http://127.0.0.1:1\nFAILED: OpenSearch node node-0 exited with code 1 (example)\n");
            long t0 = System.nanoTime();
            String out = probe(Map.of(
                    OpenSearchTestNode.URL_ENV,
                    "http://127.0.0.1:" + NodeRuntime.freePorts(1)[0],
                    OpenSearchTestNode.LOG_ENV,
                    log.toString(),
                    OpenSearchTestNode.ENV_WAIT_ENV,
                    "120"));
            assertThat(out).contains("call 1 threw", "failed to start", "exited with code 1 (example)", "call 2 threw");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                    .as("fails without waiting 120 s")
                    .isLessThan(60);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aNodeThatCannotStartFailsWithTheTailOfItsLog() throws Exception {
        // a "JDK" whose java refuses to run: the node's launcher script fails at once
        Path fakeJdk = OpenSearchTestNode.nodesRoot(null)
                .resolveSibling("fake-jdk-" + ProcessHandle.current().pid());
        Path java = fakeJdk.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(
                java, "#!/bin/sh\necho 'fake java for OpenSearchTestNodeFailureTest: refusing to start' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path p : List.of(fakeJdk, java.getParent())) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try {
            String out = probe(Map.of("FEEDSEARCH_OPENSEARCH_JAVA_HOME", fakeJdk.toString()));
            assertThat(out)
                    .contains(
                            "call 1 threw",
                            "OpenSearch node node-0 exited with code",
                            "fake java for OpenSearchTestNodeFailureTest: refusing to start",
                            "call 2 threw");
            // the failed node's folder is kept for its log; clean it up here
            Matcher m =
                    Pattern.compile("--- last lines of (\\S+)/stdout\\.log ---").matcher(out);
            if (m.find()) {
                Distribution.deleteTree(Path.of(m.group(1)));
            }
        } finally {
            Distribution.deleteTree(fakeJdk);
        }
    }

    private static String probe(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName())
                .redirectErrorStream(true);
        pb.environment().remove(OpenSearchTestNode.URL_ENV);
        pb.environment().remove(OpenSearchTestNode.LOG_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output:%n%s", out).isEqualTo(3);
        return out;
    }
}
