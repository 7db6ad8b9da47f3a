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
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

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

    /** A source record decoded: the change it is, or why it is none (exactly one of the two is set). */
    public record Decoded(IndexChange change, InvalidRecordException invalid) {}

    /** How a source's record becomes the JSON every source shares; a record that cannot is invalid. */
    @FunctionalInterface
    public interface RecordReader<T> {
        JsonNode read(T record) throws InvalidRecordException;
    }

    /**
     * Decodes each record, in parallel since language detection dominates the cost, and keeps their order: what every
     * batch reader (backfills, the reindex copy) needs before it applies the good ones and dead-letters the rest.
     */
    public <T> List<Decoded> decodeEach(List<T> records, RecordReader<T> reader) {
        Decoded[] out = new Decoded[records.size()];
        IntStream.range(0, out.length).parallel().forEach(i -> {
            try {
                out[i] = new Decoded(fromJson(reader.read(records.get(i))), null);
            } catch (InvalidRecordException e) {
                out[i] = new Decoded(null, e);
            }
        });
        return Arrays.asList(out);
    }

    public PostChange fromPost(Post post) {
        if (post.deleted()) return PostChange.delete(post.id(), post.version());
        String lang = detector.detect(post.text(), post.lang());
        return PostChange.upsert(post, lang, mappings.groupForLanguage(lang).name());
    }
}
