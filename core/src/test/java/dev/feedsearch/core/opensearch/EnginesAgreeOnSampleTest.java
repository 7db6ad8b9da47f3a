package dev.feedsearch.core.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.ParsedQuery.Clause;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchHit;
import dev.feedsearch.core.index.SearchPage;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.FollowChange;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential conformance on real data: the committed multilingual sample (3,000 posts in 38 languages and
 * their follow edges) loaded into both engines, then the same queries, viewers and cursors on each. Hits,
 * their order and every page boundary must be identical: with one shard per group both engines score with
 * the same Lucene 10.5 BM25 over the same per-group statistics, so relevance order is defined too.
 */
class EnginesAgreeOnSampleTest {
    static PostIndex embedded, opensearch;
    static Path dir;
    static int posts;

    @BeforeAll
    static void load() throws Exception {
        Mappings m = Mappings.load();
        String url = OpenSearchTestNode.url();
        OpenSearchFixtures.wipe(url);
        dir = Files.createTempDirectory("engines-agree");
        embedded = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(m));
        opensearch = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url).replicas(0).build(), m, OpenSearchPostIndex.RejectedWrites.FAIL);
        ScriptFirstDetector detector = new ScriptFirstDetector();
        List<IndexChange> changes = new ArrayList<>();
        Path sample = Path.of(System.getProperty("feedsearch.root", "..")).resolve("sample/posts.jsonl");
        for (String line : Files.readAllLines(sample)) {
            JsonNode n = PostJson.MAPPER.readTree(line);
            if (PostJson.kindOf(n) == PostJson.Kind.FOLLOW) {
                changes.add(new FollowChange(PostJson.decodeFollow(n)));
            } else {
                Post p = PostJson.decodePost(n);
                String lang = detector.detect(p.text(), p.lang());
                changes.add(PostChange.upsert(p, lang, m.groupForLanguage(lang).name()));
                posts++;
            }
        }
        for (int i = 0; i < changes.size(); i += 500) {
            List<IndexChange> batch = changes.subList(i, Math.min(changes.size(), i + 500));
            embedded.apply(batch);
            opensearch.apply(batch);
        }
    }

    @AfterAll
    static void close() throws IOException {
        if (embedded != null) embedded.close();
        if (opensearch != null) opensearch.close();
    }

    static Stream<SearchQuery> queries() {
        List<SearchQuery> qs = new ArrayList<>();
        String[] texts = {
            "人権",
            "自由",
            "สิทธิ",
            "Menschenrechte",
            "Würde",
            "droits de l'homme",
            "freedom",
            "education",
            "право",
            "권리",
            "حقوق",
            "अधिकार",
            "libertad",
            "family"
        };
        for (String t : texts) {
            for (SortOrder sort : SortOrder.values()) {
                qs.add(SearchQuery.builder().text(t).sort(sort).limit(7).build());
                qs.add(SearchQuery.builder()
                        .text(t)
                        .sort(sort)
                        .limit(7)
                        .viewer("u7")
                        .build());
            }
        }
        // the query-language bonus and hashtag filters (MatchBoosts): the same tiers on both engines
        qs.add(SearchQuery.builder()
                .text("rights")
                .queryGroups(List.of("en"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .text("freedom")
                .queryGroups(List.of("en"))
                .viewer("u7")
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .text("自由")
                .queryGroups(List.of("zh"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .text("libertad")
                .queryGroups(List.of("es", "pt", "it"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder().tag("rights").limit(9).build());
        // past 32 words (QueryTextCap): both engines read the same first words, and match the same posts
        String article1 =
                "All human beings are born free and equal in dignity and rights. They are endowed with reason and "
                        + "conscience and should act towards one another in a spirit of brotherhood. Everyone";
        qs.add(SearchQuery.builder()
                .text(article1 + " " + article1)
                .queryGroups(List.of("en"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .text("すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられて")
                .queryGroups(List.of("ja"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder().text("dignity").tag("#Equality").limit(9).build());
        // operators of q (ParsedQuery as the HTTP parser builds it), mentions and replies
        qs.add(operators(new ParsedQuery(List.of(Clause.of(new ParsedQuery.Phrase("human rights"))), List.of()))
                .build());
        qs.add(operators(new ParsedQuery(
                        List.of(Clause.of(new ParsedQuery.Words("rights"))), List.of(new ParsedQuery.Words("human"))))
                .build());
        qs.add(operators(new ParsedQuery(
                        List.of(new Clause(List.of(new ParsedQuery.Words("freedom"), new ParsedQuery.Phrase("人権")))),
                        List.of(new ParsedQuery.Phrase("everyone has"))))
                .viewer("u7")
                .build());
        qs.add(SearchQuery.builder().text("freedom").reply(true).limit(9).build());
        qs.add(SearchQuery.builder()
                .text("rights")
                .reply(false)
                .mentions(List.of("u84"))
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .sort(SortOrder.RECENT)
                .mentions(List.of("u90"))
                .limit(9)
                .build());
        qs.add(operators(new ParsedQuery(List.of(), List.of(new ParsedQuery.Words("rights"))))
                .text(null)
                .sort(SortOrder.RECENT)
                .lang("en")
                .build());
        qs.add(SearchQuery.builder().sort(SortOrder.RECENT).lang("ja").limit(9).build());
        qs.add(SearchQuery.builder()
                .sort(SortOrder.RECENT)
                .author("u3")
                .viewer("u3")
                .limit(9)
                .build());
        qs.add(SearchQuery.builder()
                .sort(SortOrder.RECENT)
                .since(Instant.parse("2026-09-10T00:00:00Z"))
                .until(Instant.parse("2026-09-20T00:00:00Z"))
                .viewer("u12")
                .limit(25)
                .build());
        return qs.stream();
    }

    private static SearchQuery.Builder operators(ParsedQuery p) {
        return SearchQuery.builder().text(p.positiveText()).syntax(p).limit(9);
    }

    @ParameterizedTest
    @MethodSource("queries")
    void samePagesInTheSameOrder(SearchQuery q) throws IOException {
        List<String> a = walk(embedded, q), b = walk(opensearch, q);
        assertThat(b).as("opensearch vs embedded for %s", q).containsExactlyElementsOf(a);
        assertThat(a).as("a query that finds nothing proves nothing: %s", q).isNotEmpty();
    }

    @org.junit.jupiter.api.Test
    void sameProseMatchBounds() throws IOException {
        for (String t :
                List.of("freedom", "rights", "Würde", "information", "libertad", "право", "human rights", "自由")) {
            assertThat(opensearch.proseMatchBounds(t))
                    .as(t)
                    .isEqualTo(embedded.proseMatchBounds(t))
                    .isNotEmpty();
        }
    }

    /** Every page, with its boundary, until the cursor runs out: "id" per hit, "|" between pages. */
    static List<String> walk(PostIndex index, SearchQuery q) throws IOException {
        List<String> out = new ArrayList<>();
        SortKey after = null;
        for (int page = 0; page < 50; page++) {
            SearchPage p = index.search(q.toBuilder().after(after).build());
            for (SearchHit h : p.hits()) out.add(h.post().post().id());
            out.add("|");
            after = p.next().orElse(null);
            if (after == null) break;
        }
        return out;
    }
}
