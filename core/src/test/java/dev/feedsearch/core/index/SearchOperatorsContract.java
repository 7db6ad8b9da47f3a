package dev.feedsearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.ParsedQuery.Clause;
import dev.feedsearch.core.index.ParsedQuery.Phrase;
import dev.feedsearch.core.index.ParsedQuery.Words;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the operators of {@code q} (phrases, exclusions, OR, mentions, is:reply) mean on an engine: run on each
 * engine by a subclass, as {@link PostIndexContract} is. The queries are built as the HTTP layer's parser builds them.
 */
public abstract class SearchOperatorsContract {
    protected static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    protected PostIndex index;

    /** A new, empty index. */
    protected abstract PostIndex openEmpty() throws IOException;

    @BeforeEach
    void open() throws IOException {
        index = openEmpty();
    }

    @AfterEach
    void close() throws IOException {
        index.close();
    }

    private static Post post(String id, String text, int minute, List<String> mentions, String replyTo) {
        return new Post(
                id,
                "u1",
                text,
                null,
                T0.plusSeconds(60L * minute),
                Visibility.PUBLIC,
                List.of(),
                mentions,
                replyTo,
                0,
                0,
                0,
                1,
                false);
    }

    private void en(String id, String text) throws IOException {
        index.apply(List.of(PostChange.upsert(post(id, text, 0, List.of(), null), "en", "en")));
    }

    private List<String> ids(SearchQuery.Builder q) throws IOException {
        return index.search(q.limit(100).build()).hits().stream()
                .map(h -> h.post().post().id())
                .sorted()
                .toList();
    }

    /** A query written with operators: its positive text for ranking, its structure for matching. */
    private static SearchQuery.Builder q(ParsedQuery p) {
        return SearchQuery.builder().text(p.positiveText()).syntax(p);
    }

    private static ParsedQuery required(ParsedQuery.Unit... clauses) {
        List<Clause> cs = new ArrayList<>();
        for (ParsedQuery.Unit u : clauses) cs.add(Clause.of(u));
        return new ParsedQuery(cs, List.of());
    }

    private void write(String id, String author, Visibility vis, int minute, String replyTo) throws IOException {
        index.apply(List.of(PostChange.upsert(
                new Post(
                        id,
                        author,
                        "a note on rights number " + id,
                        null,
                        T0.plusSeconds(60L * minute),
                        vis,
                        List.of(),
                        List.of(),
                        replyTo,
                        0,
                        0,
                        0,
                        1,
                        false),
                "en",
                "en")));
    }

    @Test
    void toFindsRepliesToTheUsersPostsThatTheViewerMaySee() throws IOException {
        write("alice-1", "alice", Visibility.PUBLIC, 0, null);
        write("alice-2", "alice", Visibility.PRIVATE, 1, null);
        write("bob-1", "bob", Visibility.PUBLIC, 2, null);
        write("r-pub", "carol", Visibility.PUBLIC, 3, "alice-1"); // to alice's public post
        write("r-pri", "carol", Visibility.PUBLIC, 4, "alice-2"); // to alice's private post
        write("r-bob", "carol", Visibility.PUBLIC, 5, "bob-1"); // to bob
        write("plain", "carol", Visibility.PUBLIC, 6, null);
        // anyone: replies under alice's posts they may see; the reply under her private post would say it exists
        assertThat(ids(SearchQuery.builder().replyTo("alice").sort(SortOrder.RECENT)))
                .containsExactly("r-pub");
        assertThat(ids(SearchQuery.builder().replyTo("alice").viewer("dave").text("rights")))
                .containsExactly("r-pub");
        // alice sees replies to all her posts; combined with other filters by AND
        assertThat(ids(SearchQuery.builder().replyTo("alice").viewer("alice").sort(SortOrder.RECENT)))
                .containsExactly("r-pri", "r-pub");
        assertThat(ids(SearchQuery.builder()
                        .replyTo("alice")
                        .viewer("alice")
                        .author("bob")
                        .sort(SortOrder.RECENT)))
                .isEmpty();
        assertThat(ids(SearchQuery.builder().replyTo("bob").sort(SortOrder.RECENT)))
                .containsExactly("r-bob");
        // a user with no posts has no replies (an empty parent set matches nothing, not everything)
        assertThat(ids(SearchQuery.builder().replyTo("nobody").sort(SortOrder.RECENT)))
                .isEmpty();
        assertThat(index.count(SearchQuery.builder()
                                .replyTo("alice")
                                .viewer("alice")
                                .sort(SortOrder.RECENT)
                                .build())
                        .value())
                .isEqualTo(2);
    }

    @Test
    void aPhraseMatchesItsWordsInOrderOnly() throws IOException {
        en("a", "human rights matter to everyone");
        en("b", "the rights of every human");
        assertThat(ids(SearchQuery.builder().text("human rights"))).containsExactly("a", "b");
        assertThat(ids(q(required(new Phrase("human rights"))))).containsExactly("a");
        // stemmed like the words are: "rights matters" is the analysed "right matter"
        assertThat(ids(q(required(new Phrase("right matters"))))).containsExactly("a");
        assertThat(ids(q(required(new Phrase("rights human"))))).isEmpty();
        assertThat(ids(q(required(new Words("everyone"), new Phrase("human rights")))))
                .containsExactly("a");
    }

    @Test
    void aJapanesePhraseIsMatchedByJapaneseSegmentationNotScatteredCharacters() throws IOException {
        index.apply(List.of(
                PostChange.upsert(post("together", "労働組合が賃上げを求めた", 0, List.of(), null), "ja", "ja"),
                PostChange.upsert(post("scattered", "組合の労働時間が長い", 1, List.of(), null), "ja", "ja")));
        assertThat(ids(q(required(new Phrase("労働組合"))))).containsExactly("together");
    }

    @Test
    void exclusionsRemoveWordsAndPhrases() throws IOException {
        en("a", "human rights matter");
        en("b", "human rights abuse");
        en("c", "rights of the human abuse victims");
        ParsedQuery noAbuse = new ParsedQuery(List.of(Clause.of(new Words("rights"))), List.of(new Words("abuses")));
        assertThat(ids(q(noAbuse))).containsExactly("a");
        ParsedQuery noPhrase =
                new ParsedQuery(List.of(Clause.of(new Words("rights"))), List.of(new Phrase("human abuse")));
        assertThat(ids(q(noPhrase))).containsExactly("a", "b");
        // exclusions alone narrow a filtered listing
        ParsedQuery onlyOut = new ParsedQuery(List.of(), List.of(new Words("matter")));
        assertThat(ids(SearchQuery.builder()
                        .syntax(onlyOut)
                        .sort(SortOrder.RECENT)
                        .author("u1")))
                .containsExactly("b", "c");
    }

    @Test
    void orMatchesAnyAlternativeAndAndsWithTheRest() throws IOException {
        en("cats", "cats sleep all day");
        en("dogs", "dogs sleep at night");
        en("birds", "birds sing at dawn");
        ParsedQuery either = new ParsedQuery(
                List.of(new Clause(List.of(new Words("cat"), new Phrase("dogs sleep"))), Clause.of(new Words("sleep"))),
                List.of());
        assertThat(ids(q(either))).containsExactly("cats", "dogs");
        ParsedQuery orSing =
                new ParsedQuery(List.of(new Clause(List.of(new Words("cats"), new Words("sing")))), List.of());
        assertThat(ids(q(orSing))).containsExactly("birds", "cats");
    }

    @Test
    void mentionsAndReplyFilters() throws IOException {
        index.apply(List.of(
                PostChange.upsert(post("to-bob", "hello there", 0, List.of("bob"), null), "en", "en"),
                PostChange.upsert(post("to-both", "hello all", 1, List.of("bob", "carol"), "p0"), "en", "en"),
                PostChange.upsert(post("plain", "hello world", 2, List.of(), null), "en", "en")));
        SearchQuery.Builder hello = SearchQuery.builder().text("hello");
        assertThat(ids(hello.mentions(Set.of("bob")))).containsExactly("to-bob", "to-both");
        assertThat(ids(SearchQuery.builder().text("hello").mentions(Set.of("bob", "carol"))))
                .containsExactly("to-both");
        assertThat(ids(SearchQuery.builder().text("hello").reply(true))).containsExactly("to-both");
        assertThat(ids(SearchQuery.builder().text("hello").reply(false))).containsExactly("plain", "to-bob");
        assertThat(ids(SearchQuery.builder().sort(SortOrder.RECENT).mentions(Set.of("carol"))))
                .containsExactly("to-both");
    }

    @Test
    void aQueryPastTheClauseBoundIsCutNotRefused() throws IOException {
        // 31 long phrases, a long OR group and a long exclusion: far past Lucene's clause limit if each were matched
        // whole in every field. The first phrase, cut to the bound, stays required; what does not fit is dropped
        String longPhrase =
                "one two three four five six seven eight nine ten ".repeat(4).strip();
        en("a", longPhrase);
        en("b", "one two three");
        List<Clause> clauses = new ArrayList<>();
        for (int i = 0; i < 31; i++) clauses.add(Clause.of(new Phrase(longPhrase)));
        clauses.add(new Clause(List.of(new Words(longPhrase), new Words(longPhrase + " eleven"))));
        ParsedQuery huge = new ParsedQuery(clauses, List.of(new Phrase(longPhrase + " never")));
        assertThat(ids(q(huge))).containsExactly("a");
    }

    @Test
    void countsWhatTheViewerMaySeeExactlyUpToTenThousand() throws IOException {
        List<PostChange> batch = new ArrayList<>();
        for (int i = 0; i < HitTotal.LIMIT; i++) {
            batch.add(PostChange.upsert(post("p" + i, "many posts alike", i % 500, List.of(), null), "en", "en"));
            if (batch.size() == 2_000) {
                index.apply(batch);
                batch.clear();
            }
        }
        Post secret = new Post(
                "secret",
                "u2",
                "many secrets",
                null,
                T0,
                Visibility.PRIVATE,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false);
        index.apply(List.of(PostChange.upsert(secret, "en", "en")));
        SearchQuery many = SearchQuery.builder().text("many").limit(5).build();
        assertThat(index.count(many)).isEqualTo(new HitTotal(HitTotal.LIMIT, false));
        assertThat(index.count(many.toBuilder().viewer("u2").build())).isEqualTo(new HitTotal(HitTotal.LIMIT, true));
        assertThat(index.count(many.toBuilder().viewer("u2").build()).relation())
                .isEqualTo("gte");
        assertThat(index.count(SearchQuery.builder().text("secrets").build())).isEqualTo(new HitTotal(0, false));
        assertThat(index.count(
                        SearchQuery.builder().text("secrets").viewer("u2").build()))
                .isEqualTo(new HitTotal(1, false));
        // filters and exclusions count as they match; a cursor does not change the total
        ParsedQuery notAlike = new ParsedQuery(List.of(Clause.of(new Words("many"))), List.of(new Words("alike")));
        assertThat(index.count(q(notAlike).viewer("u2").build())).isEqualTo(new HitTotal(1, false));
        SearchQuery firstMinutes = SearchQuery.builder()
                .sort(SortOrder.RECENT)
                .until(T0.plusSeconds(60L * 9))
                .limit(3)
                .build();
        SearchPage page = index.search(firstMinutes);
        assertThat(index.count(firstMinutes)).isEqualTo(new HitTotal(200, false)); // minutes 0..9, 20 posts each
        assertThat(index.count(firstMinutes.toBuilder()
                        .after(page.next().orElseThrow())
                        .build()))
                .isEqualTo(new HitTotal(200, false));
    }
}
