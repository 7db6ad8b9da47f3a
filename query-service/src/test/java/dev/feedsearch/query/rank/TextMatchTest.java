package dev.feedsearch.query.rank;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextMatchTest {
    @Test
    void theFormAsWrittenCountsWholeAndAccentFreeFormsHalf() {
        assertThat(TextMatch.of("résumé", "Mon résumé est prêt").exact()).isEqualTo(1.0);
        assertThat(TextMatch.of("résumé", "Mon resume est pret").exact()).isEqualTo(0.5);
        assertThat(TextMatch.of("resume", "Mon résumé est prêt").exact()).isEqualTo(0.5);
        assertThat(TextMatch.of("résumés", "Mon résumé est prêt").exact()).isZero();
        assertThat(TextMatch.of("rights", "#rights for all").exact())
                .as("a hashtag is not prose")
                .isZero();
        assertThat(TextMatch.of("自由", "人人生而自由").exact())
                .as("unspaced scripts: a substring")
                .isEqualTo(1.0);
    }

    @Test
    void aPhraseIsWholeWordsInOrder() {
        assertThat(TextMatch.of("art museum", "the art museum opens").phrase()).isEqualTo(1.0);
        assertThat(TextMatch.of("art museum", "the smart museum opens").phrase())
                .isZero();
        assertThat(TextMatch.of("art museum", "a museum of art").phrase()).isZero();
        assertThat(TextMatch.of("museum", "the art museum").phrase())
                .as("one word is no phrase")
                .isZero();
    }
}
