package dev.feedsearch.core.reindex;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as persisted and as reported (CLI, {@code GET /admin/reindex/{job}}). Immutable; each step of the job
 * writes a new one.
 *
 * @param position  per group, the last post id copied (null: not started); a resumed job continues after it
 * @param copied    posts copied so far, over all groups
 * @param regrouped of those, posts whose language detection now names another group, moved there at once
 * @param total     posts to copy: the serving versions' counts when the job started, or (from the source) the
 *                  table's rows, counted by the job itself (-1 until it has)
 * @param report    why a job failed (a verification mismatch names both digests), else null
 * @param retainUntil when the previous versions are dropped (after a swap)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReindexStatus(
        String job,
        ReindexRequest request,
        State state,
        Map<String, Integer> fromVersion,
        Map<String, Integer> toVersion,
        Map<String, String> position,
        List<String> swapped,
        long copied,
        long regrouped,
        long total,
        double docsPerSecond,
        Instant startedAt,
        Instant updatedAt,
        Instant retainUntil,
        String report) {

    public enum State {
        /** copying */
        RUNNING,
        /** copying stopped on request; resume continues */
        PAUSED,
        /** verified and swapped; the previous versions are kept for rollback until retainUntil */
        SWAPPED,
        /** the previous versions are dropped */
        DONE,
        /** stopped before the swap; the new versions are dropped, the live ones untouched */
        CANCELLED,
        /** swapped back to the previous versions; the new ones dropped */
        ROLLED_BACK,
        /** stopped with a report (a verification mismatch, an error); nothing was swapped */
        FAILED;

        public boolean active() {
            return this == RUNNING || this == PAUSED || this == SWAPPED;
        }
    }

    /** Seconds left at the current rate, or null when unknown. */
    @JsonProperty("eta_seconds")
    public Long etaSeconds() {
        if (state != State.RUNNING || docsPerSecond <= 0 || total < 0) return null;
        return Math.max(0, Math.round((total - copied) / docsPerSecond));
    }

    public ReindexStatus withTotal(long n, Instant now) {
        return new ReindexStatus(
                job,
                request,
                state,
                fromVersion,
                toVersion,
                position,
                swapped,
                copied,
                regrouped,
                n,
                docsPerSecond,
                startedAt,
                now,
                retainUntil,
                report);
    }

    public ReindexStatus with(State s, String why, Instant now) {
        return new ReindexStatus(
                job,
                request,
                s,
                fromVersion,
                toVersion,
                position,
                swapped,
                copied,
                regrouped,
                total,
                docsPerSecond,
                startedAt,
                now,
                retainUntil,
                why);
    }
}
