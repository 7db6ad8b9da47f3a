package dev.feedsearch.core.opensearch;

import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * The HTTP status of a failed request, however the client reported it: an {@link OpenSearchException} when it could
 * read OpenSearch's error body, or the transport's {@link ResponseException} (a version conflict on a conditional
 * write can come either way).
 */
final class HttpStatus {
    private HttpStatus() {}

    /** The status, or -1 when the failure was not an HTTP answer (the wire, a timeout). */
    static int of(Exception e) {
        if (e instanceof OpenSearchException os) return os.status();
        if (e instanceof ResponseException re) return re.status();
        return -1;
    }
}
