package dev.feedsearch.core.lang;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FunctionWordsTest {

    @Test
    void shortlistsTheLanguageOfTheText() {
        var de = FunctionWords.score("Heute waren wir mit den Kindern im Zoo und das Wetter war einfach perfekt", 64);
        assertThat(de.top(4)).hasSize(4).contains("de");
        assertThat(de.top(4)[0]).isEqualTo("de");
        assertThat(de.hits()).isGreaterThanOrEqualTo(4);

        var nb = FunctionWords.score("Vi dro på hytta i helgen og gikk en lang tur på fjellet med hunden", 64);
        assertThat(nb.top(4)).contains("nb", "da", "sv");
    }

    @Test
    void padsTheShortlistWhenFewLanguagesScored() {
        var vi = FunctionWords.score("Hôm qua chúng tôi đi ăn phở", 64);
        assertThat(vi.top(4)).hasSize(4).startsWith("vi").doesNotHaveDuplicates();

        var none = FunctionWords.score("Llapa runakunam qispisqa nacesqaku", 64);
        assertThat(none.hits()).isZero();
        assertThat(none.words()).isEqualTo(4);
        assertThat(none.top(3)).containsExactly("en", "de", "fr");
    }

    @Test
    void decisiveOnlyWithManyWordsAndAClearLead() {
        var en = FunctionWords.score(
                "We went to the beach with the kids and it was great, they loved the water so much", 64);
        assertThat(en.decisive(6, 0.2, 2)).isEqualTo("en");
        assertThat(en.decisive(30, 0.2, 2)).as("fewer words than asked for").isNull();
        assertThat(en.decisive(6, 0.9, 2))
                .as("too small a share of function words")
                .isNull();

        // Danish/Bokmål/Swedish words overlap: no language leads by 2x
        var nb = FunctionWords.score(
                "Vi dro på hytta i helgen og gikk en lang tur på fjellet med hunden, det var fint", 64);
        assertThat(nb.decisive(6, 0.2, 2)).isNull();

        var none = FunctionWords.score("Llapa runakunam qispisqa nacesqaku kikin hatun kaqkunapi", 64);
        assertThat(none.decisive(1, 0, 1)).isNull();
    }

    @Test
    void countsOnlyTheFirstWords() {
        var s = FunctionWords.score("the the the the the the", 3);
        assertThat(s.words()).isEqualTo(3);
        assertThat(s.hits()).isEqualTo(3);
    }
}
