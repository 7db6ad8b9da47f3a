package dev.feedsearch.core.embedded;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.BytesRef;

/**
 * Reads the post a document stores ({@link PostJson#encode} plus the detected {@code _lang} and {@code _group}) in
 * one streaming pass. Every stored post passed {@link PostJson#decodePost} on its way in, so it is not validated
 * again: building a JSON tree and re-checking each string was a fifth of a feed's CPU at 1M posts, where timelines
 * and pages read thousands of posts a second. A record that does not read as a post is an error, not a guess.
 */
final class StoredPosts {
    private StoredPosts() {}

    static IndexedPost read(BytesRef src) throws IOException {
        String id = null, author = null, text = null, lang = null, replyTo = null, detected = null, group = null;
        Instant created = null;
        Visibility visibility = null;
        List<String> tags = List.of(), mentions = List.of();
        long likes = 0, reposts = 0, replies = 0, version = 0;
        boolean deleted = false;
        try (JsonParser p = PostJson.MAPPER.getFactory().createParser(src.bytes, src.offset, src.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new IllegalStateException("a stored post is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NULL) continue;
                switch (field) {
                    case "id" -> id = p.getText();
                    case "author_id" -> author = p.getText();
                    case "text" -> text = p.getText();
                    case "lang" -> lang = p.getText();
                    case "created_at" -> created = Instant.parse(p.getText());
                    case "visibility" -> visibility = Visibility.parse(p.getText());
                    case "tags" -> tags = strings(p);
                    case "mentions" -> mentions = strings(p);
                    case "reply_to" -> replyTo = p.getText();
                    case "likes" -> likes = p.getLongValue();
                    case "reposts" -> reposts = p.getLongValue();
                    case "replies" -> replies = p.getLongValue();
                    case "version" -> version = p.getLongValue();
                    case "deleted" -> deleted = p.getBooleanValue();
                    case "_lang" -> detected = p.getText();
                    case "_group" -> group = p.getText();
                    default -> p.skipChildren(); // a field a later version added: not read here
                }
            }
        }
        if (id == null
                || author == null
                || created == null
                || visibility == null
                || detected == null
                || group == null) {
            throw new IllegalStateException("a stored post lacks a field it was indexed with (id " + id + ")");
        }
        return new IndexedPost(
                new Post(
                        id,
                        author,
                        text,
                        lang,
                        created,
                        visibility,
                        tags,
                        mentions,
                        replyTo,
                        likes,
                        reposts,
                        replies,
                        version,
                        deleted),
                detected,
                group);
    }

    private static List<String> strings(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY)
            throw new IllegalStateException("a stored post's list is not an array");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) out.add(p.getText());
        return out;
    }
}
