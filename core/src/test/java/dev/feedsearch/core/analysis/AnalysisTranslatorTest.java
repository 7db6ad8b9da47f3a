package dev.feedsearch.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.junit.jupiter.api.Test;

class AnalysisTranslatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a settings.analysis object written with single quotes for readability. */
    private static JsonNode analysis(String json) {
        try {
            return JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static Analyzer one(String json) {
        Map<String, Analyzer> all = AnalysisTranslator.translate("test", analysis(json));
        assertThat(all).hasSize(1);
        return all.values().iterator().next();
    }

    private static List<String> tokens(Analyzer a, String text) {
        List<String> out = new ArrayList<>();
        Findability.positions(a, "f", text).forEach(out::addAll);
        return out;
    }

    @Test
    void translatesEveryBundledGroupIntoCustomAnalyzers() {
        for (LanguageGroup g : Mappings.load().groups()) {
            Map<String, Analyzer> analyzers = AnalysisTranslator.translate(g);
            Set<String> defined = g.analysis().path("analyzer").properties().stream()
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            assertThat(analyzers.keySet()).as(g.name()).containsExactlyInAnyOrderElementsOf(defined);
            // custom chains, except OpenSearch's whole ukrainian analyzer (its plugin offers no token filter)
            assertThat(analyzers.values())
                    .allMatch(a -> a instanceof CustomAnalyzer
                            || a instanceof org.apache.lucene.analysis.uk.UkrainianMorfologikAnalyzer);
        }
    }

    @Test
    void chainFollowsTheJsonInOrder() {
        CustomAnalyzer a = (CustomAnalyzer)
                AnalysisTranslator.translate(Mappings.load().group("fr")).get("fs_fr");
        assertThat(a.getTokenizerFactory().getClass().getSimpleName()).isEqualTo("StandardTokenizerFactory");
        assertThat(a.getTokenFilterFactories())
                .extracting(f -> f.getClass().getSimpleName())
                .containsExactly(
                        "ElisionFilterFactory",
                        "LowerCaseFilterFactory",
                        "StopFilterFactory",
                        "ASCIIFoldingFilterFactory",
                        "FrenchLightStemFilterFactory");
        CustomAnalyzer ja = (CustomAnalyzer)
                AnalysisTranslator.translate(Mappings.load().group("ja")).get("fs_ja");
        assertThat(ja.getCharFilterFactories())
                .extracting(f -> f.getClass().getSimpleName())
                .containsExactly(
                        "PatternReplaceCharFilterFactory", "ICUNormalizer2CharFilterFactory"); // hashtags out first
        assertThat(ja.getTokenizerFactory().getClass().getSimpleName()).isEqualTo("JapaneseTokenizerFactory");
    }

    // ---------------------------------------------------------------------------------------------- failures

    @Test
    void unknownComponentTypeFailsNamingGroupComponentAndType() {
        assertThatThrownBy(
                        () -> AnalysisTranslator.translate(
                                "xx",
                                analysis(
                                        "{'filter': {'my_filter': {'type': 'klingon_stem'}},"
                                                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['my_filter']}}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 'xx'")
                .hasMessageContaining("my_filter")
                .hasMessageContaining("klingon_stem");
    }

    @Test
    void unknownBuiltInNameFails() {
        assertThatThrownBy(
                        () -> one(
                                "{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['nori_part_of_speech']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 'test'")
                .hasMessageContaining("nori_part_of_speech");
        assertThatThrownBy(() -> one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'letterz'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer 'letterz'");
    }

    @Test
    void unknownParameterFailsNamingIt() {
        assertThatThrownBy(
                        () -> one("{'filter': {'s': {'type': 'stop', 'stopwords': '_english_', 'stopword_case': true}},"
                                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['s']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 'test'")
                .hasMessageContaining("filter 's'")
                .hasMessageContaining("stopword_case");
        assertThatThrownBy(() -> one("{'tokenizer': {'t': {'type': 'icu_tokenizer', 'rule_files': 'Latn:x.rbbi'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 't'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule_files");
        assertThatThrownBy(() ->
                        one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'normalizer': 'x'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("analyzer 'a'")
                .hasMessageContaining("normalizer");
    }

    @Test
    void badValuesFailNamingTheParameter() {
        assertThatThrownBy(() -> one("{'filter': {'st': {'type': 'stemmer', 'language': 'klingon'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['st']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filter 'st'")
                .hasMessageContaining("'language'")
                .hasMessageContaining("klingon");
        assertThatThrownBy(() -> one("{'filter': {'s': {'type': 'stop', 'stopwords': '_klingon_'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['s']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("_klingon_");
        assertThatThrownBy(() -> one("{'tokenizer': {'k': {'type': 'nori_tokenizer', 'decompound_mode': 'sometimes'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'k'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decompound_mode")
                .hasMessageContaining("sometimes");
        assertThatThrownBy(() -> one("{'filter': {'f': {'type': 'asciifolding', 'preserve_original': 'yes'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['f']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("preserve_original");
        assertThatThrownBy(() -> one("{'filter': {'e': {'type': 'elision'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['e']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("articles");
        // an error raised inside Lucene/ICU is reported with the component it came from
        assertThatThrownBy(() -> one("{'filter': {'fold': {'type': 'icu_folding', 'unicode_set_filter': '[^a-'}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['fold']}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 'test'")
                .hasMessageContaining("filter 'fold'");
    }

    @Test
    void onlyCustomAnalyzersAreAccepted() {
        assertThatThrownBy(() -> one("{'analyzer': {'a': {'type': 'standard'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("analyzer 'a'")
                .hasMessageContaining("custom");
        assertThatThrownBy(() -> one("{'analyzer': {'a': {'type': 'custom'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer");
        assertThatThrownBy(() -> AnalysisTranslator.translate(
                        "test",
                        analysis("{'normalizer': {}, 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard'}}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalizer");
    }

    // ---------------------------------------------------------------------------------------------- parameters

    @Test
    void stopWordsNamedSetsExtraWordsAndCase() {
        Analyzer a = one("{'filter': {'s': {'type': 'stop', 'stopwords': ['_english_', 'lol'], 'ignore_case': true}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['s']}}}");
        assertThat(tokens(a, "The cat LOL and The dog")).containsExactly("cat", "dog");
        Analyzer caseSensitive = one("{'filter': {'s': {'type': 'stop', 'stopwords': '_english_'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['s']}}}");
        assertThat(tokens(caseSensitive, "The cat and the dog")).containsExactly("The", "cat", "dog");
        Analyzer none = one("{'filter': {'s': {'type': 'stop', 'stopwords': '_none_'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['s']}}}");
        assertThat(tokens(none, "the cat")).containsExactly("the", "cat");
        Analyzer builtIn = one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['stop']}}}");
        assertThat(tokens(builtIn, "the cat")).containsExactly("cat"); // OpenSearch: _english_
    }

    @Test
    void mappingRulesUseOpenSearchSyntaxAndEscapes() {
        Analyzer a = one("{'char_filter': {'m': {'type': 'mapping', 'mappings': ["
                + "'\\\\u200C=>\\\\u0020', 'ph => f', '& => and', '\\\\\\\\ => slash']}},"
                + " 'analyzer': {'a': {'type': 'custom', 'char_filter': ['m'], 'tokenizer': 'whitespace'}}}");
        assertThat(tokens(a, "a\u200Cb phone R&D x\\y")).containsExactly("a", "b", "fone", "RandD", "xslashy");
        assertThatThrownBy(() -> one("{'char_filter': {'m': {'type': 'mapping', 'mappings': ['#no arrow']}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'char_filter': ['m'], 'tokenizer': 'whitespace'}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("char_filter 'm'")
                .hasMessageContaining("#no arrow");
    }

    @Test
    void kuromojiUsesOpenSearchDefaultsNotLuceneFactoryDefaults() {
        // OpenSearch keeps the compound token in search mode unless discard_compound_token is set;
        // Lucene's factory would discard it by default
        Analyzer keep = one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'kuromoji_tokenizer'}}}");
        assertThat(tokens(keep, "関西国際空港")).contains("関西国際空港", "関西", "国際", "空港");
        Analyzer discard = one("{'tokenizer': {'k': {'type': 'kuromoji_tokenizer', 'discard_compound_token': true}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'k'}}}");
        assertThat(tokens(discard, "関西国際空港")).containsExactly("関西", "国際", "空港");
        Analyzer normal = one("{'tokenizer': {'k': {'type': 'kuromoji_tokenizer', 'mode': 'normal'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'k'}}}");
        assertThat(tokens(normal, "関西国際空港")).containsExactly("関西国際空港");
        // kuromoji_part_of_speech without stoptags uses Lucene's default stop tags, as OpenSearch does
        Analyzer pos = one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'kuromoji_tokenizer',"
                + " 'filter': ['kuromoji_part_of_speech']}}}");
        assertThat(tokens(pos, "東京に行く")).contains("東京").doesNotContain("に");
    }

    @Test
    void noriUserDictionaryRules() {
        Analyzer plain = one("{'analyzer': {'a': {'type': 'custom', 'tokenizer': 'nori_tokenizer'}}}");
        assertThat(tokens(plain, "에어팟을 샀다")).doesNotContain("에어팟");
        Analyzer dict =
                one("{'tokenizer': {'k': {'type': 'nori_tokenizer', 'user_dictionary_rules': ['에어팟', '갤럭시 버즈']}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'k'}}}");
        assertThat(tokens(dict, "에어팟을 샀다")).startsWith("에어팟", "을");
    }

    @Test
    void cjkBigramScriptsAndUnigrams() {
        Analyzer hangulOnly =
                one("{'filter': {'b': {'type': 'cjk_bigram', 'ignored_scripts': ['han', 'hiragana', 'katakana']}},"
                        + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['b']}}}");
        assertThat(tokens(hangulOnly, "한국어 漢字")).containsExactly("한국", "국어", "漢", "字");
        Analyzer unigrams = one("{'filter': {'b': {'type': 'cjk_bigram', 'output_unigrams': true}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['b']}}}");
        assertThat(tokens(unigrams, "漢字")).containsExactlyInAnyOrder("漢", "漢字", "字");
    }

    @Test
    void languageSpecificLowercaseAndStemmerAliases() {
        Analyzer tr = one("{'filter': {'l': {'type': 'lowercase', 'language': 'turkish'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['l']}}}");
        assertThat(tokens(tr, "ISTANBUL İzmir")).containsExactly("ıstanbul", "izmir");
        Analyzer camel = one("{'filter': {'s': {'type': 'stemmer', 'name': 'lightGerman'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['lowercase', 's']}}}");
        assertThat(tokens(camel, "Häuser")).containsExactly("haus");
        Analyzer snowball = one("{'filter': {'s': {'type': 'snowball', 'language': 'Russian'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['lowercase', 's']}}}");
        assertThat(tokens(snowball, "Москве")).containsExactly("москв");
    }

    @Test
    void icuNormalizerFormsAndAsciiFoldingPreserveOriginal() {
        Analyzer nfc = one("{'char_filter': {'n': {'type': 'icu_normalizer', 'name': 'nfc'}},"
                + " 'analyzer': {'a': {'type': 'custom', 'char_filter': ['n'], 'tokenizer': 'whitespace'}}}");
        assertThat(tokens(nfc, "Cafe\u0301")).containsExactly("Café");
        Analyzer keep = one("{'filter': {'f': {'type': 'asciifolding', 'preserve_original': true}},"
                + " 'analyzer': {'a': {'type': 'custom', 'tokenizer': 'standard', 'filter': ['f']}}}");
        assertThat(Findability.positions(keep, "f", "café")).containsExactly(Set.of("cafe", "café"));
    }
}
