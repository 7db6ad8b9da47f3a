package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.mappings.IndexNames;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch.core.GetResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionStore} in the {@value IndexNames#FEED_SESSIONS} index: a put is one index request, a get one
 * real-time get by id (no refresh needed), so a replica reads a session the moment another one wrote it.
 *
 * <p>Expired sessions are deleted by whichever process writes: at most once per {@code purgeEvery}, one
 * {@code delete_by_query} on the expiry, run in the background of the cluster (the put does not wait for it). Every
 * replica may run it; deleting what is already gone is a no-op.
 */
final class OpenSearchSessions implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(OpenSearchSessions.class);

    record Doc(
            @JsonProperty("viewer") String viewer,
            @JsonProperty("expires_at") long expiresAt,
            @JsonProperty("data") byte[] data) {}

    private final OpenSearchClient client;
    private final long purgeEveryNanos;
    private final LongSupplier nanos;
    private final AtomicLong lastPurge;

    OpenSearchSessions(OpenSearchClient client, Duration purgeEvery, LongSupplier nanos) {
        this.client = client;
        this.purgeEveryNanos = purgeEvery.toNanos();
        this.nanos = nanos;
        this.lastPurge = new AtomicLong(nanos.getAsLong());
    }

    @Override
    public void put(String id, String owner, byte[] value, Instant expiresAt) throws IOException {
        client.index(i ->
                i.index(IndexNames.FEED_SESSIONS).id(id).document(new Doc(owner, expiresAt.toEpochMilli(), value)));
        long last = lastPurge.get(), now = nanos.getAsLong();
        if (now - last >= purgeEveryNanos && lastPurge.compareAndSet(last, now)) purgeBefore(Instant.now());
    }

    @Override
    public Optional<byte[]> get(String id, String owner, Instant now) throws IOException {
        GetResponse<Doc> r =
                client.get(g -> g.index(IndexNames.FEED_SESSIONS).id(id).realtime(true), Doc.class);
        Doc d = r.found() ? r.source() : null;
        // a session is its viewer's alone: an id that reached another viewer is as good as unknown
        if (d == null || !owner.equals(d.viewer()) || d.expiresAt() <= now.toEpochMilli()) return Optional.empty();
        return Optional.ofNullable(d.data());
    }

    private void purgeBefore(Instant now) {
        try {
            client.deleteByQuery(d -> d.index(IndexNames.FEED_SESSIONS)
                    .query(q -> q.range(r -> r.field("expires_at").lt(JsonData.of(now.toEpochMilli()))))
                    .conflicts(Conflicts.Proceed)
                    .waitForCompletion(false));
        } catch (IOException | RuntimeException e) {
            log.warn("purging expired feed sessions failed ({}); the next put tries again later", e.toString());
        }
    }
}
