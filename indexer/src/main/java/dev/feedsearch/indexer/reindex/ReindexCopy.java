package dev.feedsearch.indexer.reindex;

import static dev.feedsearch.indexer.reindex.ReindexJobs.DONE_MARK;
import static dev.feedsearch.indexer.reindex.ReindexJobs.SOURCE_POSITION;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.core.reindex.ReindexStatus.State;
import dev.feedsearch.indexer.ChangeFactory;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy phase of a {@link ReindexJobs} job: its posts, batch by batch, into the new versions, from the
 * serving versions or from the source of truth, with progress persisted after each batch. What happens to the
 * job before and after (requests, verification, swap, retention) stays with {@link ReindexJobs}.
 */
final class ReindexCopy {
    private static final Logger log =
            LoggerFactory.getLogger(ReindexJobs.class); // the job manager's log, as before the split

    /** What the copy needs from the job manager. */
    interface Progress {
        /** Persists and publishes the job's status. */
        ReindexStatus save(ReindexStatus s) throws IOException;

        /** A requested pause or cancel, carried out: true when the job must stop now. */
        boolean stopped(ReindexStatus s) throws IOException;
    }

    private final Rebuildable engine;
    private final Rebuildable.Redetect redetect;
    private final ChangeFactory changes; // null without a source
    private final SourceSnapshot source; // null: the caller refuses from=source
    private final Clock clock;
    private final Progress progress;

    ReindexCopy(
            Rebuildable engine,
            Rebuildable.Redetect redetect,
            ChangeFactory changes,
            SourceSnapshot source,
            Clock clock,
            Progress progress) {
        this.engine = engine;
        this.redetect = redetect;
        this.changes = changes;
        this.source = source;
        this.clock = clock;
        this.progress = progress;
    }

    /** From the serving version of each group; the job once all is copied, or null when it stopped. */
    ReindexStatus fromIndex(ReindexStatus s) throws IOException, InterruptedException {
        long rateStart = System.nanoTime(), copiedAtStart = s.copied();
        for (String g : s.request().groups()) {
            int to = s.toVersion().get(g);
            engine.beginBuild(g, to); // idempotent: a resumed job keeps what it copied
            String after = s.position().get(g);
            if (DONE_MARK.equals(after)) continue;
            while (true) {
                if (progress.stopped(s)) return null;
                long t0 = System.nanoTime();
                Rebuildable.Copied batch =
                        engine.copyBatch(g, to, after, s.request().batch(), redetect);
                String last = batch.lastId();
                s = progressed(s, g, last, batch, rateStart, copiedAtStart);
                if (last == null) break;
                after = last;
                throttle(s.request(), t0);
            }
        }
        return s;
    }

    /**
     * From the source of truth (which the caller checked is there): every new version exists before the first
     * page is read, so whatever the index applies from then on reaches them too; each page's posts are detected
     * like streamed changes and placed against the version registry ({@link Rebuildable#place}). The job once
     * all is copied, or null when it stopped.
     */
    ReindexStatus fromSource(ReindexStatus s) throws IOException, InterruptedException {
        for (String g : s.request().groups()) engine.beginBuild(g, s.toVersion().get(g));
        if (s.total() < 0)
            s = progress.save(s.withTotal(
                    source.count(), clock.instant())); // every row is read; those of other groups are passed over
        Set<String> groups = Set.copyOf(s.request().groups());
        long rateStart = System.nanoTime(), copiedAtStart = s.copied();
        String after = s.position().get(SOURCE_POSITION);
        while (!DONE_MARK.equals(after)) {
            if (progress.stopped(s)) return null;
            long t0 = System.nanoTime();
            SourceSnapshot.Page page = source.read(after, s.request().batch());
            List<PostChange> posts = decode(page.records());
            Rebuildable.Copied placed = engine.place(groups, posts);
            s = progressed(
                    s,
                    SOURCE_POSITION,
                    page.next(),
                    new Rebuildable.Copied(page.records().size(), placed.regrouped(), page.next()),
                    rateStart,
                    copiedAtStart);
            after = s.position().get(SOURCE_POSITION);
            throttle(s.request(), t0);
        }
        return s;
    }

    /** Source records as the change path reads them: validated and detected (in parallel: detection dominates). */
    private List<PostChange> decode(List<JsonNode> records) {
        List<PostChange> posts = new ArrayList<>(records.size());
        int invalid = 0;
        for (ChangeFactory.Decoded d : changes.decodeEach(records, r -> r)) {
            if (d.change() instanceof PostChange pc) posts.add(pc);
            else invalid++;
        }
        // the change stream put these in the dead-letter store when they were written; the index never held them
        if (invalid > 0)
            log.warn("reindex from {}: {} rows that are not valid posts skipped", source.describe(), invalid);
        return posts;
    }

    /** The job after one batch, persisted: a resumed job continues after {@code last} ({@code null}: that part is done). */
    private ReindexStatus progressed(
            ReindexStatus s, String part, String last, Rebuildable.Copied batch, long rateStart, long copiedAtStart)
            throws IOException {
        Map<String, String> position = new LinkedHashMap<>(s.position());
        position.put(part, last == null ? DONE_MARK : last);
        long copied = s.copied() + batch.count();
        double seconds = (System.nanoTime() - rateStart) / 1e9;
        double rate = seconds > 0 ? (copied - copiedAtStart) / seconds : 0;
        ReindexStatus next = new ReindexStatus(
                s.job(),
                s.request(),
                State.RUNNING,
                s.fromVersion(),
                s.toVersion(),
                position,
                s.swapped(),
                copied,
                s.regrouped() + batch.regrouped(),
                s.total(),
                rate,
                s.startedAt(),
                clock.instant(),
                null,
                null);
        progress.save(next);
        return next;
    }

    private static void throttle(ReindexRequest r, long batchStartNanos) throws InterruptedException {
        if (r.throttlePerSec() <= 0) return;
        long minNanos = (long) (r.batch() * 1e9 / r.throttlePerSec());
        long left = minNanos - (System.nanoTime() - batchStartNanos);
        if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
    }
}
