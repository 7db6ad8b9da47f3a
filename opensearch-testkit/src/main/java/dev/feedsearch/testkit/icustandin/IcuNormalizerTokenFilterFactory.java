package dev.feedsearch.testkit.icustandin;

import com.ibm.icu.text.Normalizer2;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUNormalizer2Filter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;

/**
 * {@code icu_normalizer} token filter of the TEST-ONLY ICU stand-in: {@code name} (default nfkc_cf) and
 * {@code unicode_set_filter}. Like the official token filter it always composes: {@code mode} is a char filter
 * parameter only, so a token filter given {@code mode: decompose} is refused here rather than silently composing.
 */
public final class IcuNormalizerTokenFilterFactory extends AbstractTokenFilterFactory
        implements NormalizingTokenFilterFactory {

    private final Normalizer2 normalizer;

    public IcuNormalizerTokenFilterFactory(
            IndexSettings indexSettings, Environment environment, String name, Settings settings) {
        super(indexSettings, name, settings);
        String mode = settings.get("mode");
        if (mode != null && !"compose".equals(mode)) {
            throw new IllegalArgumentException(
                    "icu_normalizer token filter [" + name + "]: mode [" + mode + "] is ignored by "
                            + "the official plugin's token filter (it always composes); use the icu_normalizer char filter to decompose");
        }
        this.normalizer = IcuSettings.filtered(IcuSettings.normalizer(settings, Normalizer2.Mode.COMPOSE), settings);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ICUNormalizer2Filter(tokenStream, normalizer);
    }
}
