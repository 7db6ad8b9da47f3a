package dev.feedsearch.core.reindex;

/** A request the job manager refuses, with the HTTP-ish kind and the field at fault. */
public final class ReindexException extends Exception {
    public enum Kind {
        BAD_REQUEST,
        NOT_FOUND,
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    public ReindexException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
