package dev.feedsearch.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.lang.LanguageDetector;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.Mappings;

/**
 * decode → validate → detect language → route to a language group. Shared by every source (JSONL
 * ingest, change streams) so a record is judged the same way wherever it comes from.
 */
public final class ChangeFactory {
    private final LanguageDetector detector;
    private final Mappings mappings;

    public ChangeFactory(LanguageDetector detector, Mappings mappings) {
        this.detector = detector;
        this.mappings = mappings;
    }

    public IndexChange fromJson(JsonNode record) throws InvalidRecordException {
        return switch (PostJson.kindOf(record)) {
            case FOLLOW -> new FollowChange(PostJson.decodeFollow(record));
            case POST -> fromPost(PostJson.decodePost(record));
            case UNKNOWN ->
                throw new InvalidRecordException(
                        null, "neither a post (needs id) nor a follow edge (needs follower_id and followee_id)");
        };
    }

    public PostChange fromPost(Post post) {
        if (post.deleted()) return PostChange.delete(post.id(), post.version());
        String lang = detector.detect(post.text(), post.lang());
        return PostChange.upsert(post, lang, mappings.groupForLanguage(lang).name());
    }
}
