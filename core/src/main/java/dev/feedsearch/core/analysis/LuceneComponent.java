package dev.feedsearch.core.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Lucene factory name with its arguments, and where it came from (for messages): what one OpenSearch
 * analysis component translates to. {@code where} is filled in by {@link AnalysisTranslator}, which knows the
 * component's name; the per-type translations leave it null.
 */
record LuceneComponent(String spiName, Map<String, String> args, String where) {

    /** Translates one OpenSearch component definition of a given type. */
    interface Translation {
        LuceneComponent translate(ComponentParams p, InlineResources r);
    }

    /** Arguments as key, value pairs; a null value leaves the key out (Lucene's default applies). */
    static LuceneComponent lucene(String spiName, Object... keyValues) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                args.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
            }
        }
        return new LuceneComponent(spiName, args, null);
    }

    static Translation noParams(String spiName) {
        return (p, r) -> lucene(spiName);
    }
}
