package dev.feedsearch.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a writing command takes the OpenSearch cluster's writer lease (the embedded engine has Lucene's write lock). */
final class WriterOptions {
    @Option(
            names = "--wait-for-lease",
            description =
                    "When another writer holds the cluster's writer lease, wait for it to lapse instead of refusing")
    boolean waitForLease;

    @Option(
            names = "--lease-ttl-seconds",
            defaultValue = "10",
            description =
                    "How long a writer lease lives unrenewed before another writer may take it (default: ${DEFAULT-VALUE})")
    int leaseTtlSeconds;

    Duration ttl() {
        if (leaseTtlSeconds < 1) throw new IllegalArgumentException("--lease-ttl-seconds must be >= 1");
        return Duration.ofSeconds(leaseTtlSeconds);
    }
}
