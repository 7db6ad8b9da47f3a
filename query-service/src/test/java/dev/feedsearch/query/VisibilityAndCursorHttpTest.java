package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VisibilityAndCursorHttpTest {
    static SampleServer s;
    static final Instant FUTURE = Instant.parse("2031-01-01T00:00:00Z");

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
        List<IndexChange> changes = new ArrayList<>();
        changes.add(post("vis-pub", Visibility.PUBLIC));
        changes.add(post("vis-fol", Visibility.FOLLOWERS));
        changes.add(post("vis-pri", Visibility.PRIVATE));
        changes.add(new FollowChange(new FollowEdge("vis-bob", "vis-alice", FUTURE, 1, false)));
        s.index.apply(changes);
    }

    static IndexChange post(String id, Visibility v) {
        return s.changes.fromPost(new Post(
                id,
                "vis-alice",
                "Marmalade recipe number " + id,
                "en",
                FUTURE,
                v,
                List.of("jam"),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false));
    }

    Set<String> ids(String query) throws Exception {
        SampleServer.Response r = s.get("/v1/search?" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        r.json().get("hits").forEach(h -> ids.add(h.get("id").asText()));
        return ids;
    }

    @Test
    void privatePostsReachOnlyTheirAuthorFollowersOnlyReachFollowers() throws Exception {
        assertThat(ids("q=marmalade")).containsExactly("vis-pub");
        assertThat(ids("q=marmalade&viewer=vis-carol")).containsExactly("vis-pub");
        assertThat(ids("q=marmalade&viewer=vis-bob")).containsExactlyInAnyOrder("vis-pub", "vis-fol");
        assertThat(ids("q=marmalade&viewer=vis-alice")).containsExactlyInAnyOrder("vis-pub", "vis-fol", "vis-pri");
        assertThat(ids("tag=jam&sort=recent&viewer=vis-bob")).containsExactlyInAnyOrder("vis-pub", "vis-fol");

        assertThat(s.get("/v1/posts/vis-pri").status()).isEqualTo(404);
        assertThat(s.get("/v1/posts/vis-pri?viewer=vis-bob").status()).isEqualTo(404);
        assertThat(s.get("/v1/posts/vis-pri?viewer=vis-alice").status()).isEqualTo(200);
        assertThat(s.get("/v1/posts/vis-fol?viewer=vis-bob").status()).isEqualTo(200);
        assertThat(s.get("/v1/posts/vis-fol").status()).isEqualTo(404);
    }

    @Test
    void privacyHoldsAcrossEveryPageOfACursorWalk() throws Exception {
        Set<String> seen = walk("sort=recent&until=2026-11-01", 50, null);
        Set<String> expectedPublic = expectedVisibleSample(null);
        assertThat(seen).isEqualTo(expectedPublic);
    }

    @Test
    void cursorsPageThroughTheWholeSampleExactlyOnceInBothOrders() throws Exception {
        String viewer = "u1";
        Set<String> expected = expectedVisibleSample(viewer);
        assertThat(walk("sort=recent&until=2026-11-01", 37, viewer)).isEqualTo(expected);
        assertThat(walk("sort=recent&until=2026-11-01", 100, viewer)).isEqualTo(expected);
        // relevance: the same set as sort=recent for the same query, each once
        Set<String> byRelevance = walk("q=" + enc("rights") + "&until=2026-11-01", 23, viewer);
        Set<String> byRecency = walk("q=" + enc("rights") + "&sort=recent&until=2026-11-01", 23, viewer);
        assertThat(byRelevance).isNotEmpty().isEqualTo(byRecency);
    }

    /** Walks every page; fails on a duplicate id. */
    Set<String> walk(String query, int limit, String viewer) throws Exception {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        String base = "/v1/search?" + query + "&limit=" + limit + (viewer == null ? "" : "&viewer=" + viewer);
        do {
            SampleServer.Response r = s.get(base + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("hits").size()).isLessThanOrEqualTo(limit);
            for (JsonNode h : r.json().get("hits")) {
                assertThat(seen.add(h.get("id").asText()))
                        .as("duplicate " + h.get("id"))
                        .isTrue();
            }
            cursor = r.json().get("next_cursor").isNull()
                    ? null
                    : r.json().get("next_cursor").asText();
        } while (cursor != null);
        return seen;
    }

    /** What the viewer may see of the sample, computed from the file itself (newest version of each record). */
    static Set<String> expectedVisibleSample(String viewer) throws Exception {
        Map<String, JsonNode> posts = new HashMap<>();
        Map<String, JsonNode> follows = new HashMap<>();
        for (String line : Files.readAllLines(SampleServer.SAMPLE)) {
            if (line.isBlank()) continue;
            JsonNode n = PostJson.MAPPER.readTree(line);
            boolean follow = n.has("follower_id");
            String key = follow
                    ? n.get("follower_id").asText() + ">" + n.get("followee_id").asText()
                    : n.get("id").asText();
            Map<String, JsonNode> m = follow ? follows : posts;
            JsonNode prev = m.get(key);
            if (prev == null || n.get("version").asLong() > prev.get("version").asLong()) m.put(key, n);
        }
        Set<String> followees = new HashSet<>();
        follows.values().forEach(f -> {
            if (f.get("follower_id").asText().equals(viewer)
                    && !f.path("deleted").asBoolean(false))
                followees.add(f.get("followee_id").asText());
        });
        Set<String> out = new HashSet<>();
        for (JsonNode p : posts.values()) {
            if (p.path("deleted").asBoolean(false)) continue;
            String vis = p.get("visibility").asText();
            String author = p.get("author_id").asText();
            boolean visible = vis.equals("public")
                    || author.equals(viewer)
                    || (vis.equals("followers") && followees.contains(author));
            if (visible) out.add(p.get("id").asText());
        }
        return out;
    }
}
