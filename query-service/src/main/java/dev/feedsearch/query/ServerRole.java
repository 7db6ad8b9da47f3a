package dev.feedsearch.query;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one {@code serve} process answers. {@link #ALL} is one process doing everything (the only role on the embedded
 * engine); on OpenSearch, {@link #QUERY} replicas answer the API beside one {@link #INDEXER}, which alone writes.
 */
public enum ServerRole {
    /** The API, the change streams and the admin API in one process. */
    ALL,
    /** The API only: never writes, answers {@code /admin/*} with a 409 naming the indexer. */
    QUERY,
    /** The change streams, reindex jobs and purge, with {@code /admin/*}; no {@code /v1/*}. */
    INDEXER;

    /** What a query replica reports about the writer it follows, in {@code /ready} and {@code /metrics}. */
    public interface ReplicaStatus {
        /** Seconds since the replica last read the writer's change journal up to its head. */
        OptionalDouble changeFeedLagSeconds();

        /** The writer lease as the cluster holds it now; empty when no writer holds it or the cluster did not answer. */
        Optional<Writer> writer();

        /**
         * The indexer to send {@code /admin/*} to, and the seconds since it last renewed its lease (by the two
         * machines' wall clocks): a dead indexer shows as an age growing past the lease's ttl, while the replica
         * keeps serving what the index holds.
         */
        record Writer(String holder, double heartbeatAgeSeconds) {}
    }
}
