package dev.feedsearch.core.analysis;

import static dev.feedsearch.core.analysis.LuceneComponent.lucene;

import dev.feedsearch.core.analysis.LuceneComponent.Translation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** OpenSearch char filter types → the Lucene char filter factories OpenSearch itself builds for them. */
final class CharFilterTranslations {

    private CharFilterTranslations() {}

    static final Map<String, Translation> CHAR_FILTERS = Map.of(
            "mapping", CharFilterTranslations::mappingCharFilter,
            "pattern_replace",
                    (p, r) -> {
                        String pattern = p.required("pattern");
                        String replacement = p.string("replacement", "");
                        if (!p.string("flags", "").isEmpty()) {
                            throw p.fail(
                                    "flags",
                                    "regex flags are not supported; use inline flags such as (?i) in the pattern");
                        }
                        return lucene("patternReplace", "pattern", pattern, "replacement", replacement);
                    },
            "html_strip",
                    (p, r) -> {
                        List<String> escaped = p.list("escaped_tags", List.of());
                        return lucene("htmlStrip", "escapedTags", escaped.isEmpty() ? null : String.join(",", escaped));
                    },
            "icu_normalizer",
                    (p, r) -> lucene(
                            "icuNormalizer2",
                            "form",
                            p.oneOf("name", "nfkc_cf", "nfc", "nfkc", "nfkc_cf"),
                            "mode",
                            p.oneOf("mode", "compose", "compose", "decompose"),
                            "filter",
                            p.string("unicode_set_filter", null)),
            "kuromoji_iteration_mark",
                    (p, r) -> lucene(
                            "japaneseIterationMark",
                            "normalizeKanji",
                            p.bool("normalize_kanji", true),
                            "normalizeKana",
                            p.bool("normalize_kana", true)));

    /** OpenSearch's rule syntax: {@code source => target}, both sides trimmed, with \\uXXXX-style escapes. */
    private static final Pattern OPENSEARCH_MAPPING_RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    private static LuceneComponent mappingCharFilter(ComponentParams p, InlineResources r) {
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

    private static String unescapeOpenSearch(String s, ComponentParams p) {
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
}
