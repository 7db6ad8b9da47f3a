package dev.feedsearch.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Validation ranges the engines can hold, and strict reading: the one place every source's records are judged. */
class PostJsonTest {
    static ObjectNode post() {
        return PostJson.MAPPER
                .createObjectNode()
                .put("id", "p1")
                .put("author_id", "u1")
                .put("text", "Morning by the harbour")
                .put("created_at", "2026-11-01T12:00:00Z")
                .put("visibility", "public")
                .put("version", 1);
    }

    static String fieldOfRejection(JsonNode record) {
        try {
            if (PostJson.kindOf(record) == PostJson.Kind.FOLLOW) PostJson.decodeFollow(record);
            else PostJson.decodePost(record);
            return null;
        } catch (InvalidRecordException e) {
            return e.field() + ": " + e.getMessage();
        }
    }

    @Test
    void timesMustFallInTheYears1970To2200() {
        for (String ok :
                new String[] {"1970-01-01T00:00:00Z", "2200-12-31T23:59:59.999999999Z", "2026-11-01T12:00:00+09:00"}) {
            assertThat(fieldOfRejection(post().put("created_at", ok))).as(ok).isNull();
        }
        for (String bad : new String[] {
            "+292278995-01-01T00:00:00Z", "2201-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "-000001-01-01T00:00:00Z"
        }) {
            assertThat(fieldOfRejection(post().put("created_at", bad)))
                    .as(bad)
                    .startsWith("created_at: created_at must be in the years 1970 to 2200");
        }
        ObjectNode follow = PostJson.MAPPER
                .createObjectNode()
                .put("follower_id", "u1")
                .put("followee_id", "u2")
                .put("version", 1)
                .put("created_at", "+292278995-01-01T00:00:00Z");
        assertThat(fieldOfRejection(follow)).startsWith("created_at:");
    }

    @Test
    void countersGoUpTo2To53AndVersionsAreNonNegative() {
        assertThat(fieldOfRejection(
                        post().put("likes", 1L << 53).put("reposts", 1L << 53).put("replies", 1L << 53)))
                .isNull();
        assertThat(fieldOfRejection(post().put("likes", 1L << 62))).startsWith("likes: likes must be at most 2^53");
        assertThat(fieldOfRejection(post().put("reposts", (1L << 53) + 1))).startsWith("reposts:");
        assertThat(fieldOfRejection(post().put("replies", -1))).startsWith("replies: replies must not be negative");
        assertThat(fieldOfRejection(post().put("version", -1))).startsWith("version: version must not be negative");
        assertThat(fieldOfRejection(post().put("version", Long.MAX_VALUE)))
                .startsWith("version: version must be at most");
    }

    @Test
    void aDeleteIsJudgedOnItsIdAndVersionAlone() throws Exception {
        // the removed row's created_at may be the very value that was refused: the delete must still go through
        ObjectNode delete = PostJson.MAPPER
                .createObjectNode()
                .put("id", "p1")
                .put("version", 3)
                .put("deleted", true)
                .put("created_at", "+292278995-01-01T00:00:00Z");
        assertThat(PostJson.decodePost(delete).deleted()).isTrue();
        ObjectNode unfollow = PostJson.MAPPER
                .createObjectNode()
                .put("follower_id", "u1")
                .put("followee_id", "u2")
                .put("version", 3)
                .put("deleted", true)
                .put("created_at", "9999-01-01T00:00:00Z");
        assertThat(PostJson.decodeFollow(unfollow).createdAt()).isNull();
        assertThat(fieldOfRejection(delete.put("version", -2))).startsWith("version:");
    }

    @Test
    void loneSurrogatesAreRefusedWhereverTheyAre() {
        assertThat(fieldOfRejection(post().put("id", "p\uD800"))).startsWith("id: id holds a lone surrogate (U+D800");
        assertThat(fieldOfRejection(post().put("text", "a\uDC00b")))
                .startsWith("text: text holds a lone surrogate (U+DC00 at character 1)");
        ObjectNode tags = post();
        tags.putArray("tags").add("ok").add("bad\uD83D");
        assertThat(fieldOfRejection(tags)).startsWith("tags:");
        ObjectNode nested = post();
        nested.putObject("app").putArray("notes").add("x\uDFFF");
        assertThat(fieldOfRejection(nested)).startsWith("app:");
        assertThat(fieldOfRejection(post().put("k\uD800", 1)))
                .startsWith("k\uFFFD: the key k\uFFFD holds a lone surrogate");
        assertThat(fieldOfRejection(post().put("text", "a whole pair \uD83D\uDE00 is fine")))
                .isNull();
        assertThat(fieldOfRejection(PostJson.MAPPER
                        .createObjectNode()
                        .put("follower_id", "u\uD800")
                        .put("followee_id", "u2")
                        .put("version", 1)))
                .startsWith("follower_id:");
    }

    @Test
    void strictReadingRefusesDuplicateKeysAndAnythingAfterTheObject() throws Exception {
        assertThat(PostJson.readStrict("{\"a\":1} \r\n").get("a").intValue()).isEqualTo(1);
        for (String bad : new String[] {
            "{\"visibility\":\"private\",\"visibility\":\"public\"}",
            "{\"a\":1} x",
            "{\"a\":1}{\"a\":2}",
            "{\"a\":1}\r{\"a\":2}"
        }) {
            assertThatThrownBy(() -> PostJson.readStrict(bad)).as(bad).isInstanceOf(JsonProcessingException.class);
        }
    }
}
