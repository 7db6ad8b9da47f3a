package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relevance window over HTTP: one combined order over the engine's best hits (not per engine page), exact
 * cursors through the window and past it, and the query as written ranking above its stemmed or folded forms.
 */
class RelevanceWindowHttpTest {
    static SampleServer s;
    static final Instant T = Instant.parse("2030-02-01T00:00:00Z");
    static final Instant PAST = Instant.parse("2026-06-01T00:00:00Z"); // before the server's clock: recency differs

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
        List<IndexChange> changes = new ArrayList<>();
        String[][] posts = {
            {"rw-1", "Mon resume est pret pour le poste"},
            {"rw-2", "Mon résumé est prêt pour le poste"},
            {"rw-3", "Les résumés sont prêts"},
        };
        for (String[] p : posts) {
            changes.add(s.changes.fromPost(new Post(
                    p[0],
                    "rw-author",
                    p[1],
                    null,
                    T,
                    Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    0,
                    0,
                    0,
                    1,
                    false)));
        }
        // 150 English posts with the same words, more than one window (100) of them
        for (int i = 0; i < 150; i++) {
            changes.add(s.changes.fromPost(new Post(
                    "rw-en-" + i,
                    "rw-many",
                    "the harbour lights number " + i + (i % 3 == 0 ? " harbour lights" : ""),
                    null,
                    T.minusSeconds(60L * i),
                    Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    i % 7,
                    0,
                    0,
                    1,
                    false)));
        }
        // 120 posts that carry #rwtag, one a minute: a search for the tag alone has no text to score
        for (int i = 0; i < 120; i++) {
            changes.add(s.changes.fromPost(new Post(
                    "rw-tag-" + i,
                    "rw-tagger",
                    "note number " + i + " #rwtag",
                    null,
                    PAST.plusSeconds(60L * i),
                    Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    0,
                    0,
                    0,
                    1,
                    false)));
        }
        s.index.apply(changes);
    }

    @Test
    void aTagOnlySearchRanksTheNewestMatchesNotTheSmallestIds() throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 40; page++) {
            SampleServer.Response r =
                    s.get("/v1/search?limit=9&q=" + enc("#rwtag") + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            if (page == 0) {
                // the newest post leads (recency decides when no text does); by id it would be rw-tag-0
                assertThat(r.json().get("hits").get(0).get("id").asText()).isEqualTo("rw-tag-119");
            }
            ids.addAll(ids(r.json()));
            if (r.json().get("next_cursor").isNull()) break;
            cursor = r.json().get("next_cursor").asText();
        }
        assertThat(ids).hasSize(120).doesNotHaveDuplicates();
    }

    @Test
    void theFormAsWrittenRanksFirst() throws Exception {
        JsonNode hits = s.get("/v1/search?author=rw-author&explain=true&q=" + enc("résumé"))
                .json()
                .get("hits");
        assertThat(hits.size()).isEqualTo(3);
        assertThat(hits.get(0).get("id").asText()).isEqualTo("rw-2");
        assertThat(hits.get(0).get("explain").get("exact").asDouble()).isPositive();
        JsonNode plain =
                s.get("/v1/search?author=rw-author&q=" + enc("resume")).json().get("hits");
        assertThat(plain.get(0).get("id").asText()).isEqualTo("rw-1");
    }

    @Test
    void cursorsWalkTheWindowAndBeyondExactlyOnceInOneOrder() throws Exception {
        for (int limit : new int[] {7, 30, 100}) {
            List<String> ids = new ArrayList<>();
            List<Double> windowScores = new ArrayList<>();
            String cursor = null;
            for (int page = 0; page < 60; page++) {
                String url = "/v1/search?author=rw-many&limit=" + limit + "&q=" + enc("harbour lights")
                        + (cursor == null ? "" : "&cursor=" + enc(cursor));
                SampleServer.Response r = s.get(url);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                for (JsonNode h : r.json().get("hits")) {
                    ids.add(h.get("id").asText());
                    if (ids.size() <= 100) windowScores.add(h.get("score").asDouble());
                }
                JsonNode next = r.json().get("next_cursor");
                if (next.isNull()) break;
                cursor = next.asText();
            }
            assertThat(ids).as("limit %d", limit).hasSize(150).doesNotHaveDuplicates();
            // the window is one order: scores never rise across page boundaries
            for (int i = 1; i < windowScores.size(); i++) {
                assertThat(windowScores.get(i))
                        .as("limit %d, hit %d", limit, i)
                        .isLessThanOrEqualTo(windowScores.get(i - 1));
            }
        }
    }

    @Test
    void theWindowOrderIsGlobalNotPerEnginePage() throws Exception {
        // engagement and recency differ from the engine's text order: a page of 7 must be the first 7 of the
        // order a page of 100 shows, not the engine's first 7 re-ordered among themselves
        List<String> small = ids(s.get("/v1/search?author=rw-many&limit=7&q=" + enc("harbour lights"))
                .json());
        List<String> large = ids(s.get("/v1/search?author=rw-many&limit=100&q=" + enc("harbour lights"))
                .json());
        assertThat(small).containsExactlyElementsOf(large.subList(0, 7));
        List<String> engineOrder = new ArrayList<>(large);
        engineOrder.sort(java.util.Comparator.naturalOrder());
        assertThat(large).as("the combined order is not the id order either").isNotEqualTo(engineOrder);
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : page.get("hits")) out.add(h.get("id").asText());
        return out;
    }

    @Test
    void aForgedOrForeignRelevanceCursorIsA400NamingCursor() throws Exception {
        String first = s.get("/v1/search?author=rw-many&limit=5&q=" + enc("harbour lights"))
                .json()
                .get("next_cursor")
                .asText();
        // (a cursor cut short can still decode to a position; signing cursors is the hardening issue's)
        for (String bad : List.of(
                "not-a-cursor!",
                first.substring(0, 12),
                java.util.Base64.getUrlEncoder().encodeToString("r1\nffff\nen\n1\nw\nx\n1\nid".getBytes()))) {
            SampleServer.Response r =
                    s.get("/v1/search?author=rw-many&limit=5&q=" + enc("harbour lights") + "&cursor=" + enc(bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").get("field").asText()).isEqualTo("cursor");
        }
        SampleServer.Response other =
                s.get("/v1/search?author=rw-many&limit=5&q=" + enc("harbour") + "&cursor=" + enc(first));
        assertThat(other.status()).isEqualTo(400);
    }
}
