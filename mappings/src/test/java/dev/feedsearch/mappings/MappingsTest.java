package dev.feedsearch.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MappingsTest {

    private static final String COMMON = "";
    private static final String ICU = "analysis-icu";
    private static final String KUROMOJI = "analysis-kuromoji";
    private static final String NORI = "analysis-nori";
    private static final String SMARTCN = "analysis-smartcn";
    private static final String STEMPEL = "analysis-stempel";
    private static final String UKRAINIAN = "analysis-ukrainian";
    /** Whole analyzers a plugin provides (no custom chain can hold their parts), with that plugin. */
    private static final Map<String, String> PLUGIN_ANALYZERS = Map.of("ukrainian", UKRAINIAN);

    /**
     * OpenSearch 3.8 components that may be named in an analyzer without a definition (types that need no
     * settings), with the plugin providing them ("" = core/analysis-common).
     */
    private static final Map<String, String> BUILTIN_TOKENIZERS = Map.of(
            "standard",
            COMMON,
            "whitespace",
            COMMON,
            "keyword",
            COMMON,
            "thai",
            COMMON,
            "icu_tokenizer",
            ICU,
            "kuromoji_tokenizer",
            KUROMOJI,
            "nori_tokenizer",
            NORI,
            "smartcn_tokenizer",
            SMARTCN);

    private static final Map<String, String> BUILTIN_FILTERS = Map.ofEntries(
            Map.entry("lowercase", COMMON),
            Map.entry("asciifolding", COMMON),
            Map.entry("cjk_width", COMMON),
            Map.entry("cjk_bigram", COMMON),
            Map.entry("decimal_digit", COMMON),
            Map.entry("apostrophe", COMMON),
            Map.entry("arabic_normalization", COMMON),
            Map.entry("arabic_stem", COMMON),
            Map.entry("persian_normalization", COMMON),
            Map.entry("persian_stem", COMMON),
            Map.entry("german_normalization", COMMON),
            Map.entry("scandinavian_folding", COMMON),
            Map.entry("scandinavian_normalization", COMMON),
            Map.entry("indic_normalization", COMMON),
            Map.entry("hindi_normalization", COMMON),
            Map.entry("bengali_normalization", COMMON),
            Map.entry("sorani_normalization", COMMON),
            Map.entry("icu_normalizer", ICU),
            Map.entry("icu_folding", ICU),
            Map.entry("kuromoji_baseform", KUROMOJI),
            Map.entry("kuromoji_part_of_speech", KUROMOJI),
            Map.entry("kuromoji_stemmer", KUROMOJI),
            Map.entry("kuromoji_number", KUROMOJI),
            Map.entry("ja_stop", KUROMOJI),
            Map.entry("nori_readingform", NORI),
            Map.entry("nori_number", NORI),
            Map.entry("polish_stem", STEMPEL));
    private static final Map<String, String> BUILTIN_CHAR_FILTERS =
            Map.of("html_strip", COMMON, "icu_normalizer", ICU, "kuromoji_iteration_mark", KUROMOJI);

    /** Types that may only be used through a definition (they need settings, or we want them explicit). */
    private static final Map<String, String> DEFINED_ONLY_FILTERS = Map.of(
            "stop",
            COMMON,
            "stemmer",
            COMMON,
            "snowball",
            COMMON,
            "elision",
            COMMON,
            "icu_transform",
            ICU,
            "kuromoji_readingform",
            KUROMOJI,
            "polish_stop",
            STEMPEL,
            "pattern_replace",
            COMMON);

    private static final Map<String, String> DEFINED_ONLY_CHAR_FILTERS =
            Map.of("mapping", COMMON, "pattern_replace", COMMON);

    private final Mappings mappings = Mappings.load();

    @Test
    void loadsEveryGroupListedInOrder() {
        List<String> names = mappings.groups().stream().map(LanguageGroup::name).toList();
        assertThat(names).startsWith("en", "de", "fr").endsWith("other").doesNotHaveDuplicates();
        assertThat(names)
                .contains(
                        "es", "pt", "it", "nl", "nordic", "pl", "ru", "uk", "cs", "hu", "fi", "ro", "el", "tr", "ar",
                        "fa", "he", "hi", "bn", "th", "vi", "id", "ja", "zh", "ko");
        assertThat(Mappings.load()).isSameAs(mappings);
        for (LanguageGroup g : mappings.groups()) {
            assertThat(mappings.group(g.name())).isSameAs(g);
            assertThat(g.fields()).containsKey(LanguageGroup.MAIN);
            assertThat(g.fields().keySet().iterator().next())
                    .as("main field first in %s", g.name())
                    .isEmpty();
        }
    }

    @Test
    void everyFieldAnalyzerIsDefinedAndCustom() {
        for (LanguageGroup g : mappings.groups()) {
            JsonNode analyzers = g.analysis().path("analyzer");
            for (Map.Entry<String, String> f : g.fields().entrySet()) {
                JsonNode a = analyzers.path(f.getValue());
                assertThat(a.isObject())
                        .as("%s: analyzer %s of field '%s'", g.name(), f.getValue(), f.getKey())
                        .isTrue();
                assertThat(a.path("type").asText())
                        .as("%s: %s type", g.name(), f.getValue())
                        .matches(
                                t -> t.equals("custom") || PLUGIN_ANALYZERS.containsKey(t),
                                "custom or a plugin's analyzer");
            }
            // no unused analyzers either
            List<String> defined = new ArrayList<>();
            analyzers.properties().forEach(e -> defined.add(e.getKey()));
            assertThat(defined)
                    .as("%s analyzers", g.name())
                    .containsExactlyInAnyOrderElementsOf(
                            new HashSet<>(g.fields().values()));
        }
    }

    @Test
    void everyComponentIsDefinedOrBuiltInAndPluginsMatch() {
        for (LanguageGroup g : mappings.groups()) {
            JsonNode analysis = g.analysis();
            Set<String> needed = new TreeSet<>();
            Set<String> referenced = new HashSet<>();
            for (Map.Entry<String, JsonNode> a : analysis.path("analyzer").properties()) {
                String where = g.name() + "/" + a.getKey();
                JsonNode def = a.getValue();
                String pluginAnalyzer = PLUGIN_ANALYZERS.get(def.path("type").asText());
                if (pluginAnalyzer != null) { // a whole analyzer: its settings only, no chain
                    needed.add(pluginAnalyzer);
                    for (Map.Entry<String, JsonNode> key : def.properties()) {
                        assertThat(key.getKey())
                                .as("%s: analyzer key", where)
                                .isIn("type", "stopwords", "stem_exclusion");
                    }
                    continue;
                }
                for (Map.Entry<String, JsonNode> key : def.properties()) {
                    assertThat(key.getKey())
                            .as("%s: analyzer key", where)
                            .isIn("type", "tokenizer", "filter", "char_filter", "position_increment_gap");
                }
                assertThat(def.path("tokenizer").isTextual())
                        .as("%s names a tokenizer", where)
                        .isTrue();
                needed.add(resolve(
                        analysis, "tokenizer", def.path("tokenizer").asText(), BUILTIN_TOKENIZERS, Map.of(), where));
                referenced.add("tokenizer/" + def.path("tokenizer").asText());
                for (JsonNode f : def.path("filter")) {
                    needed.add(resolve(analysis, "filter", f.asText(), BUILTIN_FILTERS, DEFINED_ONLY_FILTERS, where));
                    referenced.add("filter/" + f.asText());
                }
                for (JsonNode c : def.path("char_filter")) {
                    needed.add(resolve(
                            analysis,
                            "char_filter",
                            c.asText(),
                            BUILTIN_CHAR_FILTERS,
                            DEFINED_ONLY_CHAR_FILTERS,
                            where));
                    referenced.add("char_filter/" + c.asText());
                }
            }
            needed.remove(COMMON);
            assertThat(g.plugins())
                    .as("%s: plugins must be exactly what its analysis uses", g.name())
                    .containsExactlyInAnyOrderElementsOf(needed);
            for (String kind : List.of("tokenizer", "filter", "char_filter")) {
                for (Map.Entry<String, JsonNode> c : analysis.path(kind).properties()) {
                    assertThat(referenced)
                            .as("%s: %s '%s' is defined but unused", g.name(), kind, c.getKey())
                            .contains(kind + "/" + c.getKey());
                }
            }
            for (Map.Entry<String, JsonNode> top : analysis.properties()) {
                assertThat(top.getKey())
                        .as("%s: analysis section", g.name())
                        .isIn("analyzer", "tokenizer", "filter", "char_filter");
            }
        }
    }

    /** Returns the plugin providing the component, failing if it is neither defined nor built in. */
    private static String resolve(
            JsonNode analysis,
            String kind,
            String name,
            Map<String, String> builtins,
            Map<String, String> definedOnly,
            String where) {
        JsonNode def = analysis.path(kind).path(name);
        if (def.isObject()) {
            String type = def.path("type").asText("");
            assertThat(builtins.containsKey(type) || definedOnly.containsKey(type))
                    .as("%s: %s '%s' has unknown type '%s'", where, kind, name, type)
                    .isTrue();
            assertThat(builtins.containsKey(name) || BUILTIN_TOKENIZERS.containsKey(name))
                    .as("%s: %s '%s' shadows a built-in name", where, kind, name)
                    .isFalse();
            return builtins.getOrDefault(type, definedOnly.get(type));
        }
        assertThat(builtins)
                .as("%s: %s '%s' is neither defined in the file nor a built-in", where, kind, name)
                .containsKey(name);
        return builtins.get(name);
    }

    @Test
    void noLanguageInTwoGroupsAndOtherListsNone() {
        Map<String, String> seen = new HashMap<>();
        for (LanguageGroup g : mappings.groups()) {
            for (String lang : g.languages()) {
                assertThat(seen.put(lang, g.name())).as("language %s", lang).isNull();
                assertThat(lang).matches("[a-z]{2}");
            }
        }
        assertThat(mappings.group(Mappings.OTHER).languages()).isEmpty();
        assertThat(mappings.supportedLanguages())
                .containsExactlyInAnyOrderElementsOf(seen.keySet())
                .contains("en", "ja", "zh", "ko", "sv", "da", "nb", "nn", "uk", "ms", "ar", "th")
                .doesNotContain("other", "und", "no");
    }

    @Test
    void analyzerNamesAreUniqueAcrossGroups() {
        Set<String> all = new HashSet<>();
        for (LanguageGroup g : mappings.groups()) {
            for (String a : new HashSet<>(g.fields().values())) {
                assertThat(all.add(a))
                        .as("analyzer %s defined by two groups", a)
                        .isTrue();
                assertThat(a).startsWith("fs_" + g.name());
            }
        }
    }

    @Test
    void routesLanguageTags() {
        assertThat(mappings.groupForLanguage("en").name()).isEqualTo("en");
        assertThat(mappings.groupForLanguage("EN").name()).isEqualTo("en");
        assertThat(mappings.groupForLanguage("pt-BR").name()).isEqualTo("pt");
        assertThat(mappings.groupForLanguage("zh-Hant").name()).isEqualTo("zh");
        assertThat(mappings.groupForLanguage("zh-Hans-CN").name()).isEqualTo("zh");
        assertThat(mappings.groupForLanguage("zh_TW").name()).isEqualTo("zh");
        assertThat(mappings.groupForLanguage(" ja ").name()).isEqualTo("ja");
        assertThat(mappings.groupForLanguage("sv").name()).isEqualTo("nordic");
        assertThat(mappings.groupForLanguage("da").name()).isEqualTo("nordic");
        assertThat(mappings.groupForLanguage("nb").name()).isEqualTo("nordic");
        assertThat(mappings.groupForLanguage("no").name()).isEqualTo("nordic");
        assertThat(mappings.groupForLanguage("nn-NO").name()).isEqualTo("nordic");
        assertThat(mappings.groupForLanguage("uk").name()).isEqualTo("uk"); // its own lemmatizer since 2026-12
        assertThat(mappings.groupForLanguage("ru").name()).isEqualTo("ru");
        assertThat(mappings.groupForLanguage("ms").name()).isEqualTo("id");
        assertThat(mappings.groupForLanguage("iw").name()).isEqualTo("he");
        assertThat(mappings.groupForLanguage("in").name()).isEqualTo("id");
        for (String unknown : new String[] {null, "", " ", "und", "xx", "-", "tlh", "sk"}) {
            assertThat(mappings.groupForLanguage(unknown).name())
                    .as("'%s'", unknown)
                    .isEqualTo("other");
        }
        assertThat(mappings.canonicalLanguage("no")).isEqualTo("nb");
        assertThat(mappings.canonicalLanguage("pt-BR")).isEqualTo("pt");
        assertThat(mappings.canonicalLanguage("und")).isNull();
    }

    @Test
    void unknownGroupIsNamedInTheError() {
        assertThatThrownBy(() -> mappings.group("klingon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("klingon");
    }

    @Test
    void analysisIsHandedOutAsACopy() {
        LanguageGroup en = mappings.group("en");
        ((ObjectNode) en.analysis()).remove("analyzer");
        assertThat(en.analysis().has("analyzer")).isTrue();
        assertThatThrownBy(() -> en.fields().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> en.languages().add("xx")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsALanguageInTwoGroups() {
        assertThatThrownBy(() -> Mappings.loadFrom(getClass().getClassLoader(), "fixtures/dup/"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'xx'")
                .hasMessageContaining("'a'")
                .hasMessageContaining("'b'");
    }

    @Test
    void rejectsAFieldWithAnUndefinedAnalyzer() {
        assertThatThrownBy(() -> Mappings.loadFrom(getClass().getClassLoader(), "fixtures/missing_analyzer/"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("groups/other.json")
                .hasMessageContaining("fs_other_bigram");
    }
}
