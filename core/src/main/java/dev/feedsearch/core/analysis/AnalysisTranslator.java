package dev.feedsearch.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.feedsearch.mappings.LanguageGroup;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.ga.IrishAnalyzer;
import org.apache.lucene.analysis.gl.GalicianAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.hy.ArmenianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.apache.lucene.analysis.pl.PolishAnalyzer;
import org.apache.lucene.analysis.uk.UkrainianMorfologikAnalyzer;
import org.apache.lucene.util.ClasspathResourceLoader;
import org.apache.lucene.util.ResourceLoader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates a language group's analysis, written in OpenSearch's {@code settings.analysis} JSON form, into
 * Lucene {@link CustomAnalyzer}s built through Lucene's SPI factory names. The JSON is the only definition of
 * an analyzer: nothing here hand-builds one.
 *
 * <p>Each supported OpenSearch component type is mapped to the Lucene factory that OpenSearch 3.8 itself
 * instantiates for it, with OpenSearch's parameter names and defaults translated to Lucene's (explicitly, where
 * the two projects' defaults differ, e.g. kuromoji's {@code discard_compound_token}). Word lists (stop words,
 * articles, part-of-speech tags, mapping rules, user dictionaries) are handed to the Lucene factories as
 * in-memory resources. A component type, parameter or value this class does not know fails loudly with the
 * group, the component and the parameter named: nothing is silently ignored.
 */
public final class AnalysisTranslator {

    private AnalysisTranslator() {
    }

    /** Builds every analyzer the group defines, by analyzer name (in file order). */
    public static Map<String, Analyzer> translate(LanguageGroup group) {
        return translate(group.name(), group.analysis());
    }

    /**
     * Builds every analyzer in an OpenSearch {@code settings.analysis} object.
     *
     * @param group    name used in error messages
     * @param analysis the {@code settings.analysis} object
     * @throws IllegalArgumentException naming the group, analyzer, component and parameter at fault
     */
    public static Map<String, Analyzer> translate(String group, JsonNode analysis) {
        JsonNode analyzers = analysis.path("analyzer");
        if (!analyzers.isObject() || analyzers.isEmpty()) {
            throw new IllegalArgumentException("group '" + group + "': analysis.analyzer must be a non-empty object");
        }
        for (Map.Entry<String, JsonNode> section : analysis.properties()) {
            if (!Set.of("analyzer", "tokenizer", "filter", "char_filter").contains(section.getKey())) {
                throw new IllegalArgumentException("group '" + group + "': unsupported analysis section '"
                    + section.getKey() + "' (supported: analyzer, tokenizer, filter, char_filter)");
            }
        }
        Map<String, Analyzer> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> a : analyzers.properties()) {
            out.put(a.getKey(), buildAnalyzer(group, analysis, a.getKey(), a.getValue()));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ analyzer

    private static Analyzer buildAnalyzer(String group, JsonNode analysis, String name, JsonNode def) {
        String where = "group '" + group + "', analyzer '" + name + "'";
        if (!def.isObject()) {
            throw new IllegalArgumentException(where + ": definition must be an object");
        }
        Params p = new Params(where, def);
        String type = p.string("type", null);
        if ("ukrainian".equals(type)) {
            return ukrainian(p);
        }
        if (!"custom".equals(type)) {
            throw new IllegalArgumentException(where + ": only \"type\": \"custom\" and \"ukrainian\" analyzers are supported, got "
                + (type == null ? "none" : "'" + type + "'"));
        }
        String tokenizer = p.string("tokenizer", null);
        if (tokenizer == null) {
            throw new IllegalArgumentException(where + ": 'tokenizer' is required");
        }
        List<String> charFilters = p.list("char_filter", List.of());
        List<String> filters = p.list("filter", List.of());
        Integer positionGap = p.has("position_increment_gap") ? p.integer("position_increment_gap", 0) : null;
        Integer offsetGap = p.has("offset_gap") ? p.integer("offset_gap", 0) : null;
        p.done();

        InlineResources resources = new InlineResources();
        CustomAnalyzer.Builder b = CustomAnalyzer.builder(resources);
        try {
            for (String c : charFilters) {
                Component lc = component(group, analysis, Kind.CHAR_FILTER, c, resources);
                apply(where, lc, () -> b.addCharFilter(lc.spiName(), lc.args()));
            }
            Component t = component(group, analysis, Kind.TOKENIZER, tokenizer, resources);
            apply(where, t, () -> b.withTokenizer(t.spiName(), t.args()));
            for (String f : filters) {
                Component lf = component(group, analysis, Kind.FILTER, f, resources);
                apply(where, lf, () -> b.addTokenFilter(lf.spiName(), lf.args()));
            }
            if (positionGap != null) {
                b.withPositionIncrementGap(positionGap);
            }
            if (offsetGap != null) {
                b.withOffsetGap(offsetGap);
            }
            return b.build();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * OpenSearch's {@code ukrainian} analyzer (plugin analysis-ukrainian): Lucene's morfologik analyzer with its
     * Ukrainian dictionary. The plugin registers no token filter, so a custom chain cannot hold the lemmatizer:
     * the whole analyzer is the one definition, with its {@code stopwords} and {@code stem_exclusion} settings.
     */
    private static Analyzer ukrainian(Params p) {
        Map<String, Supplier<CharArraySet>> named = Map.of("_ukrainian_", UkrainianMorfologikAnalyzer::getDefaultStopwords);
        CharArraySet stop = new CharArraySet(wordsOf(p, "stopwords", named, "_ukrainian_"), true);
        CharArraySet exclusion = new CharArraySet(p.list("stem_exclusion", List.of()), false);
        p.done();
        return new UkrainianMorfologikAnalyzer(stop, exclusion);
    }

    private interface BuilderStep {
        void run() throws IOException;
    }

    private static void apply(String where, Component c, BuilderStep step) throws IOException {
        try {
            step.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(where + ", " + c.where() + " -> Lucene '" + c.spiName() + "' "
                + c.args() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ components

    private enum Kind {
        TOKENIZER("tokenizer"), CHAR_FILTER("char_filter"), FILTER("filter");

        final String section;

        Kind(String section) {
            this.section = section;
        }
    }

    /** A Lucene factory name with its arguments, and where it came from (for messages). */
    private record Component(String spiName, Map<String, String> args, String where) {
    }

    private interface Translation {
        Component translate(Params p, InlineResources r);
    }

    private static Component component(String group, JsonNode analysis, Kind kind, String name, InlineResources r) {
        JsonNode def = analysis.path(kind.section).path(name);
        String type;
        String where;
        Params p;
        if (def.isMissingNode()) {
            // a built-in: OpenSearch instantiates the type of that name with its default settings
            type = name;
            where = kind.section + " '" + name + "' (built-in)";
            p = new Params("group '" + group + "', " + where, EMPTY);
        } else {
            if (!def.isObject() || !def.path("type").isTextual()) {
                throw new IllegalArgumentException("group '" + group + "', " + kind.section + " '" + name
                    + "': definition must be an object with a 'type'");
            }
            type = def.path("type").asText();
            where = kind.section + " '" + name + "' (type " + type + ")";
            p = new Params("group '" + group + "', " + where, def);
            p.string("type", null);
        }
        Map<String, Translation> table = switch (kind) {
            case TOKENIZER -> TOKENIZERS;
            case CHAR_FILTER -> CHAR_FILTERS;
            case FILTER -> FILTERS;
        };
        Translation t = table.get(type);
        if (t == null) {
            throw new IllegalArgumentException("group '" + group + "', " + where + ": unsupported " + kind.section
                + (def.isMissingNode() ? " (neither defined in analysis." + kind.section + " nor a supported built-in)" : " type")
                + "; supported: " + new TreeSet<>(table.keySet()));
        }
        Component c = t.translate(p, r);
        p.done();
        return new Component(c.spiName(), c.args(), where);
    }

    private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

    private static Component lucene(String spiName, Object... keyValues) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                args.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
            }
        }
        return new Component(spiName, args, null);
    }

    private static Translation noParams(String spiName) {
        return (p, r) -> lucene(spiName);
    }

    // --- tokenizers

    private static final Map<String, Translation> TOKENIZERS = Map.of(
        "standard", (p, r) -> lucene("standard", "maxTokenLength", p.intOrNull("max_token_length")),
        "whitespace", (p, r) -> lucene("whitespace", "maxTokenLen", p.intOrNull("max_token_length")),
        "keyword", noParams("keyword"),
        "thai", noParams("thai"),
        "icu_tokenizer", (p, r) -> lucene("icu", "cjkAsWords", true, "myanmarAsWords", true),
        "kuromoji_tokenizer", AnalysisTranslator::kuromojiTokenizer,
        "nori_tokenizer", AnalysisTranslator::noriTokenizer,
        "smartcn_tokenizer", noParams("hmmChinese"));

    private static Component kuromojiTokenizer(Params p, InlineResources r) {
        String mode = p.oneOf("mode", "search", "search", "normal", "extended");
        boolean discardPunctuation = p.bool("discard_punctuation", true);
        // OpenSearch defaults discard_compound_token to false, Lucene's factory to true: always pass it
        boolean discardCompound = p.bool("discard_compound_token", false);
        String dictionary = userDictionary(p, r);
        return lucene("japanese", "mode", mode.toUpperCase(Locale.ROOT), "discardPunctuation", discardPunctuation,
            "discardCompoundToken", discardCompound, "userDictionary", dictionary,
            "userDictionaryEncoding", dictionary == null ? null : "UTF-8");
    }

    private static Component noriTokenizer(Params p, InlineResources r) {
        String mode = p.oneOf("decompound_mode", "discard", "none", "discard", "mixed");
        boolean discardPunctuation = p.bool("discard_punctuation", true);
        String dictionary = userDictionary(p, r);
        // OpenSearch's nori_tokenizer never outputs unknown-word unigrams
        return lucene("korean", "decompoundMode", mode.toUpperCase(Locale.ROOT), "outputUnknownUnigrams", false,
            "discardPunctuation", discardPunctuation, "userDictionary", dictionary,
            "userDictionaryEncoding", dictionary == null ? null : "UTF-8");
    }

    private static String userDictionary(Params p, InlineResources r) {
        if (!p.has("user_dictionary_rules")) {
            return null;
        }
        if (!p.def.path("user_dictionary_rules").isArray()) {
            // OpenSearch would split a plain string at commas, which breaks CSV rules
            throw p.fail("user_dictionary_rules", "must be an array of rules");
        }
        return r.add(p.list("user_dictionary_rules", List.of()), p, "user_dictionary_rules");
    }

    // --- char filters

    private static final Map<String, Translation> CHAR_FILTERS = Map.of(
        "mapping", AnalysisTranslator::mappingCharFilter,
        "pattern_replace", (p, r) -> {
            String pattern = p.required("pattern");
            String replacement = p.string("replacement", "");
            if (!p.string("flags", "").isEmpty()) {
                throw p.fail("flags", "regex flags are not supported; use inline flags such as (?i) in the pattern");
            }
            return lucene("patternReplace", "pattern", pattern, "replacement", replacement);
        },
        "html_strip", (p, r) -> {
            List<String> escaped = p.list("escaped_tags", List.of());
            return lucene("htmlStrip", "escapedTags", escaped.isEmpty() ? null : String.join(",", escaped));
        },
        "icu_normalizer", (p, r) -> lucene("icuNormalizer2",
            "form", p.oneOf("name", "nfkc_cf", "nfc", "nfkc", "nfkc_cf"),
            "mode", p.oneOf("mode", "compose", "compose", "decompose"),
            "filter", p.string("unicode_set_filter", null)),
        "kuromoji_iteration_mark", (p, r) -> lucene("japaneseIterationMark",
            "normalizeKanji", p.bool("normalize_kanji", true), "normalizeKana", p.bool("normalize_kana", true)));

    /** OpenSearch's rule syntax: {@code source => target}, both sides trimmed, with \\uXXXX-style escapes. */
    private static final Pattern OPENSEARCH_MAPPING_RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    private static Component mappingCharFilter(Params p, InlineResources r) {
        if (!p.has("mappings")) {
            throw p.fail("mappings", "is required");
        }
        List<String> luceneRules = new ArrayList<>();
        for (String rule : p.list("mappings", List.of())) {
            Matcher m = OPENSEARCH_MAPPING_RULE.matcher(rule);
            if (!m.find()) {
                throw p.fail("mappings", "invalid rule [" + rule + "], expected 'source => target'");
            }
            String source = unescapeOpenSearch(m.group(1).trim(), p);
            String target = unescapeOpenSearch(m.group(2).trim(), p);
            if (source.isEmpty()) {
                throw p.fail("mappings", "rule [" + rule + "] has an empty source");
            }
            luceneRules.add("\"" + escapeLucene(source) + "\" => \"" + escapeLucene(target) + "\"");
        }
        return lucene("mapping", "mapping", r.add(luceneRules, p, "mappings"));
    }

    private static String unescapeOpenSearch(String s, Params p) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw p.fail("mappings", "invalid escape at the end of [" + s + "]");
            }
            c = s.charAt(i);
            switch (c) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw p.fail("mappings", "invalid \\u escape in [" + s + "]");
                    }
                    try {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException e) {
                        throw p.fail("mappings", "invalid \\u escape in [" + s + "]");
                    }
                    i += 4;
                }
                default -> out.append(c); // '\\' and anything else stand for themselves, as in OpenSearch
            }
        }
        return out.toString();
    }

    private static String escapeLucene(String s) {
        StringBuilder out = new StringBuilder(s.length() * 6);
        for (int i = 0; i < s.length(); i++) {
            out.append(String.format(Locale.ROOT, "\\u%04X", (int) s.charAt(i)));
        }
        return out.toString();
    }

    // --- token filters

    /** OpenSearch's named stop word sets ({@code _english_} etc.), all Lucene's own default sets. */
    private static final Map<String, Supplier<CharArraySet>> NAMED_STOP_WORDS = Map.ofEntries(
        Map.entry("_arabic_", ArabicAnalyzer::getDefaultStopSet),
        Map.entry("_armenian_", ArmenianAnalyzer::getDefaultStopSet),
        Map.entry("_basque_", BasqueAnalyzer::getDefaultStopSet),
        Map.entry("_bengali_", BengaliAnalyzer::getDefaultStopSet),
        Map.entry("_brazilian_", BrazilianAnalyzer::getDefaultStopSet),
        Map.entry("_bulgarian_", BulgarianAnalyzer::getDefaultStopSet),
        Map.entry("_catalan_", CatalanAnalyzer::getDefaultStopSet),
        Map.entry("_czech_", CzechAnalyzer::getDefaultStopSet),
        Map.entry("_danish_", DanishAnalyzer::getDefaultStopSet),
        Map.entry("_dutch_", DutchAnalyzer::getDefaultStopSet),
        Map.entry("_english_", EnglishAnalyzer::getDefaultStopSet),
        Map.entry("_estonian_", EstonianAnalyzer::getDefaultStopSet),
        Map.entry("_finnish_", FinnishAnalyzer::getDefaultStopSet),
        Map.entry("_french_", FrenchAnalyzer::getDefaultStopSet),
        Map.entry("_galician_", GalicianAnalyzer::getDefaultStopSet),
        Map.entry("_german_", GermanAnalyzer::getDefaultStopSet),
        Map.entry("_greek_", GreekAnalyzer::getDefaultStopSet),
        Map.entry("_hindi_", HindiAnalyzer::getDefaultStopSet),
        Map.entry("_hungarian_", HungarianAnalyzer::getDefaultStopSet),
        Map.entry("_indonesian_", IndonesianAnalyzer::getDefaultStopSet),
        Map.entry("_irish_", IrishAnalyzer::getDefaultStopSet),
        Map.entry("_italian_", ItalianAnalyzer::getDefaultStopSet),
        Map.entry("_latvian_", LatvianAnalyzer::getDefaultStopSet),
        Map.entry("_lithuanian_", LithuanianAnalyzer::getDefaultStopSet),
        Map.entry("_norwegian_", NorwegianAnalyzer::getDefaultStopSet),
        Map.entry("_persian_", PersianAnalyzer::getDefaultStopSet),
        Map.entry("_portuguese_", PortugueseAnalyzer::getDefaultStopSet),
        Map.entry("_romanian_", RomanianAnalyzer::getDefaultStopSet),
        Map.entry("_russian_", RussianAnalyzer::getDefaultStopSet),
        Map.entry("_sorani_", SoraniAnalyzer::getDefaultStopSet),
        Map.entry("_spanish_", SpanishAnalyzer::getDefaultStopSet),
        Map.entry("_swedish_", SwedishAnalyzer::getDefaultStopSet),
        Map.entry("_thai_", ThaiAnalyzer::getDefaultStopSet),
        Map.entry("_turkish_", TurkishAnalyzer::getDefaultStopSet));


    private static final Map<String, Translation> FILTERS = new HashMap<>();

    static {
        Map<String, String> simple = Map.ofEntries(
            Map.entry("cjk_width", "cjkWidth"),
            Map.entry("decimal_digit", "decimalDigit"),
            Map.entry("apostrophe", "apostrophe"),
            Map.entry("arabic_normalization", "arabicNormalization"),
            Map.entry("arabic_stem", "arabicStem"),
            Map.entry("persian_normalization", "persianNormalization"),
            Map.entry("persian_stem", "persianStem"),
            Map.entry("german_normalization", "germanNormalization"),
            Map.entry("scandinavian_folding", "scandinavianFolding"),
            Map.entry("scandinavian_normalization", "scandinavianNormalization"),
            Map.entry("indic_normalization", "indicNormalization"),
            Map.entry("hindi_normalization", "hindiNormalization"),
            Map.entry("bengali_normalization", "bengaliNormalization"),
            Map.entry("sorani_normalization", "soraniNormalization"),
            Map.entry("czech_stem", "czechStem"),
            Map.entry("brazilian_stem", "brazilianStem"),
            Map.entry("porter_stem", "porterStem"),
            Map.entry("kstem", "kStem"),
            Map.entry("kuromoji_baseform", "japaneseBaseForm"),
            Map.entry("kuromoji_number", "japaneseNumber"),
            Map.entry("nori_readingform", "koreanReadingForm"),
            Map.entry("nori_number", "koreanNumber"));
        simple.forEach((os, spi) -> FILTERS.put(os, noParams(spi)));

        FILTERS.put("lowercase", (p, r) -> {
            String language = p.string("language", null);
            if (language == null) {
                return lucene("lowercase");
            }
            return switch (language.toLowerCase(Locale.ROOT)) {
                case "greek" -> lucene("greekLowercase");
                case "irish" -> lucene("irishLowercase");
                case "turkish" -> lucene("turkishLowercase");
                default -> throw p.fail("language", "'" + language + "' is not one of greek, irish, turkish");
            };
        });
        FILTERS.put("pattern_replace", (p, r) -> {
            String pattern = p.required("pattern");
            String replacement = p.string("replacement", "");
            if (!p.string("flags", "").isEmpty()) {
                throw p.fail("flags", "regex flags are not supported; use inline flags such as (?i) in the pattern");
            }
            return lucene("patternReplace", "pattern", pattern, "replacement", replacement,
                "replace", p.bool("all", true) ? "all" : "first");
        });
        FILTERS.put("asciifolding", (p, r) -> lucene("asciiFolding", "preserveOriginal", p.bool("preserve_original", false)));
        FILTERS.put("cjk_bigram", (p, r) -> {
            Set<String> ignored = new HashSet<>(p.list("ignored_scripts", List.of()));
            for (String s : ignored) {
                if (!Set.of("han", "hiragana", "katakana", "hangul").contains(s)) {
                    throw p.fail("ignored_scripts", "unknown script '" + s + "' (han, hiragana, katakana, hangul)");
                }
            }
            return lucene("cjkBigram", "han", !ignored.contains("han"), "hiragana", !ignored.contains("hiragana"),
                "katakana", !ignored.contains("katakana"), "hangul", !ignored.contains("hangul"),
                "outputUnigrams", p.bool("output_unigrams", false));
        });
        FILTERS.put("stop", (p, r) -> stop(p, r, NAMED_STOP_WORDS, "_english_"));
        // plugin analysis-stempel
        FILTERS.put("polish_stem", noParams("stempelPolishStem"));
        FILTERS.put("polish_stop", (p, r) -> stop(p, r, Map.of("_polish_", PolishAnalyzer::getDefaultStopSet), "_polish_"));
        FILTERS.put("ja_stop", (p, r) -> stop(p, r, Map.of("_japanese_", JapaneseAnalyzer::getDefaultStopSet), "_japanese_"));
        FILTERS.put("stemmer", AnalysisTranslator::stemmer);
        FILTERS.put("snowball", (p, r) -> snowball(p, capitalize(p.string("language", p.string("name", "English")))));
        FILTERS.put("elision", (p, r) -> {
            if (!p.has("articles")) {
                throw p.fail("articles", "is required (OpenSearch refuses an elision filter without it)");
            }
            boolean ignoreCase = p.bool("articles_case", false);
            return lucene("elision", "articles", r.words(p.list("articles", List.of()), p, "articles"),
                "ignoreCase", ignoreCase);
        });
        FILTERS.put("icu_normalizer", (p, r) -> lucene("icuNormalizer2",
            "form", p.oneOf("name", "nfkc_cf", "nfc", "nfkc", "nfkc_cf"),
            "filter", p.string("unicode_set_filter", null)));
        FILTERS.put("icu_folding", (p, r) -> lucene("icuFolding", "filter", p.string("unicode_set_filter", null)));
        FILTERS.put("icu_transform", (p, r) -> lucene("icuTransform", "id", p.string("id", "Null"),
            "direction", p.oneOf("dir", "forward", "forward", "reverse")));
        FILTERS.put("kuromoji_part_of_speech", (p, r) -> {
            List<String> tags = p.has("stoptags") ? p.list("stoptags", List.of())
                : new ArrayList<>(JapaneseAnalyzer.getDefaultStopTags());
            return lucene("japanesePartOfSpeechStop", "tags", r.words(tags, p, "stoptags"));
        });
        FILTERS.put("kuromoji_stemmer", (p, r) -> lucene("japaneseKatakanaStem", "minimumLength", p.integer("minimum_length", 4)));
        FILTERS.put("kuromoji_readingform", (p, r) -> lucene("japaneseReadingForm", "useRomaji", p.bool("use_romaji", false)));
    }

    private static Component stop(Params p, InlineResources r, Map<String, Supplier<CharArraySet>> named,
                                  String defaultSet) {
        if (p.has("stopwords_path")) {
            throw p.fail("stopwords_path", "files are not supported; list the words in 'stopwords'");
        }
        boolean ignoreCase = p.bool("ignore_case", false);
        if (!p.bool("remove_trailing", true)) {
            throw p.fail("remove_trailing", "false (suggest-style stop filtering) is not supported");
        }
        Set<String> words = wordsOf(p, "stopwords", named, defaultSet);
        return lucene("stop", "words", r.words(new ArrayList<>(words), p, "stopwords"), "ignoreCase", ignoreCase);
    }

    /** A word list parameter: words, named sets ({@code _english_}) or {@code _none_}. */
    private static Set<String> wordsOf(Params p, String key, Map<String, Supplier<CharArraySet>> named, String defaultSet) {
        if (p.has(key + "_path")) {
            throw p.fail(key + "_path", "files are not supported; list the words in '" + key + "'");
        }
        List<String> entries = p.list(key, List.of(defaultSet));
        Set<String> words = new LinkedHashSet<>();
        if (!(entries.size() == 1 && entries.get(0).equals("_none_"))) {
            for (String e : entries) {
                Supplier<CharArraySet> set = named.get(e);
                if (set != null) {
                    words.addAll(strings(set.get()));
                } else if (e.startsWith("_") && e.endsWith("_") && e.length() > 2) {
                    throw p.fail(key, "unknown stop word set '" + e + "' (known: " + new TreeSet<>(named.keySet()) + ")");
                } else {
                    words.add(e);
                }
            }
        }
        return words;
    }

    private static List<String> strings(CharArraySet set) {
        List<String> out = new ArrayList<>(set.size());
        for (Object o : set) {
            out.add(o instanceof char[] chars ? new String(chars) : String.valueOf(o));
        }
        return out;
    }

    /** OpenSearch {@code stemmer} languages → the Lucene filter OpenSearch builds for each. */
    private static final Map<String, Supplier<Component>> STEMMERS = new HashMap<>();

    static {
        Map<String, String> plain = Map.ofEntries(
            Map.entry("arabic", "arabicStem"), Map.entry("bengali", "bengaliStem"),
            Map.entry("brazilian", "brazilianStem"), Map.entry("bulgarian", "bulgarianStem"),
            Map.entry("czech", "czechStem"), Map.entry("greek", "greekStem"), Map.entry("hindi", "hindiStem"),
            Map.entry("indonesian", "indonesianStem"), Map.entry("latvian", "latvianStem"),
            Map.entry("sorani", "soraniStem"), Map.entry("galician", "galicianStem"),
            Map.entry("minimal_galician", "galicianMinimalStem"),
            Map.entry("english", "porterStem"), Map.entry("porter", "porterStem"),
            Map.entry("light_english", "kStem"), Map.entry("kstem", "kStem"),
            Map.entry("minimal_english", "englishMinimalStem"), Map.entry("possessive_english", "englishPossessive"),
            Map.entry("light_finnish", "finnishLightStem"), Map.entry("light_finish", "finnishLightStem"),
            Map.entry("light_french", "frenchLightStem"), Map.entry("minimal_french", "frenchMinimalStem"),
            Map.entry("light_german", "germanLightStem"), Map.entry("minimal_german", "germanMinimalStem"),
            Map.entry("light_hungarian", "hungarianLightStem"), Map.entry("light_italian", "italianLightStem"),
            Map.entry("light_portuguese", "portugueseLightStem"), Map.entry("minimal_portuguese", "portugueseMinimalStem"),
            Map.entry("portuguese_rslp", "portugueseStem"), Map.entry("light_russian", "russianLightStem"),
            Map.entry("light_spanish", "spanishLightStem"), Map.entry("light_swedish", "swedishLightStem"));
        plain.forEach((os, spi) -> STEMMERS.put(os, () -> lucene(spi)));
        STEMMERS.put("light_norwegian", () -> lucene("norwegianLightStem", "variant", "nb"));
        STEMMERS.put("minimal_norwegian", () -> lucene("norwegianMinimalStem", "variant", "nb"));
        STEMMERS.put("light_nynorsk", () -> lucene("norwegianLightStem", "variant", "nn"));
        STEMMERS.put("minimal_nynorsk", () -> lucene("norwegianMinimalStem", "variant", "nn"));
        STEMMERS.put("porter2", () -> lucene("snowballPorter", "language", "English"));
        for (String snowball : List.of("armenian", "basque", "catalan", "danish", "dutch", "estonian", "finnish",
            "french", "german", "hungarian", "irish", "italian", "lithuanian", "norwegian", "portuguese", "romanian",
            "russian", "spanish", "swedish", "turkish")) {
            STEMMERS.put(snowball, () -> lucene("snowballPorter", "language", capitalize(snowball)));
        }
    }

    private static Component stemmer(Params p, InlineResources r) {
        String language = p.string("language", null);
        String key = language != null ? "language" : "name";
        if (language == null) {
            language = p.string("name", "porter");
        }
        // OpenSearch accepts both light_german and lightGerman, case-insensitively
        String normalized = language.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        Supplier<Component> s = STEMMERS.get(normalized);
        if (s == null) {
            throw p.fail(key, "unsupported stemmer language '" + language + "' (supported: "
                + new TreeSet<>(STEMMERS.keySet()) + ")");
        }
        return s.get();
    }

    private static Component snowball(Params p, String language) {
        if (!language.matches("[A-Z][a-z]+")) {
            throw p.fail("language", "unsupported snowball language '" + language + "'");
        }
        return lucene("snowballPorter", "language", language);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ------------------------------------------------------------------------------------------------ params

    /** One component definition's parameters; tracks which were read so leftovers fail loudly. */
    private static final class Params {
        final String where;
        final JsonNode def;
        final Set<String> used = new HashSet<>();

        Params(String where, JsonNode def) {
            this.where = where;
            this.def = def;
        }

        boolean has(String key) {
            return def.has(key) && !def.get(key).isNull();
        }

        IllegalArgumentException fail(String key, String message) {
            return new IllegalArgumentException(where + ", parameter '" + key + "': " + message);
        }

        String string(String key, String dflt) {
            used.add(key);
            if (!has(key)) {
                return dflt;
            }
            JsonNode v = def.get(key);
            if (!v.isValueNode()) {
                throw fail(key, "must be a single value, got " + v);
            }
            return v.asText();
        }

        String required(String key) {
            String v = string(key, null);
            if (v == null) {
                throw fail(key, "is required");
            }
            return v;
        }

        Integer intOrNull(String key) {
            return has(key) ? integer(key, 0) : null;
        }

        int integer(String key, int dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw fail(key, "'" + v + "' is not an integer");
            }
        }

        boolean bool(String key, boolean dflt) {
            String v = string(key, null);
            if (v == null) {
                return dflt;
            }
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw fail(key, "'" + v + "' is not true or false");
            };
        }

        String oneOf(String key, String dflt, String... allowed) {
            String v = string(key, dflt);
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            throw fail(key, "'" + v + "' is not one of " + List.of(allowed));
        }

        /** An array, or (as OpenSearch settings do) a comma-delimited string. */
        List<String> list(String key, List<String> dflt) {
            used.add(key);
            if (!has(key)) {
                return dflt;
            }
            JsonNode v = def.get(key);
            List<String> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode e : v) {
                    if (!e.isValueNode()) {
                        throw fail(key, "array elements must be single values, got " + e);
                    }
                    out.add(e.asText());
                }
            } else if (v.isValueNode()) {
                for (String s : v.asText().split(",")) {
                    if (!s.isBlank()) {
                        out.add(s.trim());
                    }
                }
            } else {
                throw fail(key, "must be an array or a string, got " + v);
            }
            return out;
        }

        void done() {
            List<String> unknown = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : def.properties()) {
                if (!used.contains(e.getKey())) {
                    unknown.add(e.getKey());
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(where + ": unsupported parameter" + (unknown.size() > 1 ? "s " : " ")
                    + unknown);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ resources

    /**
     * Serves word lists, rules and dictionaries to Lucene's factories from memory. Every file name it hands out
     * is its own; any other resource request fails, so nothing is read from disk or the classpath by accident.
     */
    private static final class InlineResources implements ResourceLoader {
        private final Map<String, byte[]> files = new HashMap<>();
        private final ResourceLoader classes = new ClasspathResourceLoader(AnalysisTranslator.class.getClassLoader());

        /** Stores lines verbatim (rules, dictionaries) and returns the resource name. */
        String add(Collection<String> lines, Params p, String key) {
            for (String line : lines) {
                if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                    throw p.fail(key, "entries must not contain line breaks: [" + line + "]");
                }
            }
            String name = "feedsearch-inline-" + files.size() + ".txt";
            files.put(name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            return name;
        }

        /** Stores a word list in Lucene's one-word-a-line format, refusing words that format cannot carry. */
        String words(List<String> words, Params p, String key) {
            for (String w : words) {
                if (w.isEmpty() || !w.equals(w.strip()) || w.startsWith("#")) {
                    throw p.fail(key, "word [" + w + "] cannot be passed to Lucene (empty, padded or starting with '#')");
                }
            }
            return add(words, p, key);
        }

        @Override
        public InputStream openResource(String resource) throws IOException {
            byte[] bytes = files.get(resource);
            if (bytes == null) {
                throw new IOException("resource '" + resource + "' was requested, but analysis definitions may only "
                    + "use inline word lists");
            }
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public <T> Class<? extends T> findClass(String cname, Class<T> expectedType) {
            return classes.findClass(cname, expectedType);
        }
    }
}
