package dev.feedsearch.testkit.icustandin;

import com.ibm.icu.text.Transliterator;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUTransformFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;

/** {@code icu_transform} token filter of the TEST-ONLY ICU stand-in: {@code id} (default Null), {@code dir}. */
public final class IcuTransformTokenFilterFactory extends AbstractTokenFilterFactory
        implements NormalizingTokenFilterFactory {

    private final Transliterator transliterator;

    public IcuTransformTokenFilterFactory(
            IndexSettings indexSettings, Environment environment, String name, Settings settings) {
        super(indexSettings, name, settings);
        String id = settings.get("id", "Null");
        String dir = settings.get("dir", "forward");
        if (!"forward".equals(dir) && !"reverse".equals(dir)) {
            throw new IllegalArgumentException(
                    "icu_transform [" + name + "]: dir must be forward or reverse, got [" + dir + "]");
        }
        this.transliterator =
                Transliterator.getInstance(id, "forward".equals(dir) ? Transliterator.FORWARD : Transliterator.REVERSE);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ICUTransformFilter(tokenStream, transliterator);
    }
}
