package dev.feedsearch.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A post as the app's backend stores it (the ingest JSON contract in ARCHITECTURE.md).
 * {@code lang} is the client's hint only; the detected language travels in {@link PostChange}.
 */
public record Post(
        String id,
        String authorId,
        String text,
        String lang,
        Instant createdAt,
        Visibility visibility,
        List<String> tags,
        List<String> mentions,
        String replyTo,
        long likes,
        long reposts,
        long replies,
        long version,
        boolean deleted) {

    public Post {
        Objects.requireNonNull(id, "id");
        tags = tags == null ? List.of() : List.copyOf(tags);
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
    }

    /**
     * The one engagement figure both engines index and the feed ranks by: a reply costs more than a repost, a repost
     * more than a like. PostJson bounds each count, so the sum stays far inside a long.
     */
    public long engagement() {
        return likes + 2 * reposts + 3 * replies;
    }
}
