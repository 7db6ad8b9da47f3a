package dev.feedsearch.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.Hashtags;
import dev.feedsearch.core.lang.LanguageDetector;

import java.util.Locale;
import java.util.Set;

/**
 * The language a query is written in, so matches in that language come first
 * ({@link dev.feedsearch.core.index.MatchBoosts#QUERY_LANGUAGE}). The query's own script and words decide first,
 * with the post detector's rules (kana is Japanese, Hangul Korean, Han without kana Chinese unless the hint says
 * Japanese, Latin by function words or lingua); the client's hint ({@code Accept-Language}) is the prior for
 * what the text leaves open, and is taken alone when the text decides nothing.
 */
final class QueryLanguages {
    private record Key(String text, String hint) {}

    private final LanguageDetector detector;
    private final Set<String> supported;
    // hot queries repeat: detection (tens of µs) is not paid again in front of a cached page
    private final Cache<Key, Set<String>> recent = Caffeine.newBuilder().maximumSize(10_000).build();

    QueryLanguages(LanguageDetector detector, Set<String> supported) {
        this.detector = detector;
        this.supported = Set.copyOf(supported);
    }

    /** @param hint the client's language (a BCP-47 tag) or null */
    Set<String> of(String text, String hint) {
        if (text == null) return Set.of();
        return recent.get(new Key(text, primary(hint)), k -> detect(k.text(), k.hint()));
    }

    private Set<String> detect(String text, String hinted) {
        String prose = Hashtags.strip(text);
        if (!prose.isEmpty()) {
            String lang = detector.detect(prose, hinted);
            if (supported.contains(lang) && !lang.equals(LanguageDetector.UNDETERMINED)) return Set.of(lang);
        }
        return hinted != null && supported.contains(hinted) ? Set.of(hinted) : Set.of();
    }

    /** The first language of an {@code Accept-Language} header ("de-CH, de;q=0.9, en;q=0.5" is de), or null. */
    static String primary(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) return null;
        String first = acceptLanguage.split(",", 2)[0].split(";", 2)[0].strip();
        if (first.isEmpty() || first.equals("*")) return null;
        return first.split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
    }
}
