package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code feedsearch serve} in a JVM of its own, for the tests that kill, freeze or outlive a process: its stdout and
 * stderr go to {@code log}, it inherits no {@code FEEDSEARCH_*} or {@code AWS_*} variable but those given, and
 * {@link #kill()} is {@code kill -9} (no shutdown hook, no close, no lease handed back).
 */
final class ServeJvm {
    static final Pattern SERVING = Pattern.compile("feedsearch serving .* on http://127\\.0\\.0\\.1:(\\d+)");

    final String name;
    final Process process;
    final Path log;
    int port = -1;

    private ServeJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code serve args…} with {@code env} on top of this JVM's environment; logs to {@code dir/name.log}. */
    static ServeJvm start(Path dir, String name, List<String> args, Map<String, String> env) throws IOException {
        Path log = dir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(),
                "serve"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FEEDSEARCH_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        return new ServeJvm(name, pb.start(), log);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits for the "feedsearch serving … on http://…:port" line; fails with the log's tail if it dies first. */
    ServeJvm awaitServing(Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(log));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return this;
            }
            if (!process.isAlive())
                throw new AssertionError(name + " exited with " + process.exitValue() + " before serving:\n" + tail());
            Thread.sleep(50);
        }
        throw new AssertionError(name + " did not start serving within " + bound + ":\n" + tail());
    }

    boolean serving() throws IOException {
        return SERVING.matcher(Files.readString(log)).find();
    }

    /** kill -9: no shutdown hook, no close, no lease hand-back. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as(name + " killed").isTrue();
    }

    /** The last 40 lines of its log, for assertion messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- tail of " + name + "'s log (" + log + ") ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log for " + name + ": " + e + ")";
        }
    }
}
