package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operators of {@code q} over real HTTP, on both engines: the same few posts in an embedded index and on the
 * real OpenSearch node, each behind its own server, and every request answered alike by both.
 */
class SearchOperatorsHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");
    private static final List<PostIndex> indices = new ArrayList<>();
    private static final List<FeedsearchServer> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Mappings mappings = Mappings.load();
        ChangeFactory changes = new ChangeFactory(new ScriptFirstDetector(), mappings);
        List<PostChange> posts = new ArrayList<>();
        posts.add(changes.fromPost(
                post("phrase", "alice", "Human rights matter to every one of us", 0, List.of(), null)));
        posts.add(changes.fromPost(
                post("scattered", "bob", "The rights of every human being are equal", 1, List.of("alice"), null)));
        posts.add(changes.fromPost(
                post("abuse", "alice", "Human rights abuse must end everywhere", 2, List.of("bob"), "phrase")));
        posts.add(changes.fromPost(post("cats", "carol", "Cats sleep most of the day in the sun", 3, List.of(), null)));
        posts.add(changes.fromPost(
                post("dogs", "carol", "Dogs sleep at night after long walks #pets", 4, List.of(), null)));
        posts.add(changes.fromPost(
                post("clock", "carol", "The meeting starts at 10:30 tomorrow morning", 5, List.of(), null)));
        posts.add(changes.fromPost(
                post("de", "dave", "Die Würde des Menschen ist unantastbar und zu schützen", 6, List.of(), null)));
        posts.add(changes.fromPost(post("union", "erin", "労働組合が賃上げを求めて交渉を続けた", 7, List.of(), null)));
        posts.add(changes.fromPost(post("apart", "erin", "組合の会議で労働時間の短縮が話し合われた", 8, List.of(), null)));
        posts.add(changes.fromPost(new Post(
                "private",
                "alice",
                "Human rights private note",
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
                false)));
        posts.add(changes.fromPost(post(
                "later", "alice", "Human rights day is celebrated in December", 60 * 24 * 3, List.of(), "scattered")));

        Set<String> langs = new HashSet<>(mappings.supportedLanguages());
        langs.add("und");
        EmbeddedPostIndex embedded = EmbeddedPostIndex.open(
                Files.createTempDirectory("operators-").resolve("index"), GroupAnalyzers.build(mappings));
        String url = OpenSearchTestNode.url();
        for (String path : new String[] {"/posts-*,feedsearch-*?expand_wildcards=all", "/_index_template/posts-*"}) {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        OpenSearchPostIndex opensearch = OpenSearchPostIndex.open(
                OpenSearchConfig.builder(url)
                        .replicas(0)
                        .refresh(OpenSearchConfig.Refresh.TRUE)
                        .build(),
                mappings,
                OpenSearchPostIndex.RejectedWrites.FAIL);
        for (PostIndex index : List.of(embedded, opensearch)) {
            index.apply(posts);
            indices.add(index);
            servers.add(FeedsearchServer.builder()
                    .index(index)
                    .languages(langs)
                    .port(0)
                    .build()
                    .start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (FeedsearchServer s : servers) s.close();
        for (PostIndex i : indices) i.close();
    }

    private static Post post(
            String id, String author, String text, int minutes, List<String> mentions, String replyTo) {
        return new Post(
                id,
                author,
                text,
                null,
                T0.plusSeconds(60L * minutes),
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

    record Resp(int status, JsonNode json) {}

    private static Resp get(FeedsearchServer s, String query) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/search?" + query))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), PostJson.MAPPER.readTree(r.body()));
    }

    /** The ids each engine's server answers {@code q} with (sorted), checked to be the same on both. */
    private static List<String> ids(String q, String more) throws Exception {
        List<List<String>> answers = new ArrayList<>();
        for (FeedsearchServer s : servers) {
            Resp r = get(s, "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=100" + more);
            assertThat(r.status()).as("%s: %s", q, r.json()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            r.json().get("hits").forEach(h -> ids.add(h.get("id").asText()));
            answers.add(ids.stream().sorted().toList());
        }
        assertThat(answers.get(1)).as("opensearch vs embedded for %s", q).isEqualTo(answers.get(0));
        return answers.get(0);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '→',
            quoteCharacter = '`',
            value = {
                "human rights                       → abuse later phrase scattered",
                "`\"human rights\"`                 → abuse later phrase",
                "`\"human rights matter\"`          → phrase",
                "“rights of every human”            → scattered",
                "„Würde des Menschen“               → de",
                "« rights abuse »                   → abuse",
                "「労働組合」                         → union",
                "労働組合                            → apart union",
                "human rights -abuse                → later phrase scattered",
                "`rights -\"rights matter\"`        → abuse later scattered",
                "cats OR dogs                       → cats dogs",
                "`sleep \"at night\" OR sun`        → cats dogs",
                "from:alice rights                  → abuse later phrase",
                "@alice                             → scattered",
                "@bob human                         → abuse",
                "#pets                              → dogs",
                "lang:de menschen                   → de",
                "lang:en menschen                   → ``",
                "until:2026-10-02 rights            → abuse phrase scattered",
                "since:2026-10-02 rights            → later",
                "is:reply rights                    → abuse later",
                "to:alice                           → abuse",
                "to:@bob rights                     → later",
                "to:carol rights                    → ``",
                "-is:reply rights                   → phrase scattered",
                "10:30                              → clock",
                "from:carol -sleep                  → clock",
            })
    void operatorsMeanTheSameOnBothEngines(String q, String expected) throws Exception {
        List<String> want = expected == null || expected.isBlank()
                ? List.of()
                : List.of(expected.strip().split(" "));
        assertThat(ids(q.strip(), "")).containsExactlyElementsOf(want);
    }

    @Test
    void filtersInQAndParametersCombineByAnd() throws Exception {
        assertThat(ids("rights", "&author=alice")).containsExactly("abuse", "later", "phrase");
        assertThat(ids("from:alice rights", "&author=alice")).containsExactly("abuse", "later", "phrase");
        assertThat(ids("is:reply rights", "&author=alice&since=2026-10-02")).containsExactly("later");
        assertThat(ids("#pets", "&tag=pets")).containsExactly("dogs");
    }

    @Test
    void countIsTheSameOnBothEnginesAndCountsOnlyWhatTheViewerMaySee() throws Exception {
        for (String query :
                List.of("q=rights", "q=rights&sort=recent", "q=%22human%20rights%22%20-abuse", "q=from:alice")) {
            for (String viewer : List.of("", "&viewer=alice")) {
                List<Long> totals = new ArrayList<>();
                for (FeedsearchServer s : servers) {
                    Resp all = get(s, query + viewer + "&limit=100");
                    Resp r = get(s, query + viewer + "&count=true&limit=1"); // the total is the query's, not the page's
                    assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
                    assertThat(r.json().get("total_relation").asText()).isEqualTo("eq");
                    assertThat(r.json().get("total").asLong())
                            .as(query + viewer)
                            .isEqualTo(all.json().get("hits").size());
                    totals.add(r.json().get("total").asLong());
                }
                assertThat(totals.get(1)).isEqualTo(totals.get(0));
            }
        }
        assertThat(get(servers.get(0), "q=rights&count=true")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(4);
        assertThat(get(servers.get(0), "q=rights&count=true&viewer=alice")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(5);
        assertThat(get(servers.get(0), "q=rights").json().has("total")).isFalse();
        assertThat(get(servers.get(0), "q=rights&count=yes").status()).isEqualTo(400);
    }

    /** Each hit's highlights cut from its text, as String.substring cuts them, per hit id; the same on both engines. */
    private static java.util.Map<String, List<String>> highlighted(String query) throws Exception {
        List<java.util.Map<String, List<String>>> answers = new ArrayList<>();
        for (FeedsearchServer s : servers) {
            Resp r = get(s, query);
            assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
            java.util.Map<String, List<String>> byId = new java.util.TreeMap<>();
            for (JsonNode h : r.json().get("hits")) {
                String text = h.get("text").asText();
                List<String> cut = new ArrayList<>();
                h.get("highlights")
                        .forEach(span -> cut.add(
                                text.substring(span.get(0).asInt(), span.get(1).asInt())));
                byId.put(h.get("id").asText(), cut);
            }
            answers.add(byId);
        }
        assertThat(answers.get(1)).as("opensearch vs embedded for %s", query).isEqualTo(answers.get(0));
        return answers.get(0);
    }

    @Test
    void hitsCarryHighlightsOfWhatMatchedUnlessTurnedOff() throws Exception {
        assertThat(highlighted("q=%22human%20rights%22%20-abuse"))
                .isEqualTo(java.util.Map.of("phrase", List.of("Human rights"), "later", List.of("Human rights")));
        assertThat(highlighted("q=" + URLEncoder.encode("「労働組合」", StandardCharsets.UTF_8)))
                .isEqualTo(java.util.Map.of("union", List.of("労働組合")));
        assertThat(highlighted("q=walks&sort=recent")).isEqualTo(java.util.Map.of("dogs", List.of("walks")));
        assertThat(highlighted("q=from:carol&sort=recent").values())
                .allSatisfy(spans -> assertThat(spans).isEmpty());
        for (FeedsearchServer s : servers) {
            Resp off = get(s, "q=rights&highlight=false");
            assertThat(off.json().get("hits"))
                    .allSatisfy(h -> assertThat(h.get("highlights").isNull()).isTrue());
            assertThat(get(s, "q=rights&highlight=maybe")
                            .json()
                            .at("/error/field")
                            .asText())
                    .isEqualTo("highlight");
        }
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource(
            delimiter = '→',
            value = {
                "q=-rights                                   → q",
                "q=-rights%20-%22human%20abuse%22            → q",
                "q=%22%22                                    → q",
                "q=%E2%80%9C%E2%80%9D                        → q",
                "q=to:alice%20to:bob%20rights                → q",
                "q=is:quote                                  → q",
                "q=lang:xx%20rights                          → q",
                "q=since:yesterday%20rights                  → q",
                "q=from:alice%20rights&author=bob            → author",
                "q=lang:de%20rights&lang=fr                  → lang",
                "q=since:2026-10-02%20rights&since=2026-10-03 → since",
                "q=until:2026-10-02%20rights&until=2026-10-03 → until",
                "q=since:2026-10-03%20until:2026-10-02%20x   → since",
            })
    void refusalsNameTheirField(String query, String field) throws Exception {
        for (FeedsearchServer s : servers) {
            Resp r = get(s, query.strip());
            assertThat(r.status()).as("%s: %s", query, r.json()).isEqualTo(400);
            assertThat(r.json().at("/error/code").asText()).isEqualTo("invalid_parameter");
            assertThat(r.json().at("/error/field").asText()).isEqualTo(field.strip());
            assertThat(r.json().at("/error/message").asText()).isNotBlank();
        }
    }

    /** Seeded random Unicode with the grammar's characters over-represented: a 200 or a 400, never a 5xx. */
    @Test
    void randomQueriesNeverFailTheServer() throws Exception {
        Random random = new Random(1919);
        String[] pieces = {
            "\"",
            "“",
            "”",
            "„",
            "«",
            "»",
            "「",
            "」",
            "-",
            " OR ",
            " ",
            ":",
            "from:",
            "is:reply",
            "@",
            "#",
            "\\",
            "lang:",
            "since:",
            "until:",
            "😀",
            "労働",
            "é",
            "\u3000",
            "human",
            "-is:reply"
        };
        for (int i = 0; i < 150; i++) {
            StringBuilder q = new StringBuilder();
            int n = 1 + random.nextInt(10);
            for (int j = 0; j < n; j++) {
                if (random.nextInt(3) > 0) q.append(pieces[random.nextInt(pieces.length)]);
                else q.appendCodePoint(random.nextInt(0x2FFFF));
            }
            String encoded = URLEncoder.encode(q.toString(), StandardCharsets.UTF_8);
            for (FeedsearchServer s : servers) {
                Resp r = get(s, "q=" + encoded);
                assertThat(r.status()).as("%s: %s", q, r.json()).isIn(200, 400);
            }
        }
    }
}
