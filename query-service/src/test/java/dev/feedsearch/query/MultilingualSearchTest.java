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
 * Language-aware search end to end: each text goes through real detection and its group's analyzer
 * into the index, and queries come in over HTTP. Each language uses its own author so results are
 * isolated from the sample and from each other.
 */
class MultilingualSearchTest {
    static SampleServer s;
    static final Instant FUTURE = Instant.parse("2030-01-01T00:00:00Z");

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
        String[][] posts = {
            {"ml-ja-1", "ml-ja", "東京都に住んでいる友達とラーメンを食べました"},
            {"ml-ja-2", "ml-ja", "駅前のパン屋で朝ごはんを買いました"},
            {"ml-zh-1", "ml-zh", "我们在大学里学习热力学和统计物理"},
            {"ml-ko-1", "ml-ko", "어제 새 에어팟을 샀다"},
            {"ml-th-1", "ml-th", "ฉันชอบเรียนภาษาไทยมากที่สุด"},
            {"ml-ar-1", "ml-ar", "قرأت الكتاب الجديد في المكتبة العامة"},
            {"ml-fr-1", "ml-fr", "L'éducation est un droit fondamental pour tous les enfants"},
            {"ml-de-1", "ml-de", "Die alten Häuser in der Altstadt sind wunderschön"},
            {"ml-es-1", "ml-es", "Las ciudades ofrecen educación gratuita a los niños"},
            {"ml-ru-1", "ml-ru", "Мы читали интересные книги всё лето"},
        };
        List<IndexChange> changes = new ArrayList<>();
        for (String[] p : posts) {
            changes.add(s.changes.fromPost(new Post(
                    p[0], p[1], p[2], null, FUTURE, Visibility.PUBLIC, List.of(), List.of(), null, 0, 0, 0, 1, false)));
        }
        s.index.apply(changes);
    }

    static List<String> search(String q, String author) throws Exception {
        SampleServer.Response r = s.get("/v1/search?q=" + enc(q) + "&author=" + enc(author));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode h : r.json().get("hits")) ids.add(h.get("id").asText());
        return ids;
    }

    static String langOf(String id) throws Exception {
        return s.get("/v1/posts/" + id).json().get("lang").asText();
    }

    @Test
    void japaneseWordsInsideLongerRunsWithoutKanaFolding() throws Exception {
        assertThat(langOf("ml-ja-1")).isEqualTo("ja");
        assertThat(search("東京", "ml-ja")).containsExactly("ml-ja-1");
        assertThat(search("ラーメン", "ml-ja")).containsExactly("ml-ja-1");
        assertThat(search("パン", "ml-ja")).containsExactly("ml-ja-2");
        assertThat(search("バン", "ml-ja")).as("パ and バ are different sounds").isEmpty();
    }

    @Test
    void chineseWithoutSingleCharacterFalseHits() throws Exception {
        assertThat(langOf("ml-zh-1")).isEqualTo("zh");
        assertThat(search("热力学", "ml-zh")).containsExactly("ml-zh-1");
        assertThat(search("统计物理", "ml-zh")).containsExactly("ml-zh-1");
        assertThat(search("热", "ml-zh")).as("热 alone is not 热力学").isEmpty();
    }

    @Test
    void koreanUnknownWordIsNotLost() throws Exception {
        assertThat(langOf("ml-ko-1")).isEqualTo("ko");
        assertThat(search("에어팟", "ml-ko")).containsExactly("ml-ko-1");
    }

    @Test
    void thaiIsSegmented() throws Exception {
        assertThat(langOf("ml-th-1")).isEqualTo("th");
        assertThat(search("ภาษาไทย", "ml-th")).containsExactly("ml-th-1");
        assertThat(search("ภาษา", "ml-th")).containsExactly("ml-th-1");
    }

    @Test
    void arabicWithAndWithoutTheDefiniteArticle() throws Exception {
        assertThat(langOf("ml-ar-1")).isEqualTo("ar");
        assertThat(search("الكتاب", "ml-ar")).containsExactly("ml-ar-1");
        assertThat(search("كتاب", "ml-ar")).containsExactly("ml-ar-1");
    }

    @Test
    void europeanStemmingAndAccentFolding() throws Exception {
        assertThat(langOf("ml-fr-1")).isEqualTo("fr");
        assertThat(search("education", "ml-fr")).containsExactly("ml-fr-1");
        assertThat(search("éducation", "ml-fr")).containsExactly("ml-fr-1");
        assertThat(langOf("ml-de-1")).isEqualTo("de");
        assertThat(search("Haus", "ml-de")).containsExactly("ml-de-1");
        assertThat(langOf("ml-es-1")).isEqualTo("es");
        assertThat(search("ciudad", "ml-es")).containsExactly("ml-es-1");
        assertThat(search("educacion", "ml-es")).containsExactly("ml-es-1");
        assertThat(langOf("ml-ru-1")).isEqualTo("ru");
        assertThat(search("книга", "ml-ru")).containsExactly("ml-ru-1");
    }

    @Test
    void sampleAnswersJapaneseThaiAndGermanQueriesInTheirLanguage() throws Exception {
        for (String[] c : new String[][] {
            {"人権", "ja"}, {"สิทธิ", "th"}, {"Menschenrechte", "de"}, {"Freiheit", "de"}, {"Würde", "de"}
        }) {
            SampleServer.Response r = s.get("/v1/search?q=" + enc(c[0]) + "&until=2026-11-01");
            assertThat(r.status()).isEqualTo(200);
            JsonNode hits = r.json().get("hits");
            assertThat(hits.size()).as("hits for %s", c[0]).isGreaterThan(0);
            for (JsonNode h : hits) {
                assertThat(h.get("lang").asText())
                        .as("hit for %s: %s", c[0], h.get("text").asText())
                        .isEqualTo(c[1]);
            }
        }
    }
}
