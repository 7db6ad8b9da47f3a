package dev.feedsearch.core.model;

/** A record that cannot become a change: names the offending field so the dead-letter entry is useful. */
public final class InvalidRecordException extends Exception {
    private final String field;

    public InvalidRecordException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The JSON field at fault, or null when the record as a whole is unreadable. */
    public String field() {
        return field;
    }
}
