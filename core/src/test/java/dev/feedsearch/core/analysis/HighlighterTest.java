package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.index.ParsedQuery;
import dev.feedsearch.core.index.ParsedQuery.Clause;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.mappings.Mappings;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Highlight offsets checked against the text they cut: Latin, CJK, Thai, Arabic, and emoji before them. */
class HighlighterTest {
    static GroupAnalyzers analyzers;

    @BeforeAll
    static void build() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    /** The pieces of {@code text} the spans cut, as String.substring (UTF-16) cuts them. */
    private static List<String> cut(String group, String text, SearchQuery q) {
        return new Highlighter(analyzers, q)
                .spans(group, text).stream()
                        .map(s -> text.substring(s.start(), s.end()))
                        .toList();
    }

    @ParameterizedTest(name = "{0}: {2} in {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "en | 😀🎉 We walked home and they walk on        | walking     | walked,walk",
                "en | Human rights matter; rights of every human  | human rights | Human,rights,rights,human",
                "fr | 😀 L'éducation est un droit                  | education   | L'éducation", // the elided article
                // is in the token
                "de | Die Würde des Menschen 👩‍👩‍👧 ist Menschenrecht | Mensch      | Menschen",
                "ja | 😀昨日は駅まで走った                           | 走る         | 走っ",
                "ja | 労働組合が賃上げを求めた                       | 労働組合     | 労働,組合",
                "th | 🙂 ทุกคนมีสิทธิในการศึกษา                     | สิทธิ        | สิทธิ",
                "ar | 😀 لكل شخص الحق في التعليم                    | التعليم      | التعليم",
                "zh | 人人有受教育的权利 😀                          | 权利         | 权利",
            })
    void wordsAreFoundThroughThePostsOwnAnalysis(String group, String text, String query, String expected) {
        assertThat(cut(group, text, SearchQuery.builder().text(query).build())).containsExactly(expected.split(","));
    }

    @Test
    void phrasesLightUpWhereTheirWordsStandInOrderOnly() {
        String text = "🎉 rights of every human, and every human has rights";
        ParsedQuery p = new ParsedQuery(
                List.of(Clause.of(new ParsedQuery.Phrase("every human has"))),
                List.of(new ParsedQuery.Words("rights")));
        SearchQuery q = SearchQuery.builder().text(p.positiveText()).syntax(p).build();
        assertThat(cut("en", text, q)).as("the phrase once, not the exclusion").containsExactly("every human has");
        String ja = "組合の労働時間と、労働組合の活動";
        ParsedQuery union = new ParsedQuery(List.of(Clause.of(new ParsedQuery.Phrase("労働組合"))), List.of());
        assertThat(cut(
                        "ja",
                        ja,
                        SearchQuery.builder().text("労働組合").syntax(union).build()))
                .containsExactly("労働組合");
    }

    @Test
    void noTextNoHighlights() {
        assertThat(cut(
                        "en",
                        "anything at all",
                        SearchQuery.builder().author("u1").build()))
                .isEmpty();
        assertThat(cut(
                        "nosuchgroup",
                        "anything at all",
                        SearchQuery.builder().text("anything").build()))
                .isEmpty();
    }
}
