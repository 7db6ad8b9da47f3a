package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cut that bounds a query's clauses: every field's analysis of what is left has at most 32 positions. */
class QueryTextCapTest {
    private static GroupAnalyzers analyzers;

    @BeforeAll
    static void build() {
        analyzers = GroupAnalyzers.build(Mappings.load());
    }

    @AfterAll
    static void close() {
        analyzers.close();
    }

    @Test
    void shortAndModestQueriesAreLeftWhole() {
        for (String q : List.of(
                "rights",
                "human rights",
                "労働組合",
                "ความเป็นธรรม",
                "all human beings are born free and equal in dignity and rights")) {
            assertThat(QueryTextCap.cap(q, analyzers.textFields())).isEqualTo(q);
        }
    }

    @Test
    void longQueriesAreCutToAtMost32PositionsInEveryField() throws IOException {
        List<String> queries = List.of(
                "word ".repeat(200),
                String.join(
                        " ",
                        java.util.stream.IntStream.range(0, 60)
                                .mapToObj(i -> "distinct" + i)
                                .toList()),
                "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。".repeat(10),
                "自由平等".repeat(250),
                "ทุกคนมีสิทธิในการศึกษา".repeat(40),
                "모든 사람은 교육을 받을 권리를 가진다 ".repeat(30),
                "😀 a ".repeat(300));
        for (String q : queries) {
            String cut = QueryTextCap.cap(q, analyzers.textFields());
            assertThat(cut).isNotEmpty();
            assertThat(q).startsWith(cut);
            assertThat(cut.length()).isLessThan(q.length());
            for (GroupAnalyzers.TextField f : analyzers.textFields()) {
                assertThat(positions(f, cut))
                        .as(f.luceneField() + " of " + q.substring(0, 20))
                        .isLessThanOrEqualTo(QueryTextCap.MAX_POSITIONS);
            }
            // not cut much shorter than needed (back to a space or punctuation at most)
            int finest = analyzers.textFields().stream()
                    .mapToInt(f -> positions(f, cut))
                    .max()
                    .orElseThrow();
            assertThat(finest).as(q.substring(0, 20)).isGreaterThanOrEqualTo(QueryTextCap.MAX_POSITIONS / 2);
        }
    }

    @Test
    void aCutNeverSplitsAWordWhereTheTextHasSpacesOrPunctuation() {
        String japanese = "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられて";
        // one position per kana in the whitespace languages' fields: 32 of them end inside 権利; the cut goes back to 、
        assertThat(QueryTextCap.cap(japanese, analyzers.textFields())).isEqualTo("すべての人間は、生まれながらにして自由であり、かつ");
        // (letters only: some fields split letters from digits, word16 is two positions there)
        String english = String.join(
                " ",
                java.util.stream.IntStream.range(0, 40)
                        .mapToObj(i -> "wor" + (char) ('a' + i / 26) + (char) ('a' + i % 26))
                        .toList());
        assertThat(QueryTextCap.cap(english, analyzers.textFields())).endsWith(" worbf"); // the 32nd word
    }

    private static int positions(GroupAnalyzers.TextField f, String text) {
        try (TokenStream ts = f.analyzer().tokenStream(f.luceneField(), text)) {
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int n = 0;
            while (ts.incrementToken()) if (inc.getPositionIncrement() > 0) n++;
            ts.end();
            return n;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
