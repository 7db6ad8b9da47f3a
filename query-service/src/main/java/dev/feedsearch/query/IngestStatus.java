package dev.feedsearch.query;

import java.util.OptionalDouble;

/** What /ready reports about the change streams feeding the index (absent when the process runs none). */
public interface IngestStatus {
    /** Null while every stream runs; otherwise what stopped one. */
    String problem();

    /**
     * Seconds since the streams were last caught up (source drained, everything read applied): 0 while caught up,
     * the largest over the streams; empty when none reports.
     */
    OptionalDouble lagSeconds();
}
