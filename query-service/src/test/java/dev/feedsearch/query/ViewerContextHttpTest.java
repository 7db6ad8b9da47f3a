package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.Visibility;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The viewer's context (follows, mutuals, hidden authors, languages) over HTTP: one context feeds search and feed, it
 * is read once per viewer until something in it changes, and a change shows on the next request. Relevance search
 * scores the language feature by the languages the viewer writes in, as the feed does.
 */
class ViewerContextHttpTest {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static SampleServer s;

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
        s.index.apply(List.of(
                // the viewer writes German
                post(
                        "vc-own",
                        "vc-viewer",
                        "Heute habe ich im Garten einen neuen Apfelbaum gepflanzt und bin sehr zufrieden",
                        "de",
                        30),
                // an author the viewer does not follow yet, writing the same rare word in English and in German
                post(
                        "vc-en",
                        "vc-author",
                        "The quokkafest parade went through the whole city this afternoon with music",
                        "en",
                        10),
                post(
                        "vc-de",
                        "vc-author",
                        "Die quokkafest Parade zog heute Nachmittag mit Musik durch die ganze Stadt",
                        "de",
                        11)));
    }

    static IndexChange post(String id, String author, String text, String lang, int minutesAgo) {
        return s.changes.fromPost(new Post(
                id,
                author,
                text,
                lang,
                NOW.minusSeconds(60L * minutesAgo),
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false));
    }

    static IndexChange follow(String follower, String followee) {
        return new FollowChange(new FollowEdge(follower, followee, NOW, 1, false));
    }

    /** Each hit's explain, by post id. */
    static Map<String, JsonNode> explained(FeedsearchServer on, String viewerParam) throws Exception {
        SampleServer.Response r = s.get(on, "/v1/search?q=quokkafest&author=vc-author&explain=true" + viewerParam);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> out = new HashMap<>();
        r.json().get("hits").forEach(h -> out.put(h.get("id").asText(), h.get("explain")));
        assertThat(out).as(r.body()).containsOnlyKeys("vc-en", "vc-de");
        return out;
    }

    static long contextLoads(FeedsearchServer on) {
        Timer t =
                on.metrics().find("cache.load").tag("cache", "viewer_contexts").timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void relevanceSearchScoresTheLanguagesTheViewerWritesIn() throws Exception {
        try (FeedsearchServer fresh = s.freshServer()) {
            Map<String, JsonNode> viewer = explained(fresh, "&viewer=vc-viewer");
            // the viewer writes German: the German post scores the language feature, the English one does not
            assertThat(viewer.get("vc-de").get("language").asDouble()).isPositive();
            assertThat(viewer.get("vc-en").get("language").asDouble()).isZero();
            // no viewer, no client language: nothing to match (as before)
            Map<String, JsonNode> anonymous = explained(fresh, "");
            assertThat(anonymous.get("vc-de").get("language").asDouble()).isZero();
            assertThat(anonymous.get("vc-en").get("language").asDouble()).isZero();
        }
    }

    @Test
    void theViewersGraphIsReadOncePerChangeAndAChangeShowsAtOnce() throws Exception {
        try (FeedsearchServer fresh = s.freshServer()) {
            Map<String, JsonNode> before = explained(fresh, "&viewer=vc-reader");
            assertThat(before.get("vc-en").get("affinity").asDouble()).isZero();
            // the same search again (its page now from the result cache) and the feed: no new read of the graph
            explained(fresh, "&viewer=vc-reader");
            assertThat(s.get(fresh, "/v1/feed?viewer=vc-reader").status()).isEqualTo(200);
            assertThat(contextLoads(fresh)).isEqualTo(1);

            // the reader follows the author: the next search scores it, read afresh once
            s.index.apply(List.of(follow("vc-reader", "vc-author")));
            Map<String, JsonNode> following = explained(fresh, "&viewer=vc-reader");
            assertThat(following.get("vc-en").get("affinity").asDouble()).isPositive();
            assertThat(following.get("vc-en").get("mutual").asDouble()).isZero();
            assertThat(contextLoads(fresh)).isEqualTo(2);

            // the author follows back: an edge of the followee's, not the reader's, and the mutual feature shows it at
            // once
            s.index.apply(List.of(follow("vc-author", "vc-reader")));
            assertThat(explained(fresh, "&viewer=vc-reader")
                            .get("vc-en")
                            .get("mutual")
                            .asDouble())
                    .isPositive();
            assertThat(contextLoads(fresh)).isEqualTo(3);
        }
    }
}
