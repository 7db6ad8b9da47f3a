package dev.feedsearch.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import java.time.Instant;
import java.util.List;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class StoredPostsTest {
    static BytesRef stored(Post p, String lang, String group, String extraField) throws Exception {
        ObjectNode o = PostJson.encode(p);
        o.put("_lang", lang);
        o.put("_group", group);
        if (extraField != null) o.putObject(extraField).putArray("nested").add(1);
        byte[] bytes = PostJson.MAPPER.writeValueAsBytes(o);
        byte[] padded = new byte[bytes.length + 7]; // a slice of a larger buffer, as Lucene hands it out
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        return new BytesRef(padded, 3, bytes.length);
    }

    @Test
    void readsBackEveryFieldOfWhatTheIndexStores() throws Exception {
        Post full = new Post(
                "p-1",
                "alice",
                "Tanzen 💃 in \"Köln\"\nnext line",
                "de",
                Instant.parse("2026-11-01T12:00:00.123Z"),
                Visibility.FOLLOWERS,
                List.of("köln", "tanz"),
                List.of("bob"),
                "p-0",
                3,
                2,
                1,
                7,
                false);
        Post sparse = new Post(
                "p-2",
                "bob",
                "日本語の投稿",
                null,
                Instant.parse("1970-01-01T00:00:00Z"),
                Visibility.PRIVATE,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false);
        assertThat(StoredPosts.read(stored(full, "de", "de", null))).isEqualTo(new IndexedPost(full, "de", "de"));
        assertThat(StoredPosts.read(stored(sparse, "ja", "cjk_ja", null)))
                .isEqualTo(new IndexedPost(sparse, "ja", "cjk_ja"));
        // a field a later version adds is passed over, nested structure and all
        assertThat(StoredPosts.read(stored(full, "de", "de", "added_later")).post())
                .isEqualTo(full);
    }

    @Test
    void aRecordThatIsNotAStoredPostIsAnErrorNotAGuess() {
        assertThatThrownBy(() -> StoredPosts.read(new BytesRef("[1,2]"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StoredPosts.read(new BytesRef("{\"id\":\"p\",\"version\":1}")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lacks");
    }
}
