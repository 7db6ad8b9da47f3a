package dev.feedsearch.query;

import java.util.OptionalDouble;

/** What /ready reports about the change streams feeding the index (absent when the process runs none). */
public interface IngestStatus {
    /** Null while every stream runs; otherwise what stopped one. */
    String problem();

    /** Age of the newest applied event when it was applied; empty until one was. */
    OptionalDouble lagSeconds();
}
