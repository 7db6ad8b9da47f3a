package dev.feedsearch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.feedsearch.bench.EvalCorpus.EvalPost;
import dev.feedsearch.bench.EvalCorpus.UdhrParagraph;
import dev.feedsearch.bench.EvalQueries.EvalQuery;
import dev.feedsearch.bench.EvalQueries.Kind;
import dev.feedsearch.bench.RelevanceMetrics.Hit;
import dev.feedsearch.bench.RelevanceMetrics.Scored;
import dev.feedsearch.bench.RelevanceMetrics.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the relevance evaluation: text rules, metrics, corpus skew and query judgments, on made-up data. */
class RelevanceEvalTest {

    @Test
    void proseDropsHashtagsOnly() {
        assertThat(EvalText.prose("Alle Menschen sind frei #rights #freedom")).isEqualTo("Alle Menschen sind frei");
        assertThat(EvalText.prose("C# is not a tag, #tag is")).isEqualTo("C# is not a tag, is");
    }

    @Test
    void wordsAreLowerCasedByTheLanguagesRules() {
        assertThat(EvalText.words("İnsan HAKLARI", "tr")).containsExactly("insan", "hakları");
        assertThat(EvalText.words("l'homme, Menschen-Würde", "fr")).containsExactly("l", "homme", "menschen", "würde");
        assertThat(EvalText.words("ΣΟΦΟΣ", "el")).containsExactly("σοφος"); // final sigma
    }

    @Test
    void stripMarksKeepsTheCyrillicShortI() {
        assertThat(EvalText.stripMarks("éducation")).isEqualTo("education");
        assertThat(EvalText.stripMarks("δικαιώματα")).isEqualTo("δικαιωματα");
        assertThat(EvalText.stripMarks("ещё свой країни")).isEqualTo("еще свой країни");
    }

    @Test
    void familiesShareALongEnoughPrefix() {
        assertThat(EvalText.sameFamily("freedom", "freedoms")).isTrue();
        assertThat(EvalText.sameFamily("education", "educational")).isTrue();
        assertThat(EvalText.sameFamily("everyone", "everything")).isFalse(); // 5 shared, 70% of 8 is 6
        assertThat(EvalText.sameFamily("derecho", "derechos")).isTrue();
        assertThat(EvalText.sameFamily("القانون", "القانونية")).isTrue();
        assertThat(EvalText.sameFamily("والمرض", "والمرأة"))
                .isFalse(); // "and the disease", "and the woman": only the clitics agree
        assertThat(EvalQueries.families(
                        List.of("freedom", "freedoms", "free", "equal", "equality", "everyone", "everything")))
                .isEqualTo(Map.of(
                        "freedom",
                        Set.of("freedoms"),
                        "freedoms",
                        Set.of("freedom"),
                        "equal",
                        Set.of("equality"),
                        "equality",
                        Set.of("equal")));
    }

    @Test
    void numberForms() {
        assertThat(EvalText.numberForms("rights")).containsExactly("rights", "right");
        assertThat(EvalText.numberForms("freedom")).containsExactly("freedom", "freedoms");
        assertThat(EvalText.numberForms("equality")).containsExactly("equality", "equalities");
        assertThat(EvalText.numberForms("liberties")).containsExactly("liberties", "liberty");
    }

    @Test
    void reciprocalRankAndNdcg() {
        assertThat(RelevanceMetrics.reciprocalRank(List.of(0, 0, 1, 2))).isEqualTo(1.0 / 3);
        assertThat(RelevanceMetrics.reciprocalRank(List.of(0, 0))).isZero();
        assertThat(RelevanceMetrics.ndcg(List.of(2, 1), List.of(1, 2))).isEqualTo(1.0);
        // ideal: 3/1 + 1/log2(3); got: the grade-1 hit first, the grade-2 one second
        double ideal = 3 + 1 / (Math.log(3) / Math.log(2)), got = 1 + 3 / (Math.log(3) / Math.log(2));
        assertThat(RelevanceMetrics.ndcg(List.of(1, 2), List.of(2, 1))).isCloseTo(got / ideal, within(1e-12));
        assertThat(RelevanceMetrics.ndcg(List.of(0, 0, 0), List.of(2))).isZero();
    }

    @Test
    void inversionsCountPairsWhereAPostWithoutTheStringRanksAbove() {
        assertThat(RelevanceMetrics.inversions(List.of(true, true, false))).isZero();
        assertThat(RelevanceMetrics.inversions(List.of(false, true, false, true)))
                .isEqualTo(1 + 2);
    }

    @Test
    void scoringAQuery() {
        EvalQuery q = new EvalQuery("zh", Kind.CJK, "人权", "test", Map.of("zh-1-1", 2, "zh-2-1", 2), Set.of("人权"), true);
        Scored s = RelevanceMetrics.score(
                q,
                List.of(
                        new Hit("en-1-1", "en", "human rights #人权"),
                        new Hit("zh-1-1", "zh", "人权和自由"),
                        new Hit("ja-1-1", "ja", "人権")),
                2,
                null);
        assertThat(s.grades()).containsExactly(0, 2, 0);
        assertThat(s.prose()).containsExactly(false, true, false); // a hashtag is not prose
        assertThat(s.reciprocalRank()).isEqualTo(0.5);
        assertThat(s.violations()).isEqualTo(1);
        assertThat(s.proseSlots()).isEqualTo(2); // two posts hold 人权 in prose: the top 2 are judged
        assertThat(s.proseHits()).isEqualTo(1);
        Summary sum = Summary.of(List.of(s, RelevanceMetrics.score(q, List.of(), 2, "500 boom")));
        assertThat(sum.queries()).isEqualTo(2);
        assertThat(sum.mrr()).isEqualTo(0.25);
        assertThat(sum.proseShare())
                .isEqualTo(1.0 / 2); // 1 prose hit in 2 slots: a failed query returned none to judge
        assertThat(sum.zeroRelevant()).isEqualTo(1);
        assertThat(sum.errors()).isEqualTo(1);
    }

    @Test
    void splitIsStableAndRoughlyHalf() {
        assertThat(EvalQueries.split("de", Kind.EXACT, "menschen"))
                .isEqualTo(EvalQueries.split("de", Kind.EXACT, "menschen"));
        long test = 0;
        for (int i = 0; i < 1000; i++)
            if (EvalQueries.split("en", Kind.EXACT, "w" + i).equals("test")) test++;
        assertThat(test).isBetween(430L, 570L);
    }

    /** Three languages: English (one variant), German (two: the 1996 spelling wins), Chinese (simplified plus traditional). */
    private static List<UdhrParagraph> fakeUdhr() {
        List<UdhrParagraph> ps = new ArrayList<>();
        String stems = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉";
        for (int a = 1; a <= 20; a++) {
            if (a <= 5) { // fewer English paragraphs than a quarter of the posts: excerpts make up the rest
                ps.add(new UdhrParagraph(
                        "eng",
                        "en",
                        "eng",
                        4,
                        "" + a,
                        1,
                        "Everyone has the right to freedom and education, the quxa" + (char) ('a' + a)
                                + "ion, and everyone is entitled to rights and freedoms without distinction."));
            }
            ps.add(new UdhrParagraph(
                    "deu_1901", "de-1901", "deu", 4, "" + a, 1, "Jeder hat das Recht auf Freiheit daß " + a));
            ps.add(new UdhrParagraph(
                    "deu_1996", "de-1996", "deu", 4, "" + a, 1, "Jeder hat das Recht auf Freiheit dass " + a));
            ps.add(new UdhrParagraph("cmn_hans", "zh", "cmn", 4, "" + a, 1, "人人有权享受自由" + stems.charAt(a - 1)));
            ps.add(new UdhrParagraph("cmn_hant", "zh-Hant", "cmn", 4, "" + a, 1, "人人有權享受自由" + stems.charAt(a - 1)));
            ps.add(new UdhrParagraph("yue", "yue", "yue", 4, "" + a, 1, "人人都有權"));
            ps.add(new UdhrParagraph("cat", "ca", "cat", 4, "" + a, 1, "Tothom té dret"));
        }
        return ps;
    }

    private static EvalCorpus fakeCorpus(long seed) {
        Map<String, String> canonical =
                Map.of("en", "en", "de-1901", "de", "de-1996", "de", "zh", "zh", "zh-Hant", "zh", "yue", "zh");
        return EvalCorpus.build(fakeUdhr(), canonical::get, Set.of("en", "de", "zh", "fr"), seed);
    }

    @Test
    void corpusPicksVariantsAndSkewsTowardsEnglish() {
        EvalCorpus c = fakeCorpus(42);
        assertThat(c.variants())
                .isEqualTo(
                        Map.of("de", List.of("deu_1996"), "en", List.of("eng"), "zh", List.of("cmn_hans", "cmn_hant")));
        assertThat(c.missing()).containsExactly("fr");
        assertThat(c.tagWords()).contains("rights", "freedom", "everyone", "education");
        assertThat((double) c.count("en") / c.posts().size()).isCloseTo(0.25, within(0.01));
        assertThat(c.posts()).anyMatch(p -> p.id().matches("en-\\d+-1-x\\d+"));
        List<EvalPost> others =
                c.posts().stream().filter(p -> !p.lang().equals("en")).toList();
        assertThat(others).hasSize(60);
        assertThat(c.posts().stream().map(EvalPost::id))
                .doesNotHaveDuplicates()
                .contains("de-3-1", "zh-3-1", "zh-hant-3-1", "en-3-1");
        for (EvalPost p : others) {
            assertThat(p.text()).startsWith(p.prose());
            for (String t : p.tags()) assertThat(p.text()).contains("#" + t);
        }
        assertThat(fakeCorpus(42)).isEqualTo(c);
        assertThat(fakeCorpus(7).posts()).isNotEqualTo(c.posts());
    }

    @Test
    void queriesAreJudgedOnTheCorpus() {
        EvalCorpus c = fakeCorpus(42);
        List<EvalQuery> qs = EvalQueries.generate(c, 42);
        assertThat(qs).isEqualTo(EvalQueries.generate(c, 42));
        EvalQuery rights = qs.stream()
                .filter(q -> q.kind() == Kind.TAGWORD && q.text().equals("rights"))
                .findFirst()
                .orElseThrow();
        assertThat(rights.grades())
                .isNotEmpty()
                .allSatisfy((id, g) -> assertThat(id).startsWith("en-"));
        // "quxabion" is in one paragraph, and in the English posts cut from it
        EvalQuery exact = qs.stream()
                .filter(q -> q.kind() == Kind.EXACT && q.lang().equals("en"))
                .findFirst()
                .orElseThrow();
        assertThat(exact.grades().keySet())
                .allSatisfy(id -> assertThat(c.posts().stream()
                                .filter(p -> p.id().equals(id))
                                .findFirst()
                                .orElseThrow()
                                .prose()
                                .toLowerCase())
                        .contains(exact.text()));
        assertThat(qs).filteredOn(q -> q.lang().equals("zh")).isNotEmpty().allSatisfy(q -> {
            assertThat(q.kind()).isEqualTo(Kind.CJK);
            assertThat(q.grades()).isNotEmpty();
        });
        assertThat(qs).filteredOn(q -> q.kind() == Kind.UNACCENTED).isEmpty(); // "daß" has 3 letters, the rest no marks
    }
}
