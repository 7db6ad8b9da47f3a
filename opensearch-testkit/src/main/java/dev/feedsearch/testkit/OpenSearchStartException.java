package dev.feedsearch.testkit;

/**
 * A test OpenSearch node or cluster could not be installed, started or reached. The message names the reason
 * and, when a node ran, the tail of its log. Tests that need OpenSearch let it propagate: they fail, never skip.
 */
public final class OpenSearchStartException extends RuntimeException {

    public OpenSearchStartException(String message) {
        super(message);
    }

    public OpenSearchStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
