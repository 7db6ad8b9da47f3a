package dev.feedsearch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real single-node OpenSearch (the version the build pins, from Maven Central's {@code integ-test-zip}) for
 * tests: {@link #url()} is the one call tests make.
 *
 * <p>Resolution of {@link #url()}:
 * <ol>
 *   <li>If the environment variable {@value #URL_ENV} is set (bin/test sets it: one node for the whole build),
 *       that node is used. It must answer with a yellow or green cluster within
 *       {@value #ENV_WAIT_ENV} seconds (default 240: bin/test starts it while Maven compiles), else
 *       {@link OpenSearchStartException}. If {@value #LOG_ENV} names the starter's log, a failed start reported
 *       there fails at once, with the log's tail.</li>
 *   <li>Otherwise a node is installed and started for this JVM (once; stopped by a shutdown hook): unpacked from
 *       the local Maven repository into {@code java.io.tmpdir/feedsearch-opensearch/}, with the kuromoji, nori
 *       and smartcn plugins and the test-only ICU stand-in; bound to 127.0.0.1 on free HTTP and transport
 *       ports, {@code discovery.type: single-node}, heap 512 MB, a JDK 21+ (the running one if it qualifies),
 *       console output to a log file. As root it runs as the system user {@code feedsearch-os} (created if
 *       missing) through {@code runuser}, since OpenSearch refuses to run as root.</li>
 * </ol>
 * A node that cannot be started throws {@link OpenSearchStartException} naming the reason and the tail of the
 * node's log, and every later call throws the same: a test that needs OpenSearch fails, it never skips.
 *
 * <p>The node has no security plugin (the integ-test distribution has none): plain HTTP, no credentials. The
 * cluster setting {@code cluster.default_number_of_replicas} is set to 0, so indices created without a replica
 * count are green on the single node.
 *
 * <p>{@code java -cp <testkit jar> dev.feedsearch.testkit.OpenSearchTestNode} starts a node and keeps it until
 * the process is terminated; bin/test uses that (see {@link #main}).
 */
public final class OpenSearchTestNode implements AutoCloseable {

    /** Base URL of an already running node to use instead of starting one. */
    public static final String URL_ENV = "FEEDSEARCH_OPENSEARCH_URL";
    /** Log of the process that started the node named by {@value #URL_ENV} (optional, for failure messages). */
    public static final String LOG_ENV = "FEEDSEARCH_OPENSEARCH_LOG";
    /** Seconds to wait for the node named by {@value #URL_ENV} to be ready (default 240). */
    public static final String ENV_WAIT_ENV = "FEEDSEARCH_OPENSEARCH_WAIT_SECONDS";
    /** Seconds a node this harness starts may take to be ready (default 180). */
    public static final String START_TIMEOUT_ENV = "FEEDSEARCH_OPENSEARCH_START_TIMEOUT_SECONDS";

    static final int HEAP_MB = 512;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static String sharedUrl;
    private static RuntimeException sharedFailure;

    private final NodeProcess node;

    private OpenSearchTestNode(NodeProcess node) {
        this.node = node;
    }

    /**
     * Base URL ({@code http://127.0.0.1:PORT}, no trailing slash) of a running single node: the one named by
     * {@value #URL_ENV}, else one started for this JVM.
     *
     * @throws OpenSearchStartException with the reason (and the node log's tail) if there is none
     */
    public static synchronized String url() {
        if (sharedUrl != null) {
            return sharedUrl;
        }
        if (sharedFailure != null) {
            throw new OpenSearchStartException(sharedFailure.getMessage(), sharedFailure);
        }
        try {
            String env = System.getenv(URL_ENV);
            if (env != null && !env.isBlank()) {
                sharedUrl = awaitExternal(strip(env.trim()));
            } else {
                OpenSearchTestNode node = start();
                Runtime.getRuntime().addShutdownHook(new Thread(node::close, "opensearch-test-node-stop"));
                sharedUrl = node.baseUrl();
            }
            return sharedUrl;
        } catch (RuntimeException e) {
            sharedFailure = e;
            throw e;
        }
    }

    /** Starts a new single node owned by the caller (close it to stop it and delete its data). */
    public static OpenSearchTestNode start() {
        return start(url -> {});
    }

    /** @param launched told the base URL as soon as the ports are chosen, before installing and launching */
    private static OpenSearchTestNode start(Consumer<String> launched) {
        long t0 = System.nanoTime();
        int[] ports = NodeRuntime.freePorts(2);
        launched.accept("http://127.0.0.1:" + ports[0]);
        Distribution dist = Distribution.load();
        String user = NodeRuntime.nodeUser();
        Path home = dist.install(user);
        long installed = System.nanoTime();
        Path javaHome = NodeRuntime.javaHome(user);
        String name = "feedsearch-test-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path dir = nodesRoot(user).resolve(name);
        NodeProcess node = new NodeProcess(
                home,
                javaHome,
                user,
                dir,
                name,
                "node-0",
                ports[0],
                ports[1],
                HEAP_MB,
                "discovery.type: single-node\n");
        node.start();
        OpenSearchTestNode n = new OpenSearchTestNode(node);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds(START_TIMEOUT_ENV, 180));
            node.awaitHttp(deadline);
            awaitStatus(node, deadline, "yellow", "green");
            setDefaultReplicasZero(node);
            checkPlugins(node.url(), node.tail());
            System.err.printf(
                    "opensearch-testkit: node %s ready at %s (install %d ms, start to ready %d ms, JDK %s)%n",
                    name, node.url(), ms(installed - t0), ms(System.nanoTime() - installed), javaHome);
            return n;
        } catch (RuntimeException e) {
            node.stop(); // keep its folder: the log is named in the message
            throw e;
        }
    }

    /** Base URL of this node. */
    public String baseUrl() {
        return node.url();
    }

    /** Resident memory of the node's JVM in MB, or -1 if unknown. */
    public long rssMb() {
        return node.rssMb();
    }

    /** The node's console log. */
    public Path log() {
        return node.log();
    }

    /** Stops the node and deletes its folder. */
    @Override
    public void close() {
        node.stop();
        Distribution.deleteTree(node.dir);
    }

    // ------------------------------------------------------------------------------------------------ shared

    static Path nodesRoot(String nodeUser) {
        Path root = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("feedsearch-opensearch")
                .resolve("nodes");
        try {
            NodeRuntime.createWorldReadableDirs(root);
        } catch (IOException e) {
            throw new OpenSearchStartException("cannot create " + root + ": " + e, e);
        }
        if (nodeUser != null) {
            NodeRuntime.checkReachableByOthers(root);
        }
        NodeRuntime.deleteStale(root);
        return root;
    }

    static void awaitStatus(NodeProcess node, long deadlineNanos, String... accepted) {
        List<String> ok = List.of(accepted);
        String last = null;
        while (true) {
            last = LocalHttp.healthStatus(node.url());
            if (last != null && ok.contains(last)) {
                return;
            }
            if (!node.alive()) {
                throw new OpenSearchStartException("OpenSearch node " + node.name + " exited before its cluster was "
                        + String.join("/", ok) + node.tail());
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new OpenSearchStartException("OpenSearch node " + node.name + ": cluster health still " + last
                        + " (wanted " + String.join("/", ok) + ")" + node.tail());
            }
            NodeProcess.sleep(250);
        }
    }

    /**
     * {@code cluster.default_number_of_replicas: 0} (a dynamic cluster setting in OpenSearch 3.x): indices created
     * without a replica count get none, so a single node is green.
     */
    private static void setDefaultReplicasZero(NodeProcess node) {
        try {
            LocalHttp.Response r = LocalHttp.send(
                    "PUT",
                    node.url() + "/_cluster/settings",
                    "{\"persistent\":{\"cluster.default_number_of_replicas\":0}}",
                    Duration.ofSeconds(30));
            if (!r.ok()) {
                throw new OpenSearchStartException(
                        "setting cluster.default_number_of_replicas=0 failed: HTTP " + r.status() + " " + r.body());
            }
        } catch (IOException e) {
            throw new OpenSearchStartException(
                    "setting cluster.default_number_of_replicas=0 failed: " + e + node.tail(), e);
        }
    }

    /** The analysis plugins the language groups need must be installed. */
    static void checkPlugins(String url, String context) {
        try {
            LocalHttp.Response r =
                    LocalHttp.send("GET", url + "/_cat/plugins?h=component", null, Duration.ofSeconds(10));
            List<String> have = r.body().lines().map(String::strip).toList();
            for (String p : List.of("analysis-icu", "analysis-kuromoji", "analysis-nori", "analysis-smartcn")) {
                if (!have.contains(p)) {
                    throw new OpenSearchStartException(
                            "OpenSearch at " + url + " lacks plugin " + p + " (has " + have + ")" + context);
                }
            }
        } catch (IOException e) {
            throw new OpenSearchStartException("listing the plugins of " + url + " failed: " + e + context, e);
        }
    }

    /** Waits for the node bin/test (or a developer) started; fails fast if its starter reported a failure. */
    private static String awaitExternal(String url) {
        long waitSeconds = seconds(ENV_WAIT_ENV, 240);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        String log = System.getenv(LOG_ENV);
        Path logFile = log == null || log.isBlank() ? null : Path.of(log);
        String status = null;
        while (true) {
            status = LocalHttp.healthStatus(url);
            if ("green".equals(status) || "yellow".equals(status)) {
                return url;
            }
            if (logFile != null && starterFailed(logFile)) {
                throw new OpenSearchStartException("the OpenSearch node " + URL_ENV + "=" + url + " failed to start; "
                        + "its starter's log " + logFile + " ends:\n" + NodeProcess.tail(logFile, 60));
            }
            if (System.nanoTime() > deadline) {
                throw new OpenSearchStartException(URL_ENV + "=" + url + " is set, but no OpenSearch cluster answered "
                        + "there with health yellow or green within " + waitSeconds + " s (last health: " + status + ")"
                        + (logFile == null
                                ? ""
                                : "; its starter's log " + logFile + " ends:\n" + NodeProcess.tail(logFile, 60)));
            }
            NodeProcess.sleep(250);
        }
    }

    private static boolean starterFailed(Path log) {
        try {
            return Files.exists(log) && Files.readString(log).lines().anyMatch(l -> l.startsWith(FAILED));
        } catch (IOException e) {
            return false;
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static long seconds(String env, long dflt) {
        String v = System.getenv(env);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OpenSearchStartException(env + "=" + v + " is not a number of seconds");
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    // ------------------------------------------------------------------------------------------------ starter

    static final String URL_LINE = "URL ";
    static final String READY = "READY ";
    static final String FAILED = "FAILED: ";
    static final String STOPPING = "STOPPING ";

    /**
     * Starts one node for a whole build and keeps it until this process is terminated (SIGTERM/SIGINT: the
     * shutdown hook stops the node). Prints, each on its own line: {@code URL <base url>} as soon as the port is
     * chosen, then {@code READY <base url> rss=<MB>} or {@code FAILED: <reason>} (and exits 1), and
     * {@code STOPPING <base url> rss=<MB>} when terminated. If the node dies on its own it prints
     * {@code FAILED: ...} and exits 1.
     */
    public static void main(String[] args) throws InterruptedException {
        OpenSearchTestNode n;
        try {
            n = start(url -> {
                System.out.println(URL_LINE + url);
                System.out.flush();
            });
        } catch (RuntimeException e) {
            System.out.println(FAILED + e.getMessage());
            System.out.flush();
            System.exit(1);
            return;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.set(true);
                            System.out.println(STOPPING + n.baseUrl() + " rss=" + n.rssMb() + "MB");
                            System.out.flush();
                            n.close();
                        },
                        "opensearch-test-node-stop"));
        System.out.println(READY + n.baseUrl() + " rss=" + n.rssMb() + "MB");
        System.out.flush();
        while (n.node.alive() || stopping.get()) {
            if (stopping.get()) {
                Thread.sleep(Long.MAX_VALUE); // the shutdown hook stops the node; the JVM ends after it
            }
            Thread.sleep(1000);
        }
        System.out.println(FAILED + "the OpenSearch node exited unexpectedly" + n.node.tail());
        System.out.flush();
        System.exit(1);
    }
}
