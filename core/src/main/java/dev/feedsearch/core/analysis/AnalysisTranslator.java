package dev.feedsearch.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.feedsearch.core.analysis.LuceneComponent.Translation;
import dev.feedsearch.mappings.LanguageGroup;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.uk.UkrainianMorfologikAnalyzer;

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
 *
 * <p>This class assembles analyzers; the per-type translations live in {@link TokenizerTranslations},
 * {@link CharFilterTranslations} and {@link TokenFilterTranslations}, reading parameters through
 * {@link ComponentParams} and handing word lists over through {@link InlineResources}.
 */
public final class AnalysisTranslator {

    private AnalysisTranslator() {}

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
        ComponentParams p = new ComponentParams(where, def);
        String type = p.string("type", null);
        if ("ukrainian".equals(type)) {
            return ukrainian(p);
        }
        if (!"custom".equals(type)) {
            throw new IllegalArgumentException(
                    where + ": only \"type\": \"custom\" and \"ukrainian\" analyzers are supported, got "
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
                LuceneComponent lc = component(group, analysis, Kind.CHAR_FILTER, c, resources);
                apply(where, lc, () -> b.addCharFilter(lc.spiName(), lc.args()));
            }
            LuceneComponent t = component(group, analysis, Kind.TOKENIZER, tokenizer, resources);
            apply(where, t, () -> b.withTokenizer(t.spiName(), t.args()));
            for (String f : filters) {
                LuceneComponent lf = component(group, analysis, Kind.FILTER, f, resources);
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
    private static Analyzer ukrainian(ComponentParams p) {
        Map<String, Supplier<CharArraySet>> named =
                Map.of("_ukrainian_", UkrainianMorfologikAnalyzer::getDefaultStopwords);
        CharArraySet stop =
                new CharArraySet(TokenFilterTranslations.wordsOf(p, "stopwords", named, "_ukrainian_"), true);
        CharArraySet exclusion = new CharArraySet(p.list("stem_exclusion", List.of()), false);
        p.done();
        return new UkrainianMorfologikAnalyzer(stop, exclusion);
    }

    private interface BuilderStep {
        void run() throws IOException;
    }

    private static void apply(String where, LuceneComponent c, BuilderStep step) throws IOException {
        try {
            step.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    where + ", " + c.where() + " -> Lucene '" + c.spiName() + "' " + c.args() + ": " + e.getMessage(),
                    e);
        }
    }

    // ------------------------------------------------------------------------------------------------ components

    private enum Kind {
        TOKENIZER("tokenizer"),
        CHAR_FILTER("char_filter"),
        FILTER("filter");

        final String section;

        Kind(String section) {
            this.section = section;
        }
    }

    private static LuceneComponent component(
            String group, JsonNode analysis, Kind kind, String name, InlineResources r) {
        JsonNode def = analysis.path(kind.section).path(name);
        String type;
        String where;
        ComponentParams p;
        if (def.isMissingNode()) {
            // a built-in: OpenSearch instantiates the type of that name with its default settings
            type = name;
            where = kind.section + " '" + name + "' (built-in)";
            p = new ComponentParams("group '" + group + "', " + where, EMPTY);
        } else {
            if (!def.isObject() || !def.path("type").isTextual()) {
                throw new IllegalArgumentException("group '" + group + "', " + kind.section + " '" + name
                        + "': definition must be an object with a 'type'");
            }
            type = def.path("type").asText();
            where = kind.section + " '" + name + "' (type " + type + ")";
            p = new ComponentParams("group '" + group + "', " + where, def);
            p.string("type", null);
        }
        Map<String, Translation> table = switch (kind) {
            case TOKENIZER -> TokenizerTranslations.TOKENIZERS;
            case CHAR_FILTER -> CharFilterTranslations.CHAR_FILTERS;
            case FILTER -> TokenFilterTranslations.FILTERS;
        };
        Translation t = table.get(type);
        if (t == null) {
            throw new IllegalArgumentException("group '" + group + "', " + where + ": unsupported " + kind.section
                    + (def.isMissingNode()
                            ? " (neither defined in analysis." + kind.section + " nor a supported built-in)"
                            : " type")
                    + "; supported: " + new TreeSet<>(table.keySet()));
        }
        LuceneComponent c = t.translate(p, r);
        p.done();
        return new LuceneComponent(c.spiName(), c.args(), where);
    }

    private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();
}
