package dev.feedsearch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a node needs from the host: the unprivileged user it runs as when we are root (OpenSearch refuses to run
 * as root), a JDK 21 or newer, and free loopback ports.
 */
final class NodeRuntime {

    /** The system user test nodes run as when the tests run as root. */
    static final String NODE_USER = "feedsearch-os";

    private NodeRuntime() {}

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * The user to run nodes as: null when we are not root (nodes run as ourselves); when root, {@value #NODE_USER},
     * created first if it does not exist (a system user without home or login shell).
     */
    static synchronized String nodeUser() {
        if (!isRoot()) {
            return null;
        }
        if (run(List.of("id", "-u", NODE_USER)).exit == 0) {
            return NODE_USER;
        }
        Result add = run(List.of(
                "useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", NODE_USER));
        // 9 = the user exists (another process created it meanwhile)
        if (add.exit != 0 && add.exit != 9) {
            throw new OpenSearchStartException("OpenSearch refuses to run as root, and creating the unprivileged user '"
                    + NODE_USER + "' to run it failed (useradd exit " + add.exit + "): " + add.output.strip());
        }
        if (run(List.of("id", "-u", NODE_USER)).exit != 0) {
            throw new OpenSearchStartException("user '" + NODE_USER + "' still does not exist after useradd");
        }
        return NODE_USER;
    }

    /** {@code chown -R user: path}. */
    static void chown(Path path, String user) {
        Result r = run(List.of("chown", "-R", user + ":", path.toString()));
        if (r.exit != 0) {
            throw new OpenSearchStartException("chown -R " + user + ": " + path + " failed: " + r.output.strip());
        }
    }

    /** Creates the folders with mode 755 (whatever the umask), so the node user can reach what is below. */
    static void createWorldReadableDirs(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            try {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                // created concurrently by another process: its umask is its business
            }
        }
    }

    private static final Pattern OWNED = Pattern.compile("(?:feedsearch-test-)?(\\d+)-\\d+");

    /**
     * Deletes node folders under {@code root} left by JVMs that no longer run (killed before their shutdown hook:
     * the watchdog has stopped their nodes), once untouched for 10 minutes, so a recent failure's log stays to be
     * read. Folder names start with the owning JVM's pid: {@code feedsearch-test-<pid>-<n>} or {@code <pid>-<n>}.
     */
    static void deleteStale(Path root) {
        long cutoff = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10);
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Matcher m = OWNED.matcher(d.getFileName().toString());
                if (!m.matches()
                        || ProcessHandle.of(Long.parseLong(m.group(1)))
                                .map(ProcessHandle::isAlive)
                                .orElse(false)) {
                    continue;
                }
                if (newestModification(d) < cutoff) {
                    Distribution.deleteTree(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: leftovers under java.io.tmpdir are harmless
        }
    }

    private static long newestModification(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.mapToLong(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toMillis();
                        } catch (IOException e) {
                            return Long.MAX_VALUE;
                        }
                    })
                    .max()
                    .orElse(Long.MAX_VALUE);
        }
    }

    /** Fails with the reason if another user could not reach {@code dir} (an ancestor without o+x). */
    static void checkReachableByOthers(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new OpenSearchStartException("the OpenSearch node runs as '" + NODE_USER
                            + "', which cannot enter " + p + " (mode " + PosixFilePermissions.toString(perms)
                            + "); point java.io.tmpdir elsewhere, e.g. /tmp");
                }
            } catch (IOException e) {
                throw new OpenSearchStartException("cannot read the permissions of " + p + ": " + e, e);
            }
        }
    }

    /**
     * A JDK 21 or newer for the node: {@code FEEDSEARCH_OPENSEARCH_JAVA_HOME} if set; else the running JVM if it is
     * 21+ (and reachable by the node user); else the newest 21+ under /usr/lib/jvm (as bin/lib/jdk.sh looks).
     */
    static Path javaHome(String nodeUser) {
        String override = System.getenv("FEEDSEARCH_OPENSEARCH_JAVA_HOME");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isExecutable(p.resolve("bin/java"))) {
                throw new OpenSearchStartException("FEEDSEARCH_OPENSEARCH_JAVA_HOME=" + override + " has no bin/java");
            }
            return p;
        }
        Path running = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 21 && (nodeUser == null || reachable(running))) {
            return running;
        }
        List<Path> roots = new ArrayList<>();
        for (String r : List.of("/usr/lib/jvm", "/usr/java", "/opt/java")) {
            Path root = Path.of(r);
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.forEach(roots::add);
                } catch (IOException e) {
                    // unreadable: skip
                }
            }
        }
        Optional<Path> best = roots.stream()
                .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                .filter(p -> nodeUser == null || reachable(p))
                .filter(p -> feature(p) >= 21)
                .max(Comparator.comparingInt(NodeRuntime::feature));
        return best.orElseThrow(() -> new OpenSearchStartException(
                "OpenSearch needs a JDK 21 or newer; the running JVM is " + Runtime.version()
                        + " and none was found under /usr/lib/jvm (set FEEDSEARCH_OPENSEARCH_JAVA_HOME)"));
    }

    private static boolean reachable(Path p) {
        try {
            for (Path q = p.toRealPath(); q != null; q = q.getParent()) {
                if (!Files.getPosixFilePermissions(q).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The major version a JDK's {@code release} file names, or 0. */
    private static int feature(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return 0;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }

    /** {@code count} distinct free ports on 127.0.0.1 (free when asked; the node binds them a moment later). */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new OpenSearchStartException("cannot find free ports on 127.0.0.1: " + e, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a probe socket
                }
            }
        }
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Environment variables that must not leak into the node's JVM or launcher scripts. */
    static void scrub(Map<String, String> env) {
        for (String k : List.of(
                "JAVA_TOOL_OPTIONS",
                "JAVA_OPTS",
                "_JAVA_OPTIONS",
                "JDK_JAVA_OPTIONS",
                "OPENSEARCH_HOME",
                "CLASSPATH",
                "MAVEN_OPTS")) {
            env.remove(k);
        }
    }
}
