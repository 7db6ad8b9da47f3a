package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer at a time on a cluster: the process that writes (the indexer, or {@code ingest} and {@code dlq replay}
 * beside none) holds this lease, a single document that it renews every {@code ttl / 3}.
 *
 * <p>Lapse is judged without comparing clocks across machines: a candidate watches the document's sequence number,
 * and only when it has not moved for a whole {@code ttl} by the candidate's own monotonic clock does it take the
 * lease over, with a compare-and-set on that sequence number (two candidates cannot both win). A holder whose renewal
 * finds the document changed has lost the lease and is told so ({@link #lost()}); it must stop writing.
 *
 * <p>What the lease does not fence: a holder paused for longer than {@code ttl} (a long GC pause, a frozen VM) may
 * write once more after a takeover before its next renewal fails. That write is harmless to the index: every post and
 * edge carries its source version, and the engine keeps only newer versions, so a late write of an old version is a
 * no-op and a late write of a new one is a change the new holder would have applied too.
 */
public final class WriterLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriterLease.class);

    /** Where the lease lives; a {@code feedsearch-} index, like the keys and follows. */
    public static final String INDEX = "feedsearch-lease";

    static final String DOC = "writer";

    /**
     * What the lease document says: who holds it (for operators and for the message a second writer prints), when it
     * last wrote the lease by its wall clock (the heartbeat query replicas report; takeover never trusts it), and the
     * ttl it renews against, so that a candidate with a shorter ttl still waits for the holder's.
     */
    public record Holder(
            @JsonProperty("holder") String holder,
            @JsonProperty("renewed_ms") long renewedMs,
            @JsonProperty("ttl_ms") long ttlMs) {}

    /** Thrown when the lease is held by another live writer and the caller would not wait. */
    public static final class HeldException extends IOException {
        private final Holder holder;

        HeldException(Holder holder) {
            super("another feedsearch writer holds this cluster's writer lease: " + holder.holder()
                    + " (stop it, or wait for its lease to lapse: run with --wait-for-lease)");
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    private final OpenSearchClient client;
    private final String me;
    private final Duration ttl;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService renewer;
    private volatile long seqNo = -1, primaryTerm = -1;
    private volatile boolean lost, closed;
    private volatile Runnable onLost = () -> {};

    private WriterLease(OpenSearchClient client, String me, Duration ttl, LongSupplier nanoClock) {
        this.client = client;
        this.me = me;
        this.ttl = ttl;
        this.nanoClock = nanoClock;
        this.renewer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("writer-lease").unstarted(r));
    }

    /**
     * Takes the lease for {@code me} (a name operators recognise, e.g. host and pid). When another writer holds it:
     * with {@code wait} false, throws {@link HeldException} naming it; with {@code wait} true, watches it and takes
     * over once it has not been renewed for {@code ttl}, or keeps waiting while it is renewed.
     */
    public static WriterLease acquire(OpenSearchClient client, String me, Duration ttl, boolean wait)
            throws IOException {
        return acquire(client, me, ttl, wait, System::nanoTime);
    }

    static WriterLease acquire(OpenSearchClient client, String me, Duration ttl, boolean wait, LongSupplier nanoClock)
            throws IOException {
        Objects.requireNonNull(me, "me");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0)
            throw new IllegalArgumentException("lease ttl must be at least 1 s");
        WriterLease lease = new WriterLease(client, me, ttl, nanoClock);
        try {
            lease.take(wait);
        } catch (IOException | RuntimeException e) {
            lease.renewer.shutdownNow();
            throw e;
        }
        long every = Math.max(100, ttl.toMillis() / 3);
        lease.renewer.scheduleWithFixedDelay(lease::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        return lease;
    }

    /** Who holds the lease now, if anyone ever took it. */
    public static Optional<Holder> holder(OpenSearchClient client) throws IOException {
        try {
            GetResponse<Holder> doc = client.get(g -> g.index(INDEX).id(DOC), Holder.class);
            return doc.found() ? Optional.ofNullable(doc.source()) : Optional.empty();
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 404) return Optional.empty(); // no lease index yet
            throw e;
        }
    }

    private void take(boolean wait) throws IOException {
        long watchedSeq = Long.MIN_VALUE, watchedTerm = Long.MIN_VALUE, since = 0;
        while (true) {
            GetResponse<Holder> doc = get();
            if (doc == null || !doc.found()) {
                if (create()) return;
                continue; // another candidate created it first: watch theirs
            }
            long seq = doc.seqNo(), term = doc.primaryTerm();
            if (seq != watchedSeq || term != watchedTerm) { // renewed (or first seen): its ttl starts again now
                if (!wait) throw new HeldException(doc.source());
                if (watchedSeq == Long.MIN_VALUE) {
                    log.info(
                            "waiting for the writer lease held by {}: taking over once it stands still for {} ms",
                            doc.source().holder(),
                            lapseNanos(doc.source()) / 1_000_000);
                }
                watchedSeq = seq;
                watchedTerm = term;
                since = nanoClock.getAsLong();
            } else if (nanoClock.getAsLong() - since >= lapseNanos(doc.source())) {
                if (replace(seq, term)) return; // lapsed: take it over
                continue; // someone else took it over first
            }
            sleep(Math.max(50, ttl.toMillis() / 10));
        }
    }

    /**
     * How long the lease must stand still before it counts as lapsed: this candidate's ttl, or the holder's if longer
     * (a standby started with a shorter ttl must not take the lease from a live holder between two renewals).
     */
    private long lapseNanos(Holder h) {
        return Math.max(
                ttl.toNanos(),
                h == null ? 0 : Duration.ofMillis(Math.max(0, h.ttlMs())).toNanos());
    }

    private GetResponse<Holder> get() throws IOException {
        try {
            return client.get(g -> g.index(INDEX).id(DOC).realtime(true), Holder.class);
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 404) return null;
            throw e;
        }
    }

    private boolean create() throws IOException {
        try {
            var r = client.create(
                    c -> c.index(INDEX).id(DOC).document(new Holder(me, System.currentTimeMillis(), ttl.toMillis())));
            seqNo = r.seqNo();
            primaryTerm = r.primaryTerm();
            return true;
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 409) return false;
            throw e;
        }
    }

    /** Compare-and-set on (seq, term): true when this process now holds the lease. */
    private boolean replace(long seq, long term) throws IOException {
        try {
            var r = client.index(i -> i.index(INDEX)
                    .id(DOC)
                    .ifSeqNo(seq)
                    .ifPrimaryTerm(term)
                    .document(new Holder(me, System.currentTimeMillis(), ttl.toMillis())));
            seqNo = r.seqNo();
            primaryTerm = r.primaryTerm();
            return true;
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) == 409) return false;
            throw e;
        }
    }

    /** Renews now: false when the lease was lost (another writer took it over), which is then final. */
    public synchronized boolean renew() throws IOException {
        if (lost) return false;
        if (closed) throw new IllegalStateException("lease closed");
        // the conditional write alone decides: it fails (409) when the document changed or is gone
        if (!replace(seqNo, primaryTerm)) {
            lost = true;
            onLost.run();
            return false;
        }
        return true;
    }

    /** What to do, once, when a renewal finds the lease taken over (a writer must stop writing at once). */
    public void onLost(Runnable action) {
        onLost = action;
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (IOException | RuntimeException e) {
            // the cluster did not answer: keep the lease and try again; if this lasts past ttl, a candidate takes
            // over and the next renewal that gets through reports the loss
        }
    }

    /** True once another writer has taken the lease over: this process must stop writing. */
    public boolean lost() {
        return lost;
    }

    /** The name this lease was taken under. */
    public String me() {
        return me;
    }

    /** Stops renewing and hands the lease back at once (a waiting writer takes it without waiting for a lapse). */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        renewer.shutdownNow();
        if (lost) return;
        try {
            client.delete(d -> d.index(INDEX).id(DOC).ifSeqNo(seqNo).ifPrimaryTerm(primaryTerm));
        } catch (OpenSearchException | ResponseException e) {
            if (HttpStatus.of(e) != 409 && HttpStatus.of(e) != 404)
                throw e; // 409: taken over meanwhile, nothing to hand back
        }
    }

    /** Stops renewing without handing the lease back: what a killed process leaves behind (for tests). */
    synchronized void abandon() {
        closed = true;
        renewer.shutdownNow();
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the writer lease", e);
        }
    }
}
