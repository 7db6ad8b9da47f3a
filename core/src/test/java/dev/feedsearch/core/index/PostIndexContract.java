package dev.feedsearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.FollowEdge;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every engine must show, run against each of them by a subclass: the conformance suite. A
 * subclass opens an EMPTY index of its engine and can reopen the same one.
 */
public abstract class PostIndexContract {
    protected static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    protected PostIndex index;

    /** A new, empty index. */
    protected abstract PostIndex openEmpty() throws IOException;

    /** Closes {@code index} and opens the same data again (a process restart). */
    protected abstract PostIndex reopen(PostIndex index) throws IOException;

    @BeforeEach
    void open() throws IOException {
        index = openEmpty();
    }

    @AfterEach
    void close() throws IOException {
        index.close();
    }

    static Post post(String id, String author, String text, Visibility vis, long version, int minute, String... tags) {
        return new Post(
                id,
                author,
                text,
                null,
                T0.plusSeconds(60L * minute),
                vis,
                List.of(tags),
                List.of(),
                null,
                0,
                0,
                0,
                version,
                false);
    }

    static PostChange en(Post p) {
        return PostChange.upsert(p, "en", "en");
    }

    /** The version the index remembers for a post, live or deleted; -1 if none. */
    long versionOf(String id) throws IOException {
        long[] v = {-1};
        index.forEachPostVersion((pid, version, deleted) -> {
            if (pid.equals(id)) v[0] = version;
        });
        return v[0];
    }

    List<String> ids(SearchQuery q) throws IOException {
        return index.search(q).hits().stream().map(h -> h.post().post().id()).toList();
    }

    SearchQuery.Builder q(String text) {
        return SearchQuery.builder().text(text).limit(100);
    }

    @Test
    void olderAndEqualVersionsAreNoOpsNewerReplaces() throws IOException {
        index.apply(List.of(en(post("p1", "u1", "walking in the mountains", Visibility.PUBLIC, 5, 0))));
        var r = index.apply(List.of(
                en(post("p1", "u1", "sailing on the ocean", Visibility.PUBLIC, 4, 0)),
                en(post("p1", "u1", "sailing on the ocean", Visibility.PUBLIC, 5, 0))));
        assertThat(r.upserted()).isZero();
        assertThat(r.stale()).isEqualTo(2);
        assertThat(ids(q("mountains").build())).containsExactly("p1");
        assertThat(ids(q("ocean").build())).isEmpty();

        index.apply(List.of(en(post("p1", "u1", "sailing on the ocean", Visibility.PUBLIC, 6, 0))));
        assertThat(ids(q("ocean").build())).containsExactly("p1");
        assertThat(ids(q("mountains").build())).isEmpty();
        assertThat(versionOf("p1")).isEqualTo(6);
    }

    @Test
    void deleteIsRememberedSoALateOlderUpsertCannotRevive() throws IOException {
        index.apply(List.of(en(post("p1", "u1", "walking in the mountains", Visibility.PUBLIC, 1, 0))));
        index.apply(List.of(PostChange.delete("p1", 3)));
        assertThat(ids(q("mountains").build())).isEmpty();
        assertThat(index.get("p1", null)).isEmpty();

        var r = index.apply(List.of(en(post("p1", "u1", "walking in the mountains", Visibility.PUBLIC, 2, 0))));
        assertThat(r.stale()).isEqualTo(1);
        assertThat(index.get("p1", null)).isEmpty();
        assertThat(index.stats().tombstones()).isEqualTo(1);

        index.apply(List.of(en(post("p1", "u1", "back in the mountains", Visibility.PUBLIC, 4, 0))));
        assertThat(index.get("p1", null)).isPresent();
    }

    @Test
    void deletionsPastTheRetentionArePurgedNewerOnesStay() throws Exception {
        index.apply(List.of(
                en(post("p1", "u1", "old news about rivers", Visibility.PUBLIC, 1, 0)),
                en(post("p2", "u1", "kept news about rivers", Visibility.PUBLIC, 1, 0)),
                new FollowChange(new FollowEdge("bob", "alice", T0, 1, false))));
        index.apply(List.of(PostChange.delete("p1", 2), new FollowChange(new FollowEdge("bob", "alice", T0, 2, true))));
        Thread.sleep(5);
        Instant cut = Instant.now();
        Thread.sleep(5);
        index.apply(List.of(en(post("p3", "u1", "recent news about rivers", Visibility.PUBLIC, 1, 0))));
        index.apply(List.of(PostChange.delete("p3", 2)));
        assertThat(index.stats().tombstones()).isEqualTo(2);

        assertThat(index.purgeDeletions(cut))
                .as("p1's tombstone and the undone edge")
                .isEqualTo(2);
        assertThat(index.stats().tombstones()).isEqualTo(1);
        assertThat(ids(q("rivers").build())).containsExactly("p2");
        assertThat(index.followees("bob")).isEmpty();
        // the index forgot p1's delete (so a change older than it could now revive it: the retention's trade-off);
        // the recent tombstone still refuses a late upsert
        assertThat(versionOf("p1")).isEqualTo(-1);
        assertThat(versionOf("p3")).isEqualTo(2);
        assertThat(index.apply(List.of(en(post("p3", "u1", "recent news about rivers", Visibility.PUBLIC, 1, 0))))
                        .stale())
                .isEqualTo(1);
        assertThat(index.get("p3", null)).isEmpty();
        assertThat(index.purgeDeletions(cut)).as("nothing left before the cut").isZero();
        // the next versions after a purged delete apply at once (a purge must leave no marker that refuses them)
        assertThat(index.apply(List.of(en(post("p1", "u1", "new news about rivers", Visibility.PUBLIC, 3, 0))))
                        .upserted())
                .isEqualTo(1);
        index.apply(List.of(new FollowChange(new FollowEdge("bob", "alice", T0, 3, false))));
        assertThat(ids(q("rivers").build())).containsExactlyInAnyOrder("p1", "p2");
        assertThat(index.followees("bob")).containsExactly("alice");
    }

    @Test
    void aDeleteWinsATieWithTheVersionItRemoved() throws IOException {
        index.apply(List.of(en(post("p1", "u1", "tied versions", Visibility.PUBLIC, 5, 0))));
        assertThat(index.apply(List.of(PostChange.delete("p1", 5))).deleted()).isEqualTo(1);
        assertThat(index.apply(List.of(en(post("p1", "u1", "tied versions", Visibility.PUBLIC, 5, 0))))
                        .stale())
                .isEqualTo(1);
        assertThat(ids(q("tied").build())).isEmpty();
        assertThat(versionOf("p1")).isEqualTo(5);
    }

    @Test
    void withinABatchTheNewestVersionOfAKeyWins() throws IOException {
        index.apply(List.of(
                en(post("p1", "u1", "third draft about rivers", Visibility.PUBLIC, 3, 0)),
                en(post("p1", "u1", "first draft about lakes", Visibility.PUBLIC, 1, 0)),
                PostChange.delete("p2", 9),
                en(post("p2", "u1", "never visible", Visibility.PUBLIC, 8, 0))));
        assertThat(ids(q("rivers").build())).containsExactly("p1");
        assertThat(ids(q("lakes").build())).isEmpty();
        assertThat(ids(q("visible").build())).isEmpty();
    }

    @Test
    void visibilityPublicFollowersPrivate() throws IOException {
        index.apply(List.of(
                en(post("pub", "alice", "garden party today", Visibility.PUBLIC, 1, 0)),
                en(post("fol", "alice", "garden party for friends", Visibility.FOLLOWERS, 1, 1)),
                en(post("pri", "alice", "garden party notes to self", Visibility.PRIVATE, 1, 2)),
                new FollowChange(new FollowEdge("bob", "alice", T0, 1, false))));

        assertThat(ids(q("garden").build())).containsExactly("pub");
        assertThat(ids(q("garden").viewer("carol").build())).containsExactly("pub");
        assertThat(ids(q("garden").viewer("bob").build())).containsExactlyInAnyOrder("pub", "fol");
        assertThat(ids(q("garden").viewer("alice").build())).containsExactlyInAnyOrder("pub", "fol", "pri");
        assertThat(index.get("pri", "bob")).isEmpty();
        assertThat(index.get("fol", "bob")).isPresent();
        assertThat(index.get("fol", null)).isEmpty();

        // unfollow at a newer version takes the followers-only post away; an older re-follow does not return it
        index.apply(List.of(new FollowChange(new FollowEdge("bob", "alice", T0, 2, true))));
        index.apply(List.of(new FollowChange(new FollowEdge("bob", "alice", T0, 1, false))));
        assertThat(ids(q("garden").viewer("bob").build())).containsExactly("pub");
        assertThat(index.followees("bob")).isEmpty();
        assertThat(index.followers("alice")).isEmpty();
        index.apply(List.of(new FollowChange(new FollowEdge("bob", "alice", T0, 3, false))));
        assertThat(index.followers("alice")).containsExactly("bob");
    }

    @Test
    void filtersLangAuthorTagAndTime() throws IOException {
        index.apply(List.of(
                en(post("a", "u1", "coffee in the morning", Visibility.PUBLIC, 1, 0, "Coffee")),
                en(post("b", "u2", "coffee at night", Visibility.PUBLIC, 1, 60, "#coffee", "night")),
                PostChange.upsert(
                        post("c", "u1", "Kaffee am Morgen, Kaffee am Abend", Visibility.PUBLIC, 1, 120), "de", "de")));

        assertThat(ids(q("coffee").author("u2").build())).containsExactly("b");
        assertThat(ids(q("coffee").tag("COFFEE").build())).containsExactlyInAnyOrder("a", "b");
        assertThat(ids(q("coffee").tag("night").build())).containsExactly("b");
        assertThat(ids(SearchQuery.builder()
                        .sort(SortOrder.RECENT)
                        .lang("de")
                        .limit(10)
                        .build()))
                .containsExactly("c");
        assertThat(ids(SearchQuery.builder()
                        .sort(SortOrder.RECENT)
                        .since(T0.plusSeconds(60 * 60))
                        .limit(10)
                        .build()))
                .containsExactly("c", "b");
        assertThat(ids(SearchQuery.builder()
                        .sort(SortOrder.RECENT)
                        .until(T0.plusSeconds(60 * 60 - 1))
                        .limit(10)
                        .build()))
                .containsExactly("a");
    }

    @Test
    void proseBeatsATagOnlyMatchAndTheQueryGroupComesFirst() throws IOException {
        index.apply(List.of(
                // a foreign post carrying the word only as a hashtag, in text and in tags
                PostChange.upsert(
                        post("vi", "u1", "Mọi người đều có quyền #rights", Visibility.PUBLIC, 1, 0, "rights"),
                        "vi",
                        "vi"),
                // the tag written only in the text is a tag key too
                PostChange.upsert(post("ko", "u1", "모든 사람은 권리를 가진다 #Rights", Visibility.PUBLIC, 1, 1), "ko", "ko"),
                en(post("en1", "u2", "rights and duties of everyone", Visibility.PUBLIC, 1, 2)),
                en(post("en2", "u2", "everyone has rights, rights, rights", Visibility.PUBLIC, 1, 3)),
                PostChange.upsert(post("fr", "u3", "les rights de l'homme", Visibility.PUBLIC, 1, 4), "fr", "fr")));

        List<SearchHit> hits = index.search(q("rights").build()).hits();
        assertThat(hits).extracting(h -> h.post().post().id()).hasSize(5);
        // prose matches (any language) before the two tag-only ones, which score MatchBoosts.TAG_ONLY
        assertThat(hits.subList(0, 3))
                .extracting(h -> h.post().post().id())
                .containsExactlyInAnyOrder("en1", "en2", "fr");
        assertThat(hits.subList(3, 5)).extracting(h -> h.post().post().id()).containsExactlyInAnyOrder("vi", "ko");
        assertThat(hits.subList(3, 5)).allSatisfy(h -> assertThat(h.score()).isEqualTo(MatchBoosts.TAG_ONLY));

        // the query's group first, whatever the other groups' statistics say
        List<SearchHit> en =
                index.search(q("rights").queryGroups(List.of("en")).build()).hits();
        assertThat(en.subList(0, 2)).extracting(h -> h.post().post().id()).containsExactlyInAnyOrder("en1", "en2");
        assertThat(en.get(0).score()).isGreaterThan(MatchBoosts.QUERY_LANGUAGE);
        assertThat(en.get(2).post().post().id()).isEqualTo("fr");
        List<SearchHit> fr =
                index.search(q("rights").queryGroups(List.of("fr")).build()).hits();
        assertThat(fr.getFirst().post().post().id()).isEqualTo("fr");

        // "#rights" in q is a tag filter (the query-service turns it into tags): every post that carries it
        assertThat(ids(SearchQuery.builder().tag("#RIGHTS").limit(10).build())).containsExactlyInAnyOrder("vi", "ko");
        // two words are not a tag
        assertThat(ids(q("rights everyone").build())).containsExactlyInAnyOrder("en1", "en2");
    }

    @Test
    void longQueriesInEveryScriptAreMatchedByTheirFirstWordsInsteadOfFailing() throws IOException {
        String english = "all human beings are born free and equal in dignity and rights they are endowed with reason "
                + "and conscience and should act towards one another in a spirit of brotherhood everyone is entitled to "
                + "all the rights and freedoms set forth in this declaration without distinction of any kind";
        String japanese = "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられて";
        index.apply(List.of(
                en(post("en", "u1", english, Visibility.PUBLIC, 1, 0)),
                PostChange.upsert(post("ja", "u1", japanese, Visibility.PUBLIC, 1, 1), "ja", "ja")));
        // 35+ distinct words, a 54-character Japanese sentence: past Lucene's clause limit when read whole; the
        // first 32 words are required, so each still finds its post
        assertThat(english.split(" ")).hasSizeGreaterThan(40);
        assertThat(ids(q(english).build())).containsExactly("en");
        assertThat(ids(q(japanese).build())).contains("ja");
        // 1,000 characters of any script answer (what they match is beside the point)
        for (String unit : List.of("自由", "ภาษาไทย", "한국어 ", "word ", "ĉu ", "😀", "#tag ", "a-b ", "١٢٣ ")) {
            String q = unit.repeat(1_000 / unit.length())
                    .substring(0, 1_000 - 1_000 % unit.length())
                    .strip();
            assertThatCode(() -> index.search(q(q).queryGroups(List.of("en")).build()))
                    .as(unit)
                    .doesNotThrowAnyException();
            assertThatCode(() -> index.proseMatchBounds(q)).as(unit).doesNotThrowAnyException();
        }
        // a pasted sentence that runs past the cut still matches its post by the words before it
        assertThat(ids(q(english + " " + "zzzunknownword ".repeat(30)).build())).containsExactly("en");
    }

    @Test
    void proseMatchBoundsCountEachGroupsPostsThatCouldMatch() throws IOException {
        index.apply(List.of(
                en(post("e1", "u1", "freedom of speech", Visibility.PUBLIC, 1, 0)),
                en(post("e2", "u1", "freedoms and rights", Visibility.PUBLIC, 1, 1)),
                en(post("e3", "u1", "speech is free", Visibility.PUBLIC, 1, 2)),
                PostChange.upsert(post("v1", "u1", "Tự do ngôn luận #freedom", Visibility.PUBLIC, 1, 3), "vi", "vi"),
                PostChange.upsert(post("f1", "u1", "la freedom des autres", Visibility.PUBLIC, 1, 4), "fr", "fr")));
        // English stems freedom/freedoms alike; the hashtag is not Vietnamese prose
        assertThat(index.proseMatchBounds("freedom"))
                .containsEntry("en", 2L)
                .containsEntry("fr", 1L)
                .doesNotContainKey("vi");
        // a bound, not a count: the smallest count over the query's positions (only e1 has both), and a group
        // where one position has no post at all is left out
        assertThat(index.proseMatchBounds("freedom speech"))
                .containsEntry("en", 2L)
                .doesNotContainKey("fr");
        assertThat(index.proseMatchBounds("nowhere")).isEmpty();
    }

    @Test
    void keysetCursorsPageThroughEverythingExactlyOnce() throws IOException {
        List<PostChange> batch = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            // repeated minutes make ties on the primary sort key, broken by id
            batch.add(en(post(
                    "p" + i,
                    "u" + (i % 4),
                    "river number " + i + (i % 3 == 0 ? " river river" : ""),
                    Visibility.PUBLIC,
                    1,
                    i / 3)));
        }
        index.apply(batch);
        for (SortOrder order : SortOrder.values()) {
            Set<String> seen = new HashSet<>();
            List<String> sequence = new ArrayList<>();
            SortKey after = null;
            int pages = 0;
            do {
                SearchPage page = index.search(SearchQuery.builder()
                        .text("river")
                        .sort(order)
                        .limit(7)
                        .after(after)
                        .build());
                for (SearchHit h : page.hits()) {
                    assertThat(seen.add(h.post().post().id()))
                            .as("duplicate %s in %s", h.post().post().id(), order)
                            .isTrue();
                    sequence.add(h.post().post().id());
                }
                after = page.next().orElse(null);
                pages++;
            } while (after != null);
            assertThat(seen).hasSize(53);
            assertThat(pages).isEqualTo(8);
            // one big page gives the same order as the walk
            assertThat(ids(SearchQuery.builder()
                            .text("river")
                            .sort(order)
                            .limit(100)
                            .build()))
                    .containsExactlyElementsOf(sequence);
        }
    }

    @Test
    void survivesReopenWithTombstones() throws IOException {
        index.apply(List.of(
                en(post("p1", "u1", "persistent thoughts", Visibility.PUBLIC, 1, 0)), PostChange.delete("p2", 5)));
        index.commit();
        index = reopen(index);
        assertThat(ids(q("persistent").build())).containsExactly("p1");
        assertThat(index.apply(List.of(en(post("p2", "u1", "zombie", Visibility.PUBLIC, 4, 0))))
                        .stale())
                .isEqualTo(1);
        assertThat(ids(q("zombie").build())).isEmpty();
    }

    @Test
    void onlyStopWordsMatchNothingInsteadOfEverything() throws IOException {
        index.apply(List.of(en(post("p1", "u1", "the cat", Visibility.PUBLIC, 1, 0))));
        assertThat(ids(q("cat").build())).containsExactly("p1");
        assertThat(index.search(q("!!!").build()).hits()).isEmpty();
    }

    @Test
    void mutesHideOneWayBlocksHideBothWays() throws IOException {
        index.apply(List.of(
                en(post("a1", "ann", "weather report sunny", Visibility.PUBLIC, 1, 0)),
                en(post("b1", "ben", "weather report rainy", Visibility.PUBLIC, 1, 1)),
                new FollowChange(new FollowEdge("cat", "ann", T0, 1, false, FollowEdge.Relation.MUTE)),
                new FollowChange(new FollowEdge("ben", "dan", T0, 1, false, FollowEdge.Relation.BLOCK))));
        assertThat(ids(q("weather").viewer("cat").build())).containsExactly("b1");
        assertThat(ids(q("weather").viewer("ann").build())).containsExactlyInAnyOrder("a1", "b1");
        assertThat(ids(q("weather").viewer("dan").build()))
                .as("ben blocked dan: dan no longer sees ben")
                .containsExactly("a1");
        assertThat(index.get("b1", "dan")).isEmpty();
        assertThat(index.hiddenAuthors("ben")).containsExactly("dan");

        index.apply(List.of(new FollowChange(new FollowEdge("ben", "dan", T0, 2, true, FollowEdge.Relation.BLOCK))));
        assertThat(ids(q("weather").viewer("dan").build())).containsExactlyInAnyOrder("a1", "b1");
        assertThat(index.changes().viewerGeneration("dan"))
                .isEqualTo(index.changes().generation());
    }

    @Test
    void recentPostsPerAuthorAndPopularPublic() throws IOException {
        List<PostChange> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(en(new Post(
                    "x" + i,
                    i % 2 == 0 ? "even" : "odd",
                    "post " + i,
                    null,
                    T0.plusSeconds(i),
                    i == 9 ? Visibility.PRIVATE : Visibility.PUBLIC,
                    List.of(),
                    List.of(),
                    null,
                    i * 10L,
                    0,
                    i == 2 ? 100 : 0,
                    1,
                    false)));
        }
        index.apply(batch);
        var recent = index.recentPostsUnfiltered(List.of("even", "odd", "nobody"), 3);
        assertThat(recent.get("even")).extracting(p -> p.post().id()).containsExactly("x8", "x6", "x4");
        assertThat(recent.get("odd")).extracting(p -> p.post().id()).containsExactly("x9", "x7", "x5");
        assertThat(recent).doesNotContainKey("nobody");

        // engagement = likes + 2 reposts + 3 replies: x2 has 20 + 300; the private x9 never shows
        assertThat(index.popularPublic(List.of("en"), T0, 3))
                .extracting(p -> p.post().id())
                .containsExactly("x2", "x8", "x7");
        assertThat(index.popularPublic(List.of("de"), T0, 3)).isEmpty();
        assertThat(index.popularPublic(List.of("en"), T0.plusSeconds(8), 5))
                .extracting(p -> p.post().id())
                .containsExactly("x8");
    }

    @Test
    void generationsTellCachesWhatChanged() throws IOException {
        assertThat(index.changes().generation()).isZero();
        index.apply(List.of(
                en(post("g1", "gus", "first", Visibility.PUBLIC, 1, 0)),
                en(post("h1", "hal", "other", Visibility.PUBLIC, 1, 0))));
        long g1 = index.changes().generation();
        assertThat(index.changes().authorGeneration("gus")).isEqualTo(g1);
        assertThat(index.changes().changedSince(g1, List.of("g1", "h1"))).isFalse();

        index.apply(List.of(en(post("g1", "gus", "first", Visibility.PUBLIC, 1, 0)))); // stale: nothing changes
        assertThat(index.changes().generation()).isEqualTo(g1);

        index.apply(List.of(PostChange.delete("g1", 2))); // the delete carries no author: it comes from the stored post
        assertThat(index.changes().authorGeneration("gus")).isGreaterThan(g1);
        assertThat(index.changes().authorGeneration("hal")).isEqualTo(g1);
        assertThat(index.changes().changedSince(g1, List.of("g1"))).isTrue();
        assertThat(index.changes().changedSince(g1, List.of("h1"))).isFalse();
        assertThat(index.getVisible(List.of("g1", "h1", "zz"), null))
                .extracting(p -> p.post().id())
                .containsExactly("h1");
    }

    @Test
    void anEditThatChangesTheLanguageMovesThePostToItsNewGroup() throws IOException {
        index.apply(List.of(en(post("m1", "u1", "the river runs", Visibility.PUBLIC, 1, 0))));
        index.apply(List.of(PostChange.upsert(
                post("m1", "u1", "Der Fluss fließt durch die Stadt", Visibility.PUBLIC, 2, 0), "de", "de")));
        assertThat(ids(q("river").build())).isEmpty();
        assertThat(ids(q("Fluss").build())).containsExactly("m1");
        assertThat(ids(SearchQuery.builder().sort(SortOrder.RECENT).limit(10).build()))
                .containsExactly("m1");
        assertThat(index.stats().posts()).isEqualTo(1);
        // and a delete finds it in the group it moved to
        index.apply(List.of(PostChange.delete("m1", 3)));
        assertThat(ids(SearchQuery.builder().sort(SortOrder.RECENT).limit(10).build()))
                .isEmpty();
        assertThat(index.stats()).isEqualTo(new IndexStats(0, 1, 0));
    }

    @Test
    void reconciliationSeesLiveAndDeletedVersions() throws IOException {
        index.apply(List.of(
                en(post("r1", "u1", "alive", Visibility.PUBLIC, 7, 0)),
                PostChange.delete("r2", 4),
                new FollowChange(new FollowEdge("u1", "u2", T0, 1, false))));
        java.util.Map<String, String> seen = new java.util.TreeMap<>();
        index.forEachPostVersion((id, version, deleted) -> seen.put(id, version + (deleted ? " deleted" : "")));
        assertThat(seen).containsExactly(java.util.Map.entry("r1", "7"), java.util.Map.entry("r2", "4 deleted"));
        assertThat(index.stats()).isEqualTo(new IndexStats(1, 1, 1));
    }

    @Test
    void followEdgesAreVisitedWithTheirVersionsRelationsAndState() throws IOException {
        List<dev.feedsearch.core.model.IndexChange> changes = new ArrayList<>(List.of(
                new FollowChange(new FollowEdge("u1", "u2", T0, 3, false)),
                new FollowChange(new FollowEdge("u1", "u3", T0, 5, false, FollowEdge.Relation.MUTE)),
                new FollowChange(new FollowEdge("u2", "u1", T0, 2, false, FollowEdge.Relation.BLOCK)),
                new FollowChange(new FollowEdge("u3", "u1", T0, 4, true)),
                en(post("x1", "u1", "a post is not an edge", Visibility.PUBLIC, 1, 0))));
        // more edges than one page of the OpenSearch engine's scan (5,000)
        for (int i = 0; i < 5_050; i++) changes.add(new FollowChange(new FollowEdge("fan" + i, "star", T0, 1, false)));
        index.apply(changes);
        index.apply(List.of(new FollowChange(new FollowEdge("fan7", "star", T0, 2, true)))); // undone later

        java.util.Map<String, String> seen = new java.util.TreeMap<>();
        index.forEachFollowEdge(e -> {
            String was = seen.put(
                    e.followerId() + ">" + e.followeeId() + " " + e.relation().wire(),
                    e.version() + (e.deleted() ? " undone" : ""));
            assertThat(was).as("visited twice: " + e).isNull();
        });
        assertThat(seen)
                .hasSize(5_054)
                .containsEntry("u1>u2 follow", "3")
                .containsEntry("u1>u3 mute", "5")
                .containsEntry("u2>u1 block", "2")
                .containsEntry("u3>u1 follow", "4 undone")
                .containsEntry("fan7>star follow", "2 undone")
                .containsEntry("fan5049>star follow", "1");
    }

    @Test
    void multilingualTextIsFoundThroughItsOwnGroupsAnalysis() throws IOException {
        index.apply(List.of(
                PostChange.upsert(
                        post("ja1", "u1", "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。", Visibility.PUBLIC, 1, 0),
                        "ja",
                        "ja"),
                PostChange.upsert(
                        post(
                                "th1",
                                "u1",
                                "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักด์และสิทธิ",
                                Visibility.PUBLIC,
                                1,
                                1),
                        "th",
                        "th"),
                PostChange.upsert(post("ko1", "u1", "에어팟을 샀다", Visibility.PUBLIC, 1, 2), "ko", "ko"),
                PostChange.upsert(post("zh1", "u1", "熱力学第二定律", Visibility.PUBLIC, 1, 3), "zh", "zh"),
                PostChange.upsert(
                        post("de1", "u1", "Die Würde des Menschen ist unantastbar", Visibility.PUBLIC, 1, 4),
                        "de",
                        "de")));
        assertThat(ids(q("権利").build())).containsExactly("ja1");
        assertThat(ids(q("สิทธิ").build())).containsExactly("th1");
        assertThat(ids(q("에어팟").build())).containsExactly("ko1");
        assertThat(ids(q("熱").build()))
                .as("a CJK unigram must not match inside a word")
                .isEmpty();
        assertThat(ids(q("熱力学").build())).containsExactly("zh1");
        assertThat(ids(q("Würde").build())).containsExactly("de1");
    }
}
