package dev.feedsearch.core.opensearch;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach and write to an OpenSearch cluster. Immutable; build with {@link #builder(String...)}.
 *
 * @param urls          one or more node URLs ({@code http://127.0.0.1:9200})
 * @param username      basic-auth user, or null
 * @param password      basic-auth password, or null
 * @param awsRegion     when set, requests are signed with AWS SigV4 for Amazon OpenSearch Service
 *                      (credentials from the default AWS SDK chain) and basic auth is not used
 * @param refresh       what a bulk waits for before {@code apply} returns; see {@link Refresh}
 * @param shards        primaries of each index the engine creates
 * @param replicas      replicas of each index the engine creates
 * @param maxAttempts   attempts per bulk item on 429/5xx/timeouts before {@code apply} fails
 * @param backoff       first retry delay; doubles per attempt, with full jitter
 * @param bulkBatch     at most this many documents per {@code _bulk} request
 */
public record OpenSearchConfig(
        List<URI> urls,
        String username,
        String password,
        String awsRegion,
        Refresh refresh,
        int shards,
        int replicas,
        int maxAttempts,
        Duration backoff,
        int bulkBatch) {

    /**
     * {@code WAIT_FOR} (default) returns from {@code apply} once the scheduled refresh has made the batch
     * searchable: the {@link dev.feedsearch.core.index.PostIndex#apply} contract (visible when it returns) that
     * caches rely on, at up to one refresh interval of latency per batch. {@code TRUE} forces a refresh of every
     * shard the batch touched (same guarantee, no wait, but a refresh per group index per batch: slower under
     * load; what tests use). {@code FALSE} returns at once: search sees writes within the refresh interval and
     * caches may serve that long a stale page: only for bulk loads.
     */
    public enum Refresh {
        TRUE,
        WAIT_FOR,
        FALSE
    }

    public OpenSearchConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) throw new IllegalArgumentException("at least one OpenSearch URL is needed");
        Objects.requireNonNull(refresh, "refresh");
        if (shards < 1 || replicas < 0 || maxAttempts < 1 || bulkBatch < 1) {
            throw new IllegalArgumentException("shards >= 1, replicas >= 0, maxAttempts >= 1, bulkBatch >= 1");
        }
        if ((username == null) != (password == null))
            throw new IllegalArgumentException("username and password go together");
    }

    public static Builder builder(String... urls) {
        Builder b = new Builder();
        for (String u : urls) b.url(u);
        return b;
    }

    public static final class Builder {
        private final ArrayList<URI> urls = new ArrayList<>();
        private String username, password, awsRegion;
        private Refresh refresh = Refresh.WAIT_FOR;
        private int shards = 1, replicas = 1, maxAttempts = 6, bulkBatch = 1000;
        private Duration backoff = Duration.ofMillis(100);

        public Builder url(String url) {
            URI u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (u.getHost() == null || u.getScheme() == null) throw new IllegalArgumentException("not a URL: " + url);
            urls.add(u);
            return this;
        }

        public Builder basicAuth(String user, String pass) {
            username = user;
            password = pass;
            return this;
        }

        public Builder awsSigV4(String region) {
            awsRegion = region;
            return this;
        }

        public Builder refresh(Refresh v) {
            refresh = v;
            return this;
        }

        public Builder shards(int v) {
            shards = v;
            return this;
        }

        public Builder replicas(int v) {
            replicas = v;
            return this;
        }

        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        public Builder backoff(Duration v) {
            backoff = v;
            return this;
        }

        public Builder bulkBatch(int v) {
            bulkBatch = v;
            return this;
        }

        public OpenSearchConfig build() {
            return new OpenSearchConfig(
                    urls, username, password, awsRegion, refresh, shards, replicas, maxAttempts, backoff, bulkBatch);
        }
    }
}
