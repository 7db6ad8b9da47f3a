package dev.feedsearch.testkit.icustandin;

import java.util.Map;
import org.opensearch.index.analysis.CharFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * TEST-ONLY STAND-IN for the official OpenSearch {@code analysis-icu} plugin (not published anywhere reachable
 * from this project's machines). Installed by the test harness as {@code plugins/analysis-icu}, so
 * {@code _nodes/plugins} reports {@code analysis-icu}; never part of the product.
 *
 * <p>Registers, over Lucene's own {@code lucene-analysis-icu} classes:
 * <ul>
 *   <li>tokenizer {@code icu_tokenizer} ({@code ICUTokenizer} with CJK and Myanmar as words, the official default);
 *   <li>char filter {@code icu_normalizer} ({@code name}: nfc|nfkc|nfkc_cf, default nfkc_cf; {@code mode}:
 *       compose|decompose, default compose; {@code unicode_set_filter});
 *   <li>token filter {@code icu_normalizer} ({@code name}, {@code unicode_set_filter}; like the official
 *       token filter it always composes, see {@link IcuNormalizerTokenFilterFactory});
 *   <li>token filter {@code icu_folding} ({@code unicode_set_filter});
 *   <li>token filter {@code icu_transform} ({@code id}, {@code dir}: forward|reverse).
 * </ul>
 * Not provided: {@code icu_collation} keywords, the {@code icu_analyzer} analyzer, tokenizer {@code rule_files}
 * (refused loudly).
 */
public final class IcuStandInPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("icu_tokenizer", IcuTokenizerFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        return Map.of("icu_normalizer", IcuNormalizerCharFilterFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
                "icu_normalizer", IcuNormalizerTokenFilterFactory::new,
                "icu_folding", IcuFoldingTokenFilterFactory::new,
                "icu_transform", IcuTransformTokenFilterFactory::new);
    }
}
