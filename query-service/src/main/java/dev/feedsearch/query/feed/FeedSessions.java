package dev.feedsearch.query.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.SessionStore;
import dev.feedsearch.query.rank.Features;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where feed sessions live: this process's memory first, and, when the engine shares sessions across processes
 * ({@link SessionStore}), the cluster too, so that a cursor issued by one query replica pages through the same frozen
 * list on any other: no repeats, no skips, whatever changed in between.
 *
 * <p>Only sessions with a next page are shared (a one-page feed issues no cursor). A shared session is written before
 * its first page is returned, since the next request may reach another replica at once; it lives {@link #SHARED_TTL}
 * in the cluster. A write that fails costs only that: the cursor still works on this replica, and elsewhere the
 * session is rebuilt as of its time, as it is after the TTL.
 */
final class FeedSessions {
    private static final Logger log = LoggerFactory.getLogger(FeedSessions.class);

    /** How long a shared session answers its cursors on every replica. */
    static final Duration SHARED_TTL = Duration.ofHours(1);

    /** The stored form: columns, so that the ids and scores of up to max_candidates items compress well. */
    record Stored(
            @JsonProperty("viewer") String viewer,
            @JsonProperty("now") String now, // Instant.toString(): exact to the nanosecond
            @JsonProperty("page_size") int pageSize,
            @JsonProperty("ranking") String ranking,
            @JsonProperty("fallback_reason") String fallbackReason,
            @JsonProperty("posts") List<String> posts,
            @JsonProperty("authors") List<String> authors,
            @JsonProperty("scores") double[] scores, // null in fallback order, which has no scores
            @JsonProperty("features") List<double[]> features) { // null in fallback order

        static Stored of(FeedService.Session s) {
            int n = s.items().size();
            boolean scored = !s.items().isEmpty() && s.items().getFirst().features() != null;
            List<String> posts = new ArrayList<>(n), authors = new ArrayList<>(n);
            double[] scores = scored ? new double[n] : null;
            List<double[]> features = scored ? new ArrayList<>(n) : null;
            for (int i = 0; i < n; i++) {
                RankedItem it = s.items().get(i);
                posts.add(it.postId());
                authors.add(it.authorId());
                if (scored) {
                    Features f = it.features();
                    scores[i] = it.score();
                    features.add(new double[] {
                        f.text(),
                        f.exact(),
                        f.phrase(),
                        f.recency(),
                        f.engagement(),
                        f.affinity(),
                        f.mutual(),
                        f.language(),
                        f.replyPenalty()
                    });
                }
            }
            return new Stored(
                    s.viewer(),
                    s.now().toString(),
                    s.pageSize(),
                    s.ranking(),
                    s.fallbackReason(),
                    posts,
                    authors,
                    scores,
                    features);
        }

        FeedService.Session session() {
            List<RankedItem> items = new ArrayList<>(posts.size());
            for (int i = 0; i < posts.size(); i++) {
                double[] f = features == null ? null : features.get(i);
                items.add(new RankedItem(
                        posts.get(i),
                        authors.get(i),
                        scores == null ? Double.NaN : scores[i],
                        f == null ? null : new Features(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8])));
            }
            return new FeedService.Session(
                    viewer, Instant.parse(now), pageSize, List.copyOf(items), ranking, fallbackReason);
        }
    }

    /** Scores are finite, but a NaN written by a future feature must read back, not fail the session. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Cache<String, FeedService.Session> local;
    private final SessionStore shared; // null: this process alone serves the index
    private final Counter sharedHits, sharedMisses, sharedFailures;

    FeedSessions(Optional<SessionStore> shared, MeterRegistry metrics) {
        this.shared = shared.orElse(null);
        this.local = Caffeine.newBuilder()
                .maximumWeight(64L << 20)
                .weigher((String k, FeedService.Session s) -> 128 + s.items().size() * 96)
                .expireAfterAccess(Duration.ofMinutes(15))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(metrics, local, "feed_sessions");
        this.sharedHits = counter(metrics, "hit");
        this.sharedMisses = counter(metrics, "miss");
        this.sharedFailures = counter(metrics, "failure");
    }

    private static Counter counter(MeterRegistry metrics, String result) {
        return Counter.builder("feed_sessions_shared")
                .description("feed sessions read from or written to the cluster, by result")
                .tag("result", result)
                .register(metrics);
    }

    /** Keeps a session here and, when it has pages to follow, in the cluster before its cursor leaves. */
    void put(String id, FeedService.Session session, boolean hasNext, Instant now) {
        local.put(id, session);
        if (shared == null || !hasNext) return;
        try {
            shared.put(id, session.viewer(), encode(Stored.of(session)), now.plus(SHARED_TTL));
        } catch (IOException | RuntimeException e) {
            sharedFailures.increment();
            log.warn("feed session not shared ({}): its cursor works on this replica only", e.toString());
        }
    }

    /** The viewer's session under {@code id}: from memory, else from the cluster; empty when neither has it. */
    Optional<FeedService.Session> get(String id, String viewer, Instant now) {
        FeedService.Session s = local.getIfPresent(id);
        if (s != null) return s.viewer().equals(viewer) ? Optional.of(s) : Optional.empty();
        if (shared == null) return Optional.empty();
        try {
            Optional<byte[]> bytes = shared.get(id, viewer, now);
            if (bytes.isEmpty()) {
                sharedMisses.increment();
                return Optional.empty();
            }
            sharedHits.increment();
            s = decode(bytes.get()).session();
            local.put(id, s);
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            sharedFailures.increment();
            log.warn("feed session not read from the cluster ({}): rebuilt as of its time", e.toString());
            return Optional.empty();
        }
    }

    static byte[] encode(Stored s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            JSON.writeValue(out, s);
        }
        return bytes.toByteArray();
    }

    static Stored decode(byte[] data) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return JSON.readValue(in, Stored.class);
        }
    }
}
