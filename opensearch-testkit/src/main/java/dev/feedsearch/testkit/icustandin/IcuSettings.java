package dev.feedsearch.testkit.icustandin;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.UnicodeSet;
import org.opensearch.common.settings.Settings;

/** Parameter handling shared by the stand-in's factories (part of the test-only ICU stand-in). */
final class IcuSettings {

    private IcuSettings() {}

    /**
     * The normalizer named by {@code name} (default nfkc_cf; ICU's own data names, i.e. nfc, nfkc, nfkc_cf) in the
     * given mode; ICU refuses a name it does not have.
     */
    static Normalizer2 normalizer(Settings settings, Normalizer2.Mode mode) {
        return Normalizer2.getInstance(null, settings.get("name", "nfkc_cf"), mode);
    }

    /** Restricts a normalizer to {@code unicode_set_filter} when that parameter is set. */
    static Normalizer2 filtered(Normalizer2 normalizer, Settings settings) {
        String set = settings.get("unicode_set_filter");
        if (set == null) {
            return normalizer;
        }
        UnicodeSet unicodeSet = new UnicodeSet(set);
        unicodeSet.freeze();
        return new FilteredNormalizer2(normalizer, unicodeSet);
    }
}
