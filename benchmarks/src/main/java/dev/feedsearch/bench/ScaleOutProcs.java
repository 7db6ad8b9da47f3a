package dev.feedsearch.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes of the scale-out run: each {@code serve} (indexer, query replicas) and the bare endpoint in a JVM of
 * its own, started from this JVM's classpath with stdout/stderr in files, ready when it prints the address it serves
 * on. Their pids go to {@code pids} in the work directory (the script's trap kills them by id if this JVM dies), and
 * {@link #close} stops them. Also what the run reads from the outside: a process's CPU time ({@code /proc}), the
 * machine's busy share, Prometheus text.
 */
final class ScaleOutProcs implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern SERVING = Pattern.compile("serving\\b.* on (http://[0-9.]+:[0-9]+)");
    private static final double CLOCK_TICKS = 100; // USER_HZ on Linux

    record Child(String name, Process process, String base) {
        long pid() {
            return process.pid();
        }
    }

    private final Path dir;
    private final List<Child> children = new ArrayList<>();

    ScaleOutProcs(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code main} with {@code args} in a new JVM and waits until it prints where it serves. */
    Child start(String name, List<String> jvm, String main, List<String> args, Map<String, String> env)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(args);
        Path out = dir.resolve(name + ".out"), err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        Files.writeString(dir.resolve("pids"), p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(out));
            if (m.find()) {
                Child c = new Child(name, p, m.group(1));
                children.add(c);
                ScaleOutRun.log("%s (pid %d) serving on %s", name, p.pid(), c.base());
                return c;
            }
            if (!p.isAlive()) throw new IllegalStateException(name + " exited " + p.exitValue() + ": " + tail(err));
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException(name + " printed no address within 3 minutes: " + tail(err));
    }

    static String tail(Path f) throws IOException {
        String s = Files.exists(f) ? Files.readString(f) : "";
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    /** Stops one child (SIGTERM, then SIGKILL after 20 s) and waits for it. */
    void stop(Child c) throws InterruptedException {
        c.process().destroy();
        if (!c.process().waitFor(20, TimeUnit.SECONDS)) {
            c.process().destroyForcibly();
            c.process().waitFor(10, TimeUnit.SECONDS);
        }
        children.remove(c);
    }

    @Override
    public void close() {
        for (Child c : children.reversed()) c.process().destroy();
        for (Child c : children) {
            try {
                if (!c.process().waitFor(20, TimeUnit.SECONDS)) {
                    c.process().destroyForcibly();
                    c.process().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                c.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
    }

    // ------------------------------------------------------------------ what the run reads from outside

    /** User + system CPU seconds of a process so far (its threads included), from /proc; NaN if unreadable. */
    static double cpuSeconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS; // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The machine's {busy, total} CPU ticks over all cores since boot (/proc/stat; busy = all but idle, iowait). */
    static long[] machineTicks() {
        try {
            String[] f =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The OpenSearch node's JVM among the descendants of {@code rootPid} (the test-node starter), if found. */
    static Optional<Long> openSearchPid(long rootPid) {
        return ProcessHandle.of(rootPid).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(h -> {
                    try {
                        return Files.readString(Path.of("/proc/" + h.pid() + "/cmdline"))
                                .contains("org.opensearch.bootstrap.OpenSearch");
                    } catch (IOException e) {
                        return false;
                    }
                })
                .map(ProcessHandle::pid)
                .findFirst();
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /**
     * The sum of a Prometheus sample's values over the series whose labels include every {@code label=value} given
     * (as {@code "label", "value", ...}); 0 when none.
     */
    static double metric(String text, String name, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name) || line.startsWith("#")) continue;
            String rest = line.substring(name.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) continue; // a longer name with this prefix
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                if (!rest.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) all = false;
            }
            if (!all) continue;
            String v = line.substring(line.lastIndexOf(' ') + 1);
            sum += Double.parseDouble(v);
        }
        return sum;
    }

    static String loadAverage() {
        return ScaleRun.loadAverage();
    }
}
