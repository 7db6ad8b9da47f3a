package dev.feedsearch.core.embedded;

import static dev.feedsearch.core.embedded.EmbeddedDocuments.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.util.BytesRef;

/**
 * What the embedded engine writes to Lucene: the field names (one place, so the query side cannot drift from the index
 * side), the one document of each change under its key, and the stored post read back from a hit.
 */
final class EmbeddedDocuments {

    static final String KEY = "key",
            KIND = "kind",
            VERSION = "ver",
            ID = "id",
            AUTHOR = "author",
            LANG = "lang",
            GROUP = "group",
            VIS = "vis",
            TAG = "tag",
            CREATED = "created",
            SOURCE = "src",
            ACTIVE_FOLLOW = "follows",
            ACTIVE_MUTE = "mutes",
            ACTIVE_BLOCK = "blocks",
            BLOCKED_BY = "blocked_by",
            FOLLOWED_BY = "followed_by",
            TOMB_AUTHOR = "tomb_author",
            ENGAGEMENT = "eng",
            DELETED_AT = "deleted_at",
            MENTION = "mention",
            REPLY = "reply",
            REPLY_TO = "reply_to";
    static final String POST = "post", TOMBSTONE = "tomb", FOLLOW = "follow", UNFOLLOW = "unfollow";

    private final GroupVersions versions;

    EmbeddedDocuments(GroupVersions versions) {
        this.versions = versions;
    }

    Document toDocument(String key, IndexChange c, String author) {
        Document d = new Document();
        d.add(new StringField(KEY, key, Field.Store.NO));
        d.add(new NumericDocValuesField(VERSION, c.order()));
        switch (c) {
            case PostChange pc
            when pc.deleted() -> {
                // the key alone marks it; no id/author fields, whose schema (indexed + doc values) is the posts'
                d.add(new StringField(KIND, TOMBSTONE, Field.Store.NO));
                d.add(new NumericDocValuesField(DELETED_AT, System.currentTimeMillis())); // purged by age
                if (author != null) d.add(new StoredField(TOMB_AUTHOR, author));
            }
            case PostChange pc -> addPost(d, pc);
            case FollowChange fc -> {
                FollowEdge e = fc.edge();
                d.add(new StringField(KIND, e.deleted() ? UNFOLLOW : FOLLOW, Field.Store.NO));
                if (e.deleted())
                    d.add(new NumericDocValuesField(DELETED_AT, System.currentTimeMillis())); // purged by age
                // "follower<US>followee", present only while the relation is active: a viewer's followees
                // (mutes, blocks, blockers) are then one prefix scan of a terms dictionary
                if (!e.deleted()) {
                    switch (e.relation()) {
                        case FOLLOW -> {
                            d.add(new StringField(ACTIVE_FOLLOW, e.pair(), Field.Store.NO));
                            d.add(new StringField(
                                    FOLLOWED_BY, e.followeeId() + "\u001f" + e.followerId(), Field.Store.NO));
                        }
                        case MUTE -> d.add(new StringField(ACTIVE_MUTE, e.pair(), Field.Store.NO));
                        case BLOCK -> {
                            d.add(new StringField(ACTIVE_BLOCK, e.pair(), Field.Store.NO));
                            d.add(new StringField(
                                    BLOCKED_BY, e.followeeId() + "\u001f" + e.followerId(), Field.Store.NO));
                        }
                    }
                }
            }
        }
        return d;
    }

    private void addPost(Document d, PostChange pc) {
        Post p = pc.post();
        d.add(new StringField(KIND, POST, Field.Store.NO));
        d.add(new StringField(ID, p.id(), Field.Store.NO));
        d.add(new SortedDocValuesField(ID, new BytesRef(p.id())));
        d.add(new StringField(AUTHOR, p.authorId(), Field.Store.YES));
        d.add(new SortedDocValuesField(AUTHOR, new BytesRef(p.authorId())));
        d.add(new NumericDocValuesField(ENGAGEMENT, p.engagement()));
        d.add(new StringField(LANG, pc.lang(), Field.Store.NO));
        d.add(new StringField(GROUP, pc.group(), Field.Store.NO));
        d.add(new StringField(VIS, p.visibility().wire(), Field.Store.NO));
        for (String t : Hashtags.keys(p.tags(), p.text())) d.add(new StringField(TAG, t, Field.Store.NO));
        for (String m : new HashSet<>(p.mentions())) d.add(new StringField(MENTION, m, Field.Store.NO));
        if (p.replyTo() != null) {
            d.add(new StringField(REPLY, "1", Field.Store.NO)); // is:reply
            d.add(new StringField(REPLY_TO, p.replyTo(), Field.Store.NO)); // to:user
        }
        long created = p.createdAt().toEpochMilli();
        d.add(new LongPoint(CREATED, created));
        d.add(new NumericDocValuesField(CREATED, created));
        versions.addTextFields(
                d, pc.group(), p.text()); // every live version of the group (dual writes during a rebuild)
        var src = PostJson.encode(p);
        src.put("_lang", pc.lang());
        src.put("_group", pc.group());
        try {
            d.add(new StoredField(SOURCE, new BytesRef(PostJson.MAPPER.writeValueAsBytes(src)))); // UTF-8, no String
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a post tree that cannot be written: " + e.getMessage(), e);
        }
    }

    static final Set<String> SOURCE_ONLY = Set.of(SOURCE);

    static IndexedPost readPost(StoredFields stored, int doc) throws IOException {
        return StoredPosts.read(stored.document(doc, SOURCE_ONLY).getBinaryValue(SOURCE));
    }
}
