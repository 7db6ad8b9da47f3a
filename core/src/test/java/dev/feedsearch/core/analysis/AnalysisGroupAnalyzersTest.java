package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.analysis.Analyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@link GroupAnalyzers} contract the embedded engine relies on. */
class AnalysisGroupAnalyzersTest {

    private static Mappings mappings;
    private static GroupAnalyzers analyzers;

    @BeforeAll
    static void build() {
        mappings = Mappings.load();
        analyzers = GroupAnalyzers.build(mappings);
    }

    @AfterAll
    static void close() {
        analyzers.close();
    }

    @Test
    void oneTextFieldPerGroupFieldNamedAfterGroupAndSuffix() {
        List<String> expected = new ArrayList<>();
        for (LanguageGroup g : mappings.groups()) {
            for (String suffix : g.fields().keySet()) {
                expected.add(suffix.isEmpty() ? "text_" + g.name() : "text_" + g.name() + "_" + suffix);
            }
        }
        assertThat(analyzers.textFields())
                .extracting(GroupAnalyzers.TextField::luceneField)
                .containsExactlyElementsOf(expected)
                .contains("text_en", "text_ja", "text_ko", "text_ko_bigram", "text_zh", "text_other");
        // no bigram field for ja: it would let 京都 (Kyoto) match 東京都 (Tokyo Metropolis)
        assertThat(analyzers.fieldsOf("ja"))
                .extracting(GroupAnalyzers.TextField::suffix)
                .containsExactly("");
        assertThat(analyzers.fieldsOf("ko"))
                .extracting(GroupAnalyzers.TextField::suffix)
                .containsExactly("", "bigram");
        assertThat(analyzers.fieldsOf("en")).singleElement().satisfies(f -> {
            assertThat(f.group()).isEqualTo("en");
            assertThat(f.isMain()).isTrue();
            assertThat(f.luceneField()).isEqualTo("text_en");
        });
        assertThat(analyzers.mainField("ko").luceneField()).isEqualTo("text_ko");
        assertThat(GroupAnalyzers.luceneField("vi", "folded")).isEqualTo("text_vi_folded");
        assertThat(analyzers.field("text_ko_bigram").analyzer()).isSameAs(analyzers.analyzer("text_ko_bigram"));
    }

    @Test
    void unknownGroupsAndFieldsAreRefusedByName() {
        assertThatThrownBy(() -> analyzers.fieldsOf("klingon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("klingon");
        assertThatThrownBy(() -> analyzers.analyzer("text_klingon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text_klingon");
        assertThatThrownBy(() -> analyzers.tokens("title", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("title");
    }

    @Test
    void indexAnalyzerRoutesEachFieldToItsOwnAnalyzer() {
        Analyzer index = analyzers.indexAnalyzer();
        Map<String, String> texts = Map.of(
                "text_de", "Die Häuser sind alt",
                "text_ja", "東京都に住んでいます",
                "text_ko_bigram", "에어팟을 샀다",
                "text_ar", "قرأت الكتاب");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            List<String> viaWrapper = new ArrayList<>();
            Findability.positions(index, e.getKey(), e.getValue()).forEach(viaWrapper::addAll);
            assertThat(viaWrapper).as(e.getKey()).isEqualTo(analyzers.tokens(e.getKey(), e.getValue()));
        }
        // fields that are not text fields fall back to the catch-all analyzer
        List<String> fallback = new ArrayList<>();
        Findability.positions(index, "some_field", "Ünïcode TEXT").forEach(fallback::addAll);
        assertThat(fallback)
                .isEqualTo(analyzers.tokens("text_other", "Ünïcode TEXT"))
                .containsExactly("unicode", "text");
    }

    @Test
    void tokensHelperReturnsTermsInOrder() {
        assertThat(analyzers.tokens("text_en", "The cats were running")).containsExactly("cat", "were", "run");
        assertThat(analyzers.tokens("text_zh", "")).isEmpty();
        assertThat(analyzers.tokens("text_ja", "。、！")).isEmpty();
    }

    @Test
    void analyzersAreSafeToShareAcrossThreads() throws Exception {
        analyzers.warmUp();
        String[][] work = {
            {"text_ja", "すべての人間は、生まれながらにして自由である"},
            {"text_ko", "모든 인간은 태어날 때부터 자유로우며"},
            {"text_zh", "人人生而自由，在尊严和权利上一律平等。"},
            {"text_fr", "L'éducation doit viser au plein épanouissement"},
            {"text_th", "ฉันชอบเรียนภาษาไทยมาก"},
        };
        Map<String, List<String>> expected = new java.util.HashMap<>();
        for (String[] w : work) {
            expected.put(w[0], analyzers.tokens(w[0], w[1]));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String[] w = work[i % work.length];
                        if (!analyzers.tokens(w[0], w[1]).equals(expected.get(w[0]))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
