package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.mappings.IndexTemplates;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.testkit.OpenSearchTestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analysis parity: every language group's analyzers, built by the embedded engine from the group's OpenSearch
 * JSON ({@link AnalysisTranslator}), produce the same tokens as a real OpenSearch 3.8.0 node given the same JSON.
 *
 * <p>For each group an index {@code parity-<group>} is created on the test node from
 * {@code IndexTemplates.forGroup(group, 1, 0)} (exactly what the OpenSearch engine sends), and for every text
 * field of every group, a multilingual text set goes through {@code POST parity-<group>/_analyze} and through
 * the embedded analyzer of the same field. Compared per token: term, position increment, position length,
 * start and end offsets, and type. Every group analyses every text, since a query is analysed by all groups.
 * The texts: the first {@value #PER_LANGUAGE} posts of each language of the committed sample (languages from
 * {@code sample/truth.tsv}), and known traps (パン バン ハン, 熱力学, 에어팟을 샀다, Menschenwürde, Thai, …).
 *
 * <p><b>Compared against a stand-in, not the official plugin:</b> the groups whose analysis uses
 * {@code analysis-icu}, which is not published anywhere this project can reach, run on the test node through a
 * test-only stand-in plugin over the same Lucene ICU classes (opensearch-testkit): {@code he} (icu_folding),
 * {@code ja} (icu_normalizer char filter), {@code other} (icu_tokenizer, icu_normalizer), {@code th}
 * (icu_tokenizer), {@code vi} (icu_normalizer and icu_folding filters). For those, the comparison checks our
 * translation of the JSON against the stand-in's reading of it, not against the official plugin's code.
 * kuromoji, nori and smartcn are the real OpenSearch plugins.
 *
 * <p>{@link #EXPECTED_DIFFERENCES} lists known differences with their reason; it is empty: there are none.
 */
class AnalysisParityTest {

    /** Groups analysed through the ICU stand-in on the test node (see the class comment). */
    static final Set<String> STAND_IN_GROUPS = Set.of("he", "ja", "other", "th", "vi", "zh");

    /**
     * Known differences: {@code "<lucene field>"} → reason, for a whole field. Empty: the embedded analyzers
     * match OpenSearch on every text.
     */
    static final Map<String, String> EXPECTED_DIFFERENCES = Map.of();

    static final int PER_LANGUAGE = 3;

    /** Texts that broke analysis somewhere before (see ARCHITECTURE.md "Known traps") and other edge cases. */
    static final List<String> TRAPS = List.of(
            "パン バン ハン",
            "熱力学",
            "에어팟을 샀다",
            "Menschenwürde",
            "ภาษาไทยง่ายนิดเดียว สวัสดีครับ ๑๒๓",
            "東京都に住んでいます。京都にも行きました。",
            "今日は東京で人権について考えた。",
            "ｶﾀｶﾅ Ｔｏｋｙｏ ２０２４ ＡＩ",
            "l'homme qu'il aime, jusqu'à l'Élysée",
            "İstanbul'da IĞDIR ılık",
            "Tiếng Việt Tie\u0302\u0301ng Vie\u0323\u0302t",
            "ﬁancé Straße STRASSE Ærøskøbing",
            "العربيّة ٣٤٥ كتـــاب",
            "می‌خواهم کتاب‌ها",
            "שָׁלוֹם עולם",
            "हिन्दी में १२३ लिखा",
            "বাংলা ভাষা ১২৩",
            "Ελληνικά ΆΈΉ Σίσυφος",
            "🎉 #tokyo @u7 O'Neil's 3.14 1,000 https://example.com/a?b=c",
            "中华人民共和国 人权 宣言 ABC");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static String url;
    private static Mappings mappings;
    private static GroupAnalyzers analyzers;
    private static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void indices() throws IOException {
        url = OpenSearchTestNode.url();
        mappings = Mappings.load();
        analyzers = GroupAnalyzers.build(mappings);
        long t0 = System.nanoTime();
        List<String> names =
                mappings.groups().stream().map(g -> "parity-" + g.name()).toList();
        send("DELETE", "/" + String.join(",", names) + "?ignore_unavailable=true", null, true);
        // created concurrently: the cluster manager batches the index creations
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (LanguageGroup g : mappings.groups()) {
            JsonNode template = IndexTemplates.forGroup(g, 1, 0).path("template");
            ObjectNode body = JSON.createObjectNode();
            body.set("settings", template.path("settings"));
            body.set("mappings", template.path("mappings"));
            puts.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(url + "/parity-" + g.name()))
                            .timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            created.add("parity-" + g.name());
        }
        for (int i = 0; i < puts.size(); i++) {
            HttpResponse<String> r = puts.get(i).join();
            assertThat(r.statusCode())
                    .as("PUT %s -> %s", names.get(i), r.body())
                    .isEqualTo(200);
        }
        System.err.printf(
                "AnalysisParityTest: %d parity indices created in %d ms%n",
                created.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (!created.isEmpty()) {
            send("DELETE", "/" + String.join(",", created) + "?ignore_unavailable=true", null, true);
        }
        if (analyzers != null) {
            analyzers.close();
        }
    }

    @Test
    void theGroupsUsingTheIcuStandInAreTheOnesTheClassCommentNames() {
        Set<String> icu = mappings.groups().stream()
                .filter(g -> g.plugins().contains("analysis-icu"))
                .map(LanguageGroup::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(icu).as("update the class comment and STAND_IN_GROUPS").isEqualTo(new TreeSet<>(STAND_IN_GROUPS));
    }

    @Test
    void everyGroupAnalysesEveryTextLikeOpenSearch() throws IOException {
        List<String> texts = texts();
        long t0 = System.nanoTime();
        Map<String, List<String>> differences = new TreeMap<>();
        int compared = 0;
        int tokens = 0;
        for (LanguageGroup g : mappings.groups()) {
            for (Map.Entry<String, String> f : g.fields().entrySet()) {
                String field = GroupAnalyzers.luceneField(g.name(), f.getKey());
                Analyzer embedded = analyzers.analyzer(field);
                for (String text : texts) {
                    List<Token> ours = embedded(embedded, field, text);
                    List<Token> theirs = openSearch("parity-" + g.name(), f.getValue(), text);
                    compared++;
                    tokens += theirs.size();
                    if (!ours.equals(theirs)) {
                        differences
                                .computeIfAbsent(field, k -> new ArrayList<>())
                                .add("text [" + text + "]\n    embedded:   " + ours + "\n    opensearch: " + theirs);
                    }
                }
            }
        }
        System.err.printf(
                "AnalysisParityTest: %d field/text pairs (%d texts, %d OpenSearch tokens) compared in %d ms; "
                        + "fields differing: %s%n",
                compared, texts.size(), tokens, (System.nanoTime() - t0) / 1_000_000, differences.keySet());

        Map<String, List<String>> unexpected = new TreeMap<>(differences);
        unexpected.keySet().removeAll(EXPECTED_DIFFERENCES.keySet());
        assertThat(unexpected)
                .as("analysis differs between the embedded engine and OpenSearch:\n%s", describe(unexpected))
                .isEmpty();
        Set<String> stale = new TreeSet<>(EXPECTED_DIFFERENCES.keySet());
        stale.removeAll(differences.keySet());
        assertThat(stale)
                .as("EXPECTED_DIFFERENCES lists fields that no longer differ")
                .isEmpty();
        assertThat(compared).isGreaterThan(1000);
    }

    private static String describe(Map<String, List<String>> diffs) {
        StringBuilder s = new StringBuilder();
        diffs.forEach((field, list) -> {
            s.append(field).append(": ").append(list.size()).append(" texts differ\n");
            list.stream().limit(3).forEach(d -> s.append("  ").append(d).append('\n'));
        });
        return s.toString();
    }

    /** One token as both sides report it. */
    record Token(String term, int positionIncrement, int positionLength, int start, int end, String type) {
        @Override
        public String toString() {
            return term + "(+" + positionIncrement + (positionLength == 1 ? "" : " len " + positionLength) + " " + start
                    + "-" + end + " " + type + ")";
        }
    }

    private static List<Token> embedded(Analyzer analyzer, String field, String text) throws IOException {
        List<Token> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            TypeAttribute type = ts.addAttribute(TypeAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(new Token(
                        term.toString(),
                        inc.getPositionIncrement(),
                        len.getPositionLength(),
                        offset.startOffset(),
                        offset.endOffset(),
                        type.type()));
            }
            ts.end();
        }
        return out;
    }

    /** _analyze reports absolute positions; turned into increments as Lucene reports them. */
    private static List<Token> openSearch(String index, String analyzer, String text) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("analyzer", analyzer).put("text", text);
        JsonNode r = send("POST", "/" + index + "/_analyze", body.toString(), false);
        List<Token> out = new ArrayList<>();
        int last = -1;
        for (JsonNode t : r.path("tokens")) {
            int position = t.path("position").asInt();
            out.add(new Token(
                    t.path("token").asText(),
                    position - last,
                    t.path("positionLength").asInt(1),
                    t.path("start_offset").asInt(),
                    t.path("end_offset").asInt(),
                    t.path("type").asText()));
            last = position;
        }
        return out;
    }

    /** The first posts of every language of the sample (by the sample's truth), then the traps. */
    static List<String> texts() throws IOException {
        Path root = Path.of(System.getProperty("feedsearch.root", "..")).toAbsolutePath();
        Map<String, String> truth = new HashMap<>();
        for (String line : Files.readAllLines(root.resolve("sample/truth.tsv"))) {
            String[] cols = line.split("\t");
            if (cols.length == 2) {
                truth.put(cols[0], cols[1]);
            }
        }
        assertThat(truth).as("sample/truth.tsv under %s", root).isNotEmpty();
        Map<String, List<String>> byLanguage = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve("sample/posts.jsonl"))) {
            JsonNode p = JSON.readTree(line);
            String lang = truth.get(p.path("id").asText());
            if (lang == null || !p.hasNonNull("text")) {
                continue;
            }
            List<String> l = byLanguage.computeIfAbsent(lang, k -> new ArrayList<>());
            if (l.size() < PER_LANGUAGE) {
                l.add(p.path("text").asText());
            }
        }
        assertThat(byLanguage.keySet())
                .as("languages of the sample")
                .contains("en", "ja", "ko", "zh", "th", "de", "und");
        Set<String> texts = new LinkedHashSet<>();
        byLanguage.values().forEach(texts::addAll);
        texts.addAll(TRAPS);
        return List.copyOf(texts);
    }

    private static JsonNode send(String method, String path, String json, boolean allow404) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (allow404 && r.statusCode() == 404) {
                return JSON.createObjectNode();
            }
            assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isBetween(200, 299);
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
