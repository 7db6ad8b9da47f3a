package dev.feedsearch.testkit.icustandin;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.icu.segmentation.DefaultICUTokenizerConfig;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenizerFactory;

/**
 * {@code icu_tokenizer} of the TEST-ONLY ICU stand-in: Lucene's {@link ICUTokenizer} with Chinese/Japanese and
 * Myanmar kept as words (dictionary segmentation), as the official plugin configures it by default.
 */
public final class IcuTokenizerFactory extends AbstractTokenizerFactory {

    public IcuTokenizerFactory(IndexSettings indexSettings, Environment environment, String name, Settings settings) {
        super(indexSettings, settings, name);
        if (settings.get("rule_files") != null) {
            throw new IllegalArgumentException("icu_tokenizer [" + name + "]: rule_files is not supported by the "
                    + "test-only analysis-icu stand-in");
        }
    }

    @Override
    public Tokenizer create() {
        return new ICUTokenizer(new DefaultICUTokenizerConfig(true, true));
    }
}
