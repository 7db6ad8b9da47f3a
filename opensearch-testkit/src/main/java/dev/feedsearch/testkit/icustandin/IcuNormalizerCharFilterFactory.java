package dev.feedsearch.testkit.icustandin;

import com.ibm.icu.text.Normalizer2;
import java.io.Reader;
import org.apache.lucene.analysis.icu.ICUNormalizer2CharFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractCharFilterFactory;
import org.opensearch.index.analysis.NormalizingCharFilterFactory;

/**
 * {@code icu_normalizer} char filter of the TEST-ONLY ICU stand-in: {@code name} (default nfkc_cf), {@code mode}
 * (compose, the default, or decompose; anything else means compose, as in the official plugin) and
 * {@code unicode_set_filter}.
 */
public final class IcuNormalizerCharFilterFactory extends AbstractCharFilterFactory
        implements NormalizingCharFilterFactory {

    private final Normalizer2 normalizer;

    public IcuNormalizerCharFilterFactory(
            IndexSettings indexSettings, Environment environment, String name, Settings settings) {
        super(indexSettings, name);
        Normalizer2.Mode mode =
                "decompose".equals(settings.get("mode")) ? Normalizer2.Mode.DECOMPOSE : Normalizer2.Mode.COMPOSE;
        this.normalizer = IcuSettings.filtered(IcuSettings.normalizer(settings, mode), settings);
    }

    @Override
    public Reader create(Reader reader) {
        return new ICUNormalizer2CharFilter(reader, normalizer);
    }
}
