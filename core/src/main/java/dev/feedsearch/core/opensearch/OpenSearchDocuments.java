package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.core.model.InvalidRecordException;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the engine stores, and under which field names: a post document per group index (the post's own JSON, see
 * {@link PostJson}, plus the fields only the index needs), a keys entry per post id ({@link KeysDoc}), and a follow
 * document per edge key ({@link FollowDoc}). The index layouts themselves are {@code IndexTemplates}' (mappings).
 */
final class OpenSearchDocuments {
    /** Fields of a post document. */
    static final String ID = "id",
            AUTHOR = "author_id",
            LANG = "lang",
            VIS = "visibility",
            TAG = "tag_keys",
            CREATED = "created_at",
            ENGAGEMENT = "engagement",
            GROUP = "group",
            MENTIONS = "mentions",
            REPLY_TO = "reply_to",
            TEXT = "text";
    /** Fields of a keys entry and of a follow document (beside {@link #ID}, {@link #AUTHOR}, {@link #GROUP}). */
    static final String ORDER = "order",
            DELETED = "deleted",
            DELETED_AT = "deleted_at",
            FOLLOWER = "follower",
            FOLLOWEE = "followee",
            RELATION = "relation",
            ACTIVE = "active";
    /** An edge's identity: sorted on all three, search_after pages over follow documents are exact. */
    static final List<String> EDGE_IDENTITY = List.of(FOLLOWER, FOLLOWEE, RELATION);

    private OpenSearchDocuments() {}

    /** "text" and every sub-field some group defines: the fields a query's text is matched in. */
    static List<String> textFields(Mappings mappings) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add(TEXT);
        for (LanguageGroup g : mappings.groups()) {
            for (String suffix : g.fields().keySet()) if (!suffix.isEmpty()) fields.add(TEXT + "." + suffix);
        }
        return List.copyOf(fields);
    }

    /** The post's JSON, with its detected language and group, its tag keys and engagement (for filters and sorts). */
    static ObjectNode toDocument(PostChange pc) {
        Post p = pc.post();
        ObjectNode d = PostJson.encode(p);
        d.remove(DELETED);
        d.put("lang_hint", p.lang());
        d.put(LANG, pc.lang());
        d.put(GROUP, pc.group());
        ArrayNode keys = d.putArray(TAG);
        for (String t : Hashtags.keys(p.tags(), p.text())) keys.add(t);
        d.put(ENGAGEMENT, p.engagement());
        return d;
    }

    static IndexedPost fromDocument(ObjectNode src) {
        ObjectNode n = src.deepCopy();
        String lang = n.path(LANG).asText(), group = n.path(GROUP).asText();
        n.set(LANG, n.get("lang_hint")); // the post's own language field holds the author's hint
        try {
            return new IndexedPost(PostJson.decodePost(n), lang, group);
        } catch (InvalidRecordException e) {
            throw new IllegalStateException("stored post no longer passes validation: " + e.getMessage(), e);
        }
    }

    /** A post document read only for its identity (digests, reply parents): no decoding, no validation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PostRef(String id, long version) {}

    /**
     * A keys entry: a post id's newest version order (version and removal bit), group and author, deleted or not.
     * Null group and author are written as nulls (a delete of a post the index never saw); {@code deleted_at}
     * only on a tombstone, which is purged by its age.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record KeysDoc(
            String id,
            long order,
            String group,
            @JsonProperty(AUTHOR) String authorId,
            boolean deleted,

            @JsonProperty(DELETED_AT) @JsonInclude(JsonInclude.Include.NON_NULL)
            Long deletedAt) {

        static KeysDoc of(String id, long order, String group, String author, boolean deleted) {
            return new KeysDoc(id, order, group, author, deleted, deleted ? System.currentTimeMillis() : null);
        }
    }

    /** A follow, mute or block edge, active or undone; {@code deleted_at} only once undone, for the purge. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record FollowDoc(
            String follower,
            String followee,
            String relation,
            boolean active,

            @JsonProperty(CREATED) @JsonInclude(JsonInclude.Include.NON_NULL)
            Long createdAt,

            @JsonProperty(DELETED_AT) @JsonInclude(JsonInclude.Include.NON_NULL)
            Long deletedAt) {

        static FollowDoc of(FollowEdge e) {
            return new FollowDoc(
                    e.followerId(),
                    e.followeeId(),
                    e.relation().wire(),
                    !e.deleted(),
                    e.createdAt() == null ? null : e.createdAt().toEpochMilli(),
                    e.deleted() ? System.currentTimeMillis() : null);
        }
    }
}
