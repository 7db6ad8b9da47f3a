package dev.feedsearch.core.model;

import java.util.Objects;

/**
 * A post upsert or delete at a version. For an upsert, {@code lang} is the detected language
 * (ISO 639-1, or "und") and {@code group} the analysis group it routes to.
 */
public record PostChange(String id, long version, Post post, String lang, String group) implements IndexChange {

    public PostChange {
        Objects.requireNonNull(id, "id");
        if (post != null && (lang == null || group == null)) {
            throw new IllegalArgumentException("an upsert needs its detected lang and group");
        }
    }

    public static PostChange upsert(Post post, String lang, String group) {
        return new PostChange(post.id(), post.version(), post, lang, group);
    }

    public static PostChange delete(String id, long version) {
        return new PostChange(id, version, null, null, null);
    }

    public boolean deleted() {
        return post == null;
    }

    @Override
    public boolean removal() {
        return deleted();
    }

    @Override
    public String key() {
        return id;
    }
}
