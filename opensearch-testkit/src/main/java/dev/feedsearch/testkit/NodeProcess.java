package dev.feedsearch.testkit;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One OpenSearch node process: its own folder (config, data, logs, tmp, and {@code stdout.log}, where the
 * node's console output goes so no pipe is held), launched from a shared {@link Distribution} install as the
 * node user, bound to 127.0.0.1.
 *
 * <p>The node runs under a small watchdog shell that stops it when the JVM that launched it is gone, so a
 * test JVM killed without running its shutdown hooks does not leave a node behind.
 */
final class NodeProcess {

    /** Runs the node (the remaining arguments) and stops it once process {@code $1} no longer exists. */
    private static final String WATCHDOG = """
        owner=$1; shift
        "$@" &
        child=$!
        trap 'kill -TERM $child 2>/dev/null' TERM INT
        while kill -0 $child 2>/dev/null; do
          if [ ! -d /proc/$owner ]; then kill -TERM $child 2>/dev/null; fi
          sleep 1
        done
        wait $child
        """;

    final String name;
    final Path dir;
    final int httpPort;
    final int transportPort;
    private final Path home;
    private final Path javaHome;
    private final String nodeUser;
    private final int heapMb;
    private final String settings;
    private Process process;

    /**
     * @param settings the node's opensearch.yml lines beyond name, network, ports and paths (discovery, roles, …)
     */
    NodeProcess(
            Path home,
            Path javaHome,
            String nodeUser,
            Path dir,
            String clusterName,
            String name,
            int httpPort,
            int transportPort,
            int heapMb,
            String settings) {
        this.home = home;
        this.javaHome = javaHome;
        this.nodeUser = nodeUser;
        this.dir = dir;
        this.name = name;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
        this.heapMb = heapMb;
        this.settings = "cluster.name: " + clusterName + "\n"
                + "node.name: " + name + "\n"
                + "network.host: 127.0.0.1\n"
                + "http.port: " + httpPort + "\n"
                + "transport.port: " + transportPort + "\n"
                + "path.data: " + dir.resolve("data") + "\n"
                + "path.logs: " + dir.resolve("logs") + "\n"
                // a nearly full test disk must not stop shard allocation
                + "cluster.routing.allocation.disk.threshold_enabled: false\n"
                + settings;
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    Path log() {
        return dir.resolve("stdout.log");
    }

    /** Writes the node's config (first start only) and launches it; returns at once. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + name + " is already running");
        }
        try {
            if (!Files.exists(dir.resolve("config/opensearch.yml"))) {
                writeConfig();
            }
            List<String> command = new ArrayList<>();
            if (nodeUser != null) {
                command.addAll(List.of("runuser", "-u", nodeUser, "--"));
            }
            command.addAll(List.of(
                    "/bin/bash",
                    "-c",
                    WATCHDOG,
                    "opensearch-watchdog",
                    String.valueOf(ProcessHandle.current().pid()),
                    home.resolve("bin/opensearch").toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            Map<String, String> env = pb.environment();
            NodeRuntime.scrub(env);
            env.put("OPENSEARCH_JAVA_HOME", javaHome.toString());
            env.put("JAVA_HOME", javaHome.toString());
            env.put("OPENSEARCH_PATH_CONF", dir.resolve("config").toString());
            env.put("OPENSEARCH_TMPDIR", dir.resolve("tmp").toString());
            env.put("OPENSEARCH_JAVA_OPTS", "");
            Files.writeString(
                    log(),
                    "=== feedsearch testkit: starting " + name + " ("
                            + String.join(" ", command.subList(0, nodeUser == null ? 0 : 4)) + " "
                            + home.resolve("bin/opensearch") + ", JDK " + javaHome + ")\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = pb.start();
        } catch (IOException e) {
            throw new OpenSearchStartException("cannot launch OpenSearch node " + name + ": " + e + tail(), e);
        }
    }

    private void writeConfig() throws IOException {
        NodeRuntime.createWorldReadableDirs(dir);
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(config.resolve("jvm.options.d"));
        for (String d : List.of("data", "logs", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(home.resolve("config/log4j2.properties"), config.resolve("log4j2.properties"));
        Files.writeString(config.resolve("opensearch.yml"), settings);
        Files.writeString(config.resolve("jvm.options"), jvmOptions());
        if (nodeUser != null) {
            NodeRuntime.chown(dir, nodeUser);
        }
    }

    /**
     * The distribution's jvm.options with our heap, and the paths it gives relative to the install (GC log, heap
     * dumps, error files) moved into this node's folder: the install is shared and read-only to nodes.
     */
    private String jvmOptions() throws IOException {
        StringBuilder out =
                new StringBuilder("# the distribution's jvm.options, adapted by feedsearch's opensearch-testkit\n");
        for (String line : Files.readAllLines(home.resolve("config/jvm.options"))) {
            String t = line.strip();
            String option = t.contains(":-") && Character.isDigit(t.isEmpty() ? 'x' : t.charAt(0))
                    ? t.substring(t.indexOf(":-") + 1)
                    : t;
            if (option.startsWith("-Xms") || option.startsWith("-Xmx")) {
                continue;
            }
            if (option.startsWith("-Xlog:gc") || option.startsWith("-Xloggc")) {
                continue; // no GC log for test nodes
            }
            line = line.replace("-XX:HeapDumpPath=data", "-XX:HeapDumpPath=" + dir.resolve("logs"))
                    .replace("-XX:ErrorFile=logs/", "-XX:ErrorFile=" + dir.resolve("logs") + "/");
            out.append(line).append('\n');
        }
        out.append("-Xms").append(heapMb).append("m\n-Xmx").append(heapMb).append("m\n");
        // C1 only: a test node is short-lived and small; this starts it ~2 s sooner on 2 cores and leaves the
        // other core to the build
        out.append("-XX:TieredStopAtLevel=1\n");
        return out.toString();
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Waits until the node's HTTP answers {@code _cluster/health}; fails with the reason and the log's tail if the
     * process exits or the deadline passes.
     */
    void awaitHttp(long deadlineNanos) {
        while (true) {
            if (LocalHttp.healthStatus(url()) != null) {
                return;
            }
            if (!alive()) {
                throw new OpenSearchStartException("OpenSearch node " + name + " exited with code " + exitCode()
                        + " before answering on " + url() + tail());
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new OpenSearchStartException(
                        "OpenSearch node " + name + " did not answer on " + url() + " in time" + tail());
            }
            sleep(250);
        }
    }

    private String exitCode() {
        try {
            return String.valueOf(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    /**
     * Stops the node: SIGTERM to the OpenSearch JVM (a graceful shutdown), then to what is left of the launcher,
     * SIGKILL after 30 s. Keeps the node's folder (its data survive a restart).
     */
    synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        for (ProcessHandle h : descendants) {
            if (h.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
                h.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle h : descendants) {
            waitFor(h, deadline);
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static void waitFor(ProcessHandle h, long deadlineNanos) {
        while (h.isAlive()) {
            if (System.nanoTime() > deadlineNanos) {
                h.destroyForcibly();
                return;
            }
            sleep(100);
        }
    }

    /** Resident memory of the node's JVM in MB (from /proc), or -1. */
    long rssMb() {
        Process p = process;
        if (p == null) {
            return -1;
        }
        for (ProcessHandle h : p.descendants().toList()) {
            if (h.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
                try {
                    for (String l : Files.readAllLines(Path.of("/proc/" + h.pid() + "/status"))) {
                        if (l.startsWith("VmRSS:")) {
                            return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The last lines of the node's console log, formatted for an exception message. */
    String tail() {
        return "\n--- last lines of " + log() + " ---\n" + tail(log(), 40);
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log written)";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(0, len - 16_384);
            byte[] buf = new byte[(int) (len - start)];
            f.seek(start);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(start == 0 ? 0 : 1, all.length - lines);
            return String.join("\n", Arrays.asList(all).subList(Math.min(from, all.length), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenSearchStartException("interrupted while waiting for OpenSearch");
        }
    }
}
