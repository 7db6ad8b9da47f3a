package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ranked feed and the hot caches over HTTP, on the shared sample server. Every correctness rule of the
 * cache is checked by changing the index through the real apply path between two requests.
 */
class FeedAndCacheHttpTest {
    static SampleServer s;
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static int minute;

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
        List<IndexChange> c = new ArrayList<>();
        c.add(follow("fd-v", "fd-a", 1, false));
        c.add(follow("fd-v", "fd-b", 1, false));
        c.add(follow("fd-a", "fd-v", 1, false));
        for (int i = 0; i < 8; i++)
            c.add(post("fd-a-" + i, "fd-a", "Afternoon tea number " + i, Visibility.PUBLIC, 1, 100 + i, 0));
        c.add(post("fd-a-fol", "fd-a", "Tea for my followers only", Visibility.FOLLOWERS, 1, 90, 0));
        c.add(post("fd-a-pri", "fd-a", "Tea notes just for me", Visibility.PRIVATE, 1, 91, 0));
        for (int i = 0; i < 3; i++)
            c.add(post("fd-b-" + i, "fd-b", "Evening coffee number " + i, Visibility.PUBLIC, 1, 80 + i, 5));
        // strangers: a German post (not a language fd-v writes in) and a popular English one
        c.add(post(
                "fd-c-0",
                "fd-c",
                "Ein Fremder trinkt öffentlich seinen Tee am Nachmittag",
                Visibility.PUBLIC,
                1,
                70,
                0));
        c.add(post("fd-c-1", "fd-c", "A stranger's wildly popular tea recipe", Visibility.PUBLIC, 1, 75, 900));
        c.add(post("fd-v-0", "fd-v", "My own tea diary", Visibility.PRIVATE, 1, 60, 0));
        s.index.apply(c);
    }

    static IndexChange follow(String a, String b, long v, boolean deleted) {
        return new FollowChange(new FollowEdge(a, b, NOW, v, deleted));
    }

    static IndexChange post(
            String id, String author, String text, Visibility vis, long version, int minutesAgo, long likes) {
        return s.changes.fromPost(new Post(
                id,
                author,
                text,
                "en",
                NOW.minusSeconds(60L * minutesAgo),
                vis,
                List.of("fdtest"),
                List.of(),
                null,
                likes,
                0,
                0,
                version,
                false));
    }

    static JsonNode feed(String query) throws Exception {
        return feed(s.server, query);
    }

    static JsonNode feed(FeedsearchServer on, String query) throws Exception {
        SampleServer.Response r = s.get(on, "/v1/feed?" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("hits").forEach(h -> ids.add(h.get("id").asText()));
        return ids;
    }

    /** Walks every page of one session. */
    static List<String> walk(String viewer, int limit, Runnable afterFirstPage) throws Exception {
        return walk(s.server, viewer, limit, afterFirstPage);
    }

    static List<String> walk(FeedsearchServer on, String viewer, int limit, Runnable afterFirstPage) throws Exception {
        List<String> all = new ArrayList<>();
        JsonNode page = feed(on, "viewer=" + viewer + "&limit=" + limit);
        all.addAll(ids(page));
        afterFirstPage.run();
        while (!page.get("next_cursor").isNull()) {
            page = feed(
                    on,
                    "viewer=" + viewer + "&limit=" + limit + "&cursor="
                            + enc(page.get("next_cursor").asText()));
            all.addAll(ids(page));
        }
        return all;
    }

    @Test
    void feedHasFolloweesAndOwnPostsWithVisibilityAndDiversity() throws Exception {
        List<String> all;
        // a server whose popular lists start empty: the shared server's English list may have been read by another
        // test class before these posts were written, and it is kept for cache.popular_ms by design
        try (FeedsearchServer fresh = s.freshServer()) {
            all = walk(fresh, "fd-v", 5, () -> {});
        }
        assertThat(all)
                .doesNotHaveDuplicates()
                .contains("fd-a-fol", "fd-v-0", "fd-b-0", "fd-a-0")
                .contains("fd-c-1") // popular, public, in the viewer's language
                .doesNotContain("fd-a-pri", "fd-c-0");
        JsonNode first = feed("viewer=fd-v&limit=5");
        assertThat(first.get("ranking").asText()).isEqualTo("ranked");
        Map<String, Integer> perAuthor = new HashMap<>();
        first.get("hits").forEach(h -> perAuthor.merge(h.get("author_id").asText(), 1, Integer::sum));
        assertThat(perAuthor.values()).allMatch(n -> n <= 2);

        // someone else never sees fd-a's followers-only or fd-v's private post
        assertThat(walk("fd-x", 20, () -> {})).doesNotContain("fd-a-fol", "fd-v-0", "fd-a-pri");
    }

    @Test
    void explainGivesEachFeatureAndTheTotalIsTheScore() throws Exception {
        JsonNode hit = feed("viewer=fd-v&limit=3&explain=true").get("hits").get(0);
        JsonNode ex = hit.get("explain");
        assertThat(ex.fieldNames())
                .toIterable()
                .contains("recency", "engagement", "affinity", "mutual", "language", "reply_penalty", "total");
        assertThat(ex.get("total").asDouble()).isEqualTo(hit.get("score").asDouble());
        JsonNode search =
                s.get("/v1/search?q=tea&tag=fdtest&explain=true&viewer=fd-v").json();
        assertThat(search.at("/hits/0/explain/text").asDouble()).isPositive();
    }

    @Test
    void pagesOfOneSessionStayStableWhileNewPostsArriveAndANewSessionShowsThem() throws Exception {
        List<String> session = walk("fd-v", 3, () -> {
            try {
                s.index.apply(List.of(post("fd-b-new", "fd-b", "Breaking coffee news", Visibility.PUBLIC, 1, 0, 50)));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(session).doesNotHaveDuplicates().doesNotContain("fd-b-new");
        assertThat(ids(feed("viewer=fd-v&limit=3"))).contains("fd-b-new");
    }

    @Test
    void anAuthorSeesTheirOwnNewPostAtOnceAndDeletesAndPrivacyChangesApplyToOpenSessions() throws Exception {
        feed("viewer=fd-v&limit=3"); // warm the timeline cache
        s.index.apply(List.of(post("fd-v-new", "fd-v", "Fresh tea from me", Visibility.FOLLOWERS, 1, 0, 0)));
        assertThat(ids(feed("viewer=fd-v&limit=50"))).contains("fd-v-new");

        JsonNode first = feed("viewer=fd-v&limit=2");
        String cursor = first.get("next_cursor").asText();
        // the rest of this session, as it stands; then a moderation delete of one of its posts and a
        // privacy change (public -> private) of another
        List<String> rest = walkFrom("fd-v", 2, cursor);
        List<String> targets =
                rest.stream().filter(id -> id.matches("fd-a-[0-7]")).limit(2).toList();
        assertThat(targets).hasSize(2);
        int n = Integer.parseInt(targets.get(1).substring(5));
        s.index.apply(List.of(
                PostChange.delete(targets.get(0), 2),
                post(targets.get(1), "fd-a", "Afternoon tea number " + n, Visibility.PRIVATE, 2, 100 + n, 0)));
        List<String> after = walkFrom("fd-v", 2, cursor);
        assertThat(after).doesNotContainAnyElementsOf(targets);
        assertThat(rest).containsAll(after);
        assertThat(ids(feed("viewer=fd-v&limit=50"))).doesNotContainAnyElementsOf(targets);
    }

    static List<String> walkFrom(String viewer, int limit, String cursor) throws Exception {
        List<String> all = new ArrayList<>();
        while (cursor != null) {
            JsonNode page = feed("viewer=" + viewer + "&limit=" + limit + "&cursor=" + enc(cursor));
            all.addAll(ids(page));
            cursor = page.get("next_cursor").isNull()
                    ? null
                    : page.get("next_cursor").asText();
        }
        return all;
    }

    @Test
    void popularPostsAreReadOnceForEveryViewerAndOneMadePrivateReachesNoOne() throws Exception {
        s.index.apply(List.of(
                post("pop-w-0", "pop-w", "My English tea diary", Visibility.PUBLIC, 1, 50, 0),
                post("pop-x-0", "pop-x", "Another English tea diary", Visibility.PUBLIC, 1, 51, 0),
                post("pop-d-0", "pop-d", "The most loved tea photo of the week", Visibility.PUBLIC, 1, 40, 5_000)));
        try (FeedsearchServer fresh = s.freshServer()) {
            double before = popularHits(fresh);
            assertThat(walk(fresh, "pop-w", 50, () -> {})).contains("pop-d-0");
            assertThat(walk(fresh, "pop-x", 50, () -> {})).contains("pop-d-0");
            // the second viewer's popular posts came from the first's read: the English list is shared
            assertThat(popularHits(fresh)).isGreaterThan(before);
            // made private while the shared list still holds it: the page is re-read for its viewer and drops it
            s.index.apply(List.of(post(
                    "pop-d-0", "pop-d", "The most loved tea photo of the week", Visibility.PRIVATE, 2, 40, 5_000)));
            assertThat(walk(fresh, "pop-x", 50, () -> {})).doesNotContain("pop-d-0");
            assertThat(walk(fresh, "pop-w", 50, () -> {})).doesNotContain("pop-d-0");
        }
    }

    @Test
    void popularPostsAreKeptPerLanguageAndMergedForAViewerWritingInSeveral() throws Exception {
        s.index.apply(List.of(
                post("pl-en-0", "pl-en", "My English notes about gardening in the rain", Visibility.PUBLIC, 1, 50, 0),
                post("pl-2-0", "pl-2", "My English notes about gardening in the sun", Visibility.PUBLIC, 1, 50, 0),
                post(
                        "pl-2-1",
                        "pl-2",
                        "Heute schreibe ich über meinen Garten und die Blumen, die im Regen wachsen",
                        Visibility.PUBLIC,
                        1,
                        49,
                        0),
                post(
                        "pl-pop-en",
                        "pl-s",
                        "The gardening photo everyone loved this week",
                        Visibility.PUBLIC,
                        1,
                        40,
                        7_000),
                post(
                        "pl-pop-de",
                        "pl-t",
                        "Das Gartenfoto, das in dieser Woche allen gefallen hat, mit vielen Blumen",
                        Visibility.PUBLIC,
                        1,
                        41,
                        7_000)));
        try (FeedsearchServer fresh = s.freshServer()) {
            // each viewer's candidates come from the lists of the languages they write in, merged
            assertThat(walk(fresh, "pl-2", 100, () -> {})).contains("pl-pop-en", "pl-pop-de");
            double before = popularHits(fresh);
            assertThat(walk(fresh, "pl-en", 100, () -> {}))
                    .contains("pl-pop-en")
                    .doesNotContain("pl-pop-de");
            // a viewer with another set of languages still shares the English list read for the first
            assertThat(popularHits(fresh)).isGreaterThan(before);
        }
    }

    static double popularHits(FeedsearchServer on) {
        var c = on.metrics()
                .find("cache.gets")
                .tag("cache", "popular_candidates")
                .tag("result", "hit")
                .functionCounter();
        return c == null ? 0 : c.count();
    }

    @Test
    void mutedAndBlockingAuthorsLeaveTheFeed() throws Exception {
        assertThat(ids(feed("viewer=fd-m&limit=50"))).isEmpty();
        s.index.apply(List.of(follow("fd-m", "fd-b", 1, false), follow("fd-m", "fd-a", 1, false)));
        assertThat(ids(feed("viewer=fd-m&limit=50"))).contains("fd-b-1", "fd-a-1");
        s.index.apply(List.of(
                new FollowChange(new FollowEdge("fd-m", "fd-b", NOW, 1, false, FollowEdge.Relation.MUTE)),
                new FollowChange(new FollowEdge("fd-a", "fd-m", NOW, 1, false, FollowEdge.Relation.BLOCK))));
        assertThat(ids(feed("viewer=fd-m&limit=50"))).noneMatch(id -> id.startsWith("fd-b-") || id.startsWith("fd-a-"));
        assertThat(s.get("/v1/search?q=coffee&tag=fdtest&viewer=fd-m").json().get("hits"))
                .isEmpty();
    }

    @Test
    void cachedSearchPagesNeverOutliveADeleteOrAPrivacyChangeOfTheirHits() throws Exception {
        s.index.apply(List.of(
                post("sc-1", "sc-a", "Saffron risotto recipe", Visibility.PUBLIC, 1, 5, 0),
                post("sc-2", "sc-a", "Saffron buns recipe", Visibility.PUBLIC, 1, 6, 0)));
        String q = "/v1/search?q=saffron&tag=fdtest";
        assertThat(ids(s.get(q).json())).containsExactlyInAnyOrder("sc-1", "sc-2");
        assertThat(ids(s.get(q).json())).containsExactlyInAnyOrder("sc-1", "sc-2"); // served from the cache
        s.index.apply(List.of(
                post("sc-1", "sc-a", "Saffron risotto recipe", Visibility.PRIVATE, 2, 5, 0),
                PostChange.delete("sc-2", 2)));
        assertThat(ids(s.get(q).json())).isEmpty();
        assertThat(ids(s.get(q + "&viewer=sc-a").json())).containsExactly("sc-1");
    }

    @Test
    void highlightsAreKeptPerPostVersionSoAnEditMovesThem() throws Exception {
        String before = "Gardening under the quiet moonlight tonight", after = "Moonlight gardening is quiet";
        s.index.apply(List.of(post("hl-1", "hl-a", before, Visibility.PUBLIC, 1, 30, 0)));
        // the second request asks for another page size: not the rendered body again, so its highlights come from
        // the highlight cache
        for (String limit : List.of("20", "19")) {
            JsonNode hit = s.get("/v1/search?q=moonlight&author=hl-a&limit=" + limit)
                    .json()
                    .get("hits")
                    .get(0);
            assertThat(hit.get("text").asText()).isEqualTo(before);
            assertThat(hit.get("highlights").toString())
                    .isEqualTo("[[" + before.indexOf("moonlight") + "," + (before.indexOf("moonlight") + 9) + "]]");
        }
        s.index.apply(List.of(post("hl-1", "hl-a", after, Visibility.PUBLIC, 2, 30, 0)));
        JsonNode hit =
                s.get("/v1/search?q=moonlight&author=hl-a").json().get("hits").get(0);
        assertThat(hit.get("text").asText()).isEqualTo(after);
        assertThat(hit.get("highlights").toString()).isEqualTo("[[0,9]]");
        assertThat(s.server
                        .metrics()
                        .find("cache.gets")
                        .tag("cache", "highlights")
                        .tag("result", "hit")
                        .functionCounter()
                        .count())
                .isPositive();
    }

    @Test
    void anAuthorsOwnNewPostShowsInTheirCachedSearchAtOnce() throws Exception {
        String q = "/v1/search?q=paella&tag=fdtest&viewer=sc-b";
        assertThat(ids(s.get(q).json())).isEmpty();
        s.index.apply(List.of(post("sc-3", "sc-b", "Paella on the beach", Visibility.FOLLOWERS, 1, 1, 0)));
        assertThat(ids(s.get(q).json())).containsExactly("sc-3");
    }

    @Test
    void concurrentMissesForOneQueryComputeOnce() throws Exception {
        String url = "/v1/search?q=" + enc("stampede protection " + System.nanoTime());
        double before = metric("cache_gets_total{cache=\"search_results\",result=\"miss\"}");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) calls.add(() -> s.get(url).status());
            for (Future<Integer> f : pool.invokeAll(calls)) assertThat(f.get()).isEqualTo(200);
        } finally {
            pool.shutdown();
        }
        assertThat(metric("cache_gets_total{cache=\"search_results\",result=\"miss\"}") - before)
                .isEqualTo(1.0);
        assertThat(s.get("/metrics").body())
                .contains("cache_evictions_total{cache=\"timelines\"")
                .contains("cache_load_seconds_count{cache=\"search_results\"");
    }

    @Test
    void aRenderedSearchIsServedAgainOnlyWhileItsAnswerStands() throws Exception {
        String q = "/v1/search?q=" + enc("saffron rendered") + "&tag=fdtest";
        s.index.apply(List.of(post("rc-1", "rc-a", "Saffron rendered twice", Visibility.PUBLIC, 1, 1, 0)));
        String hit = "cache_gets_total{cache=\"rendered_searches\",result=\"hit\"}";
        assertThat(ids(s.get(q).json())).containsExactly("rc-1");
        double before = metric(hit);
        String again = s.get(q).body();
        assertThat(metric(hit) - before)
                .as("the second identical request is the rendered body")
                .isEqualTo(1.0);
        assertThat(ids(PostJson.MAPPER.readTree(again))).containsExactly("rc-1");
        // a write elsewhere moves the generation: the page is checked again, still stands, and its body is served
        s.index.apply(List.of(post("rc-2", "rc-b", "Cardamom buns", Visibility.PUBLIC, 1, 1, 0)));
        before = metric(hit);
        assertThat(ids(s.get(q).json())).containsExactly("rc-1");
        assertThat(metric(hit) - before)
                .as("a write to another post keeps the body")
                .isEqualTo(1.0);
        // its hit made private: the body's page no longer stands, so neither does the body
        s.index.apply(List.of(post("rc-1", "rc-a", "Saffron rendered twice", Visibility.PRIVATE, 2, 1, 0)));
        assertThat(ids(s.get(q).json())).isEmpty();
        // another viewer's identical query string is another body
        String asOwner = q + "&viewer=rc-a";
        assertThat(ids(s.get(asOwner).json())).containsExactly("rc-1");
        assertThat(ids(s.get(q).json())).isEmpty();
    }

    static double metric(String name) throws Exception {
        for (String line : s.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " "))
                return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
        return 0;
    }
}
