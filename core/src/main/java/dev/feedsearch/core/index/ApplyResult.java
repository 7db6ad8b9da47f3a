package dev.feedsearch.core.index;

/** What one {@code apply} did: written (upserts + deletes) and skipped as stale or duplicate. */
public record ApplyResult(int upserted, int deleted, int stale) {
    public static final ApplyResult EMPTY = new ApplyResult(0, 0, 0);
}
