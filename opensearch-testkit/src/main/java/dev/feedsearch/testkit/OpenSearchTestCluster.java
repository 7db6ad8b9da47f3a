package dev.feedsearch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real 3-node OpenSearch cluster on 127.0.0.1 for topology tests: node 0 is a dedicated cluster manager
 * ({@code node.roles: [cluster_manager]}), nodes 1 and 2 are data nodes ({@code node.roles: [data, ingest]}).
 * Each node has its own HTTP and transport port and a 384 MB heap; all run from the same install as
 * {@link OpenSearchTestNode} (same plugins, same node user when root). A stopped node keeps its data, so
 * {@link #startNode(int)} brings it back with its shard copies.
 *
 * <p>Start with {@link #start(Path)} or {@link #start()}; {@link #close()} stops every node and deletes the nodes'
 * folders.
 */
public final class OpenSearchTestCluster implements AutoCloseable {

    /** Index of the dedicated cluster-manager node. */
    public static final int CLUSTER_MANAGER = 0;

    static final int HEAP_MB = 384;
    private static final int NODES = 3;

    private final List<NodeProcess> nodes;
    private Path ownedDir; // deleted by close() when start() chose it

    private OpenSearchTestCluster(List<NodeProcess> nodes) {
        this.nodes = nodes;
    }

    /** {@link #start(Path)} in a new folder under {@code java.io.tmpdir/feedsearch-opensearch/clusters/}. */
    public static OpenSearchTestCluster start() {
        Path clusters = OpenSearchTestNode.nodesRoot(null).resolveSibling("clusters");
        if (Files.isDirectory(clusters)) {
            NodeRuntime.deleteStale(clusters);
        }
        OpenSearchTestCluster cluster =
                start(clusters.resolve(ProcessHandle.current().pid() + "-" + System.nanoTime()));
        cluster.ownedDir = cluster.nodes.get(0).dir.getParent();
        return cluster;
    }

    /**
     * Installs (if needed) and starts the three nodes with their folders ({@code cm-0}, {@code data-1},
     * {@code data-2}) under {@code dir}, and waits until all three have joined and the cluster is green. When the
     * tests run as root the nodes run as an unprivileged user, which must be able to enter {@code dir} (JUnit's
     * {@code @TempDir} is private to its owner: use {@link #start()} then).
     *
     * @throws OpenSearchStartException naming the reason and the tail of the failing node's log
     */
    public static OpenSearchTestCluster start(Path dir) {
        String user = NodeRuntime.nodeUser();
        Path home = Distribution.load().install(user);
        Path javaHome = NodeRuntime.javaHome(user);
        Path root = dir.toAbsolutePath();
        try {
            NodeRuntime.createWorldReadableDirs(root);
        } catch (IOException e) {
            throw new OpenSearchStartException("cannot create " + root + ": " + e, e);
        }
        if (user != null) {
            NodeRuntime.checkReachableByOthers(root);
        }
        int[] ports = NodeRuntime.freePorts(2 * NODES);
        String clusterName =
                "feedsearch-cluster-" + ProcessHandle.current().pid() + "-" + (System.nanoTime() % 100_000);
        String seeds = IntStream.range(0, NODES)
                .mapToObj(i -> "\"127.0.0.1:" + ports[NODES + i] + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
        String managerName = "cm-0";
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            String name = i == CLUSTER_MANAGER ? managerName : "data-" + i;
            String roles = i == CLUSTER_MANAGER ? "[cluster_manager]" : "[data, ingest]";
            nodes.add(new NodeProcess(
                    home,
                    javaHome,
                    user,
                    root.resolve(name),
                    clusterName,
                    name,
                    ports[i],
                    ports[NODES + i],
                    HEAP_MB,
                    "node.roles: " + roles + "\n"
                            + "discovery.seed_hosts: " + seeds + "\n"
                            + "cluster.initial_cluster_manager_nodes: [\"" + managerName + "\"]\n"));
        }
        OpenSearchTestCluster cluster = new OpenSearchTestCluster(nodes);
        try {
            for (NodeProcess n : nodes) {
                n.start();
            }
            long deadline = System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(OpenSearchTestNode.seconds(OpenSearchTestNode.START_TIMEOUT_ENV, 180));
            for (NodeProcess n : nodes) {
                n.awaitHttp(deadline);
            }
            cluster.awaitNodes(NODES, deadline);
            OpenSearchTestNode.awaitStatus(nodes.get(CLUSTER_MANAGER), deadline, "green");
            OpenSearchTestNode.checkPlugins(
                    cluster.url(), nodes.get(CLUSTER_MANAGER).tail());
            return cluster;
        } catch (RuntimeException e) {
            for (NodeProcess n : nodes) {
                n.stop();
            }
            throw e;
        }
    }

    /** Base URL of the cluster-manager node (it answers for the whole cluster and is never stopped by tests). */
    public String url() {
        return url(CLUSTER_MANAGER);
    }

    /** Base URL of node {@code i}. */
    public String url(int i) {
        return node(i).url();
    }

    /** Name of node {@code i} ({@code cm-0}, {@code data-1}, {@code data-2}). */
    public String nodeName(int i) {
        return node(i).name;
    }

    /** Number of nodes (3). */
    public int size() {
        return nodes.size();
    }

    /** Whether node {@code i}'s process runs. */
    public boolean isRunning(int i) {
        return node(i).alive();
    }

    /** Stops node {@code i} gracefully (its data stay); returns once its process has exited. */
    public void stopNode(int i) {
        node(i).stop();
    }

    /**
     * Starts node {@code i} again on its ports with its data, and waits until it answers HTTP and the cluster
     * counts all nodes that are running.
     */
    public void startNode(int i) {
        NodeProcess n = node(i);
        n.start();
        long deadline = System.nanoTime()
                + TimeUnit.SECONDS.toNanos(OpenSearchTestNode.seconds(OpenSearchTestNode.START_TIMEOUT_ENV, 180));
        n.awaitHttp(deadline);
        awaitNodes((int) nodes.stream().filter(NodeProcess::alive).count(), deadline);
    }

    /** Resident memory of node {@code i}'s JVM in MB, or -1. */
    public long rssMb(int i) {
        return node(i).rssMb();
    }

    /** The tail of node {@code i}'s console log (for assertion messages). */
    public String logTail(int i) {
        return node(i).tail();
    }

    private void awaitNodes(int expected, long deadlineNanos) {
        int seen;
        while ((seen = LocalHttp.nodeCount(url())) != expected) {
            if (System.nanoTime() > deadlineNanos) {
                StringBuilder tails = new StringBuilder();
                for (NodeProcess n : nodes) {
                    tails.append(n.tail());
                }
                throw new OpenSearchStartException("the cluster has " + seen + " nodes, expected " + expected + tails);
            }
            NodeProcess.sleep(250);
        }
    }

    private NodeProcess node(int i) {
        if (i < 0 || i >= nodes.size()) {
            throw new IllegalArgumentException("no node " + i + " (0.." + (nodes.size() - 1) + ")");
        }
        return nodes.get(i);
    }

    /** Stops every node and deletes the nodes' folders (and the cluster's folder if {@link #start()} chose it). */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
            Distribution.deleteTree(nodes.get(i).dir);
        }
        if (ownedDir != null) {
            Distribution.deleteTree(ownedDir);
        }
    }
}
