package dev.feedsearch.core.index;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Short-lived opaque values shared by every process that serves one index: a feed session written by one query
 * replica is read by the next replica its cursor reaches. Values are the caller's bytes; the store neither reads nor
 * indexes them.
 */
public interface SessionStore {
    /** Stores {@code value} under {@code id} for {@code owner}, readable until {@code expiresAt}. */
    void put(String id, String owner, byte[] value, Instant expiresAt) throws IOException;

    /** The value stored under {@code id} for {@code owner}, if it has not expired; empty for another owner. */
    Optional<byte[]> get(String id, String owner, Instant now) throws IOException;
}
