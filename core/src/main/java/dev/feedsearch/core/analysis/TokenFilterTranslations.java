package dev.feedsearch.core.analysis;

import static dev.feedsearch.core.analysis.LuceneComponent.lucene;
import static dev.feedsearch.core.analysis.LuceneComponent.noParams;

import dev.feedsearch.core.analysis.LuceneComponent.Translation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
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
import org.apache.lucene.analysis.pl.PolishAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;

/**
 * OpenSearch token filter types → the Lucene token filter factories OpenSearch itself builds for them, with
 * the named stop word sets and stemmer languages OpenSearch knows.
 */
final class TokenFilterTranslations {

    private TokenFilterTranslations() {}

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

    static final Map<String, Translation> FILTERS = new HashMap<>();

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
            return lucene(
                    "patternReplace",
                    "pattern",
                    pattern,
                    "replacement",
                    replacement,
                    "replace",
                    p.bool("all", true) ? "all" : "first");
        });
        FILTERS.put(
                "asciifolding",
                (p, r) -> lucene("asciiFolding", "preserveOriginal", p.bool("preserve_original", false)));
        FILTERS.put("cjk_bigram", (p, r) -> {
            Set<String> ignored = new HashSet<>(p.list("ignored_scripts", List.of()));
            for (String s : ignored) {
                if (!Set.of("han", "hiragana", "katakana", "hangul").contains(s)) {
                    throw p.fail("ignored_scripts", "unknown script '" + s + "' (han, hiragana, katakana, hangul)");
                }
            }
            return lucene(
                    "cjkBigram",
                    "han",
                    !ignored.contains("han"),
                    "hiragana",
                    !ignored.contains("hiragana"),
                    "katakana",
                    !ignored.contains("katakana"),
                    "hangul",
                    !ignored.contains("hangul"),
                    "outputUnigrams",
                    p.bool("output_unigrams", false));
        });
        FILTERS.put("stop", (p, r) -> stop(p, r, NAMED_STOP_WORDS, "_english_"));
        // plugin analysis-stempel
        FILTERS.put("polish_stem", noParams("stempelPolishStem"));
        FILTERS.put(
                "polish_stop", (p, r) -> stop(p, r, Map.of("_polish_", PolishAnalyzer::getDefaultStopSet), "_polish_"));
        FILTERS.put(
                "ja_stop",
                (p, r) -> stop(p, r, Map.of("_japanese_", JapaneseAnalyzer::getDefaultStopSet), "_japanese_"));
        FILTERS.put("stemmer", TokenFilterTranslations::stemmer);
        FILTERS.put("snowball", (p, r) -> snowball(p, capitalize(p.string("language", p.string("name", "English")))));
        FILTERS.put("elision", (p, r) -> {
            if (!p.has("articles")) {
                throw p.fail("articles", "is required (OpenSearch refuses an elision filter without it)");
            }
            boolean ignoreCase = p.bool("articles_case", false);
            return lucene(
                    "elision",
                    "articles",
                    r.words(p.list("articles", List.of()), p, "articles"),
                    "ignoreCase",
                    ignoreCase);
        });
        FILTERS.put(
                "icu_normalizer",
                (p, r) -> lucene(
                        "icuNormalizer2",
                        "form",
                        p.oneOf("name", "nfkc_cf", "nfc", "nfkc", "nfkc_cf"),
                        "filter",
                        p.string("unicode_set_filter", null)));
        FILTERS.put("icu_folding", (p, r) -> lucene("icuFolding", "filter", p.string("unicode_set_filter", null)));
        FILTERS.put(
                "icu_transform",
                (p, r) -> lucene(
                        "icuTransform",
                        "id",
                        p.string("id", "Null"),
                        "direction",
                        p.oneOf("dir", "forward", "forward", "reverse")));
        FILTERS.put("kuromoji_part_of_speech", (p, r) -> {
            List<String> tags = p.has("stoptags")
                    ? p.list("stoptags", List.of())
                    : new ArrayList<>(JapaneseAnalyzer.getDefaultStopTags());
            return lucene("japanesePartOfSpeechStop", "tags", r.words(tags, p, "stoptags"));
        });
        FILTERS.put(
                "kuromoji_stemmer",
                (p, r) -> lucene("japaneseKatakanaStem", "minimumLength", p.integer("minimum_length", 4)));
        FILTERS.put(
                "kuromoji_readingform",
                (p, r) -> lucene("japaneseReadingForm", "useRomaji", p.bool("use_romaji", false)));
    }

    private static LuceneComponent stop(
            ComponentParams p, InlineResources r, Map<String, Supplier<CharArraySet>> named, String defaultSet) {
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
    static Set<String> wordsOf(
            ComponentParams p, String key, Map<String, Supplier<CharArraySet>> named, String defaultSet) {
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
                    throw p.fail(
                            key, "unknown stop word set '" + e + "' (known: " + new TreeSet<>(named.keySet()) + ")");
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
    private static final Map<String, Supplier<LuceneComponent>> STEMMERS = new HashMap<>();

    static {
        Map<String, String> plain = Map.ofEntries(
                Map.entry("arabic", "arabicStem"),
                Map.entry("bengali", "bengaliStem"),
                Map.entry("brazilian", "brazilianStem"),
                Map.entry("bulgarian", "bulgarianStem"),
                Map.entry("czech", "czechStem"),
                Map.entry("greek", "greekStem"),
                Map.entry("hindi", "hindiStem"),
                Map.entry("indonesian", "indonesianStem"),
                Map.entry("latvian", "latvianStem"),
                Map.entry("sorani", "soraniStem"),
                Map.entry("galician", "galicianStem"),
                Map.entry("minimal_galician", "galicianMinimalStem"),
                Map.entry("english", "porterStem"),
                Map.entry("porter", "porterStem"),
                Map.entry("light_english", "kStem"),
                Map.entry("kstem", "kStem"),
                Map.entry("minimal_english", "englishMinimalStem"),
                Map.entry("possessive_english", "englishPossessive"),
                Map.entry("light_finnish", "finnishLightStem"),
                Map.entry("light_finish", "finnishLightStem"),
                Map.entry("light_french", "frenchLightStem"),
                Map.entry("minimal_french", "frenchMinimalStem"),
                Map.entry("light_german", "germanLightStem"),
                Map.entry("minimal_german", "germanMinimalStem"),
                Map.entry("light_hungarian", "hungarianLightStem"),
                Map.entry("light_italian", "italianLightStem"),
                Map.entry("light_portuguese", "portugueseLightStem"),
                Map.entry("minimal_portuguese", "portugueseMinimalStem"),
                Map.entry("portuguese_rslp", "portugueseStem"),
                Map.entry("light_russian", "russianLightStem"),
                Map.entry("light_spanish", "spanishLightStem"),
                Map.entry("light_swedish", "swedishLightStem"));
        plain.forEach((os, spi) -> STEMMERS.put(os, () -> lucene(spi)));
        STEMMERS.put("light_norwegian", () -> lucene("norwegianLightStem", "variant", "nb"));
        STEMMERS.put("minimal_norwegian", () -> lucene("norwegianMinimalStem", "variant", "nb"));
        STEMMERS.put("light_nynorsk", () -> lucene("norwegianLightStem", "variant", "nn"));
        STEMMERS.put("minimal_nynorsk", () -> lucene("norwegianMinimalStem", "variant", "nn"));
        STEMMERS.put("porter2", () -> lucene("snowballPorter", "language", "English"));
        for (String snowball : List.of(
                "armenian",
                "basque",
                "catalan",
                "danish",
                "dutch",
                "estonian",
                "finnish",
                "french",
                "german",
                "hungarian",
                "irish",
                "italian",
                "lithuanian",
                "norwegian",
                "portuguese",
                "romanian",
                "russian",
                "spanish",
                "swedish",
                "turkish")) {
            STEMMERS.put(snowball, () -> lucene("snowballPorter", "language", capitalize(snowball)));
        }
    }

    private static LuceneComponent stemmer(ComponentParams p, InlineResources r) {
        String language = p.string("language", null);
        String key = language != null ? "language" : "name";
        if (language == null) {
            language = p.string("name", "porter");
        }
        // OpenSearch accepts both light_german and lightGerman, case-insensitively
        String normalized = language.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        Supplier<LuceneComponent> s = STEMMERS.get(normalized);
        if (s == null) {
            throw p.fail(
                    key,
                    "unsupported stemmer language '" + language + "' (supported: " + new TreeSet<>(STEMMERS.keySet())
                            + ")");
        }
        return s.get();
    }

    private static LuceneComponent snowball(ComponentParams p, String language) {
        if (!language.matches("[A-Z][a-z]+")) {
            throw p.fail("language", "unsupported snowball language '" + language + "'");
        }
        return lucene("snowballPorter", "language", language);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
