package dev.feedsearch.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feedsearch.core.index.PostReader;
import dev.feedsearch.core.lang.LanguageDetector;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which language groups a query is written in, so prose matches there come first
 * ({@link dev.feedsearch.core.index.MatchBoosts#QUERY_LANGUAGE}).
 * <ul>
 *   <li>A script that names its language decides (kana Japanese, Hangul Korean, Thai, Greek, …): the post
 *       detector's rules.</li>
 *   <li>Latin, Cyrillic and Arabic words are shared between languages, and so are Han words without kana
 *       (Chinese and Japanese both write 自由), and a statistical detector guesses badly
 *       on one or two of them ("freedom" reads as Vietnamese to lingua, "Würde" as Hungarian). There the network
 *       itself answers: the groups whose prose could match the query most often (at least a quarter as often as
 *       the most frequent, {@link PostReader#proseMatchBounds}), unless the client's hint ({@code Accept-Language}) names a group that
 *       matches at all, or the query is long enough (4+ words) for the detector to be trusted and its language
 *       matches.</li>
 * </ul>
 * Answers are kept for a minute per (text, hint): hot queries pay neither detection nor the term look-ups again.
 */
final class QueryGroups {
    private static final int TRUST_DETECTOR_WORDS = 4;
    /** Groups that could match at least this share of the best one's count share the first tier. */
    private static final double NEAR_BEST = 0.25;
    /**
     * Fewer posts than this are no evidence of a language: a handful of posts (private ones among them) would
     * otherwise decide an order that the cursor, and explain's tier, let anyone read back.
     */
    private static final long MIN_POSTS = 5;

    private record Key(String text, String hint) {}

    private final LanguageDetector detector;
    private final PostReader index;
    private final Mappings mappings;
    private final Cache<Key, Set<String>> recent = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    QueryGroups(LanguageDetector detector, PostReader index, Mappings mappings) {
        this.detector = detector;
        this.index = index;
        this.mappings = mappings;
    }

    /** @param acceptLanguage the client's {@code Accept-Language} header, or null */
    Set<String> of(String text, String acceptLanguage) {
        if (text == null) return Set.of();
        Key key = new Key(text, primary(acceptLanguage));
        Set<String> known = recent.getIfPresent(key);
        if (known != null) return known;
        try {
            // decided outside the cache's compute: the engine call must not hold up other keys of its bin
            Set<String> decided = decide(key.text(), key.hint());
            recent.put(key, decided);
            return decided;
        } catch (UncheckedIOException e) {
            return Set.of(); // no prior beats a failed search: the engine still answers, in its own order
        }
    }

    private Set<String> decide(String text, String hint) {
        String prose = Hashtags.strip(text);
        String hinted = groupOf(hint);
        if (prose.isEmpty()) return hinted == null ? Set.of() : Set.of(hinted);
        if (!sharedScript(prose)) {
            String detected = groupOf(detector.detect(prose, hint));
            if (detected != null) return Set.of(detected);
            return hinted == null ? Set.of() : Set.of(hinted);
        }
        Map<String, Long> bounds;
        try {
            bounds = index.proseMatchBounds(prose);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (hinted != null && bounds.containsKey(hinted)) return Set.of(hinted);
        bounds = new TreeMap<>(bounds);
        bounds.values().removeIf(n -> n < MIN_POSTS);
        if (prose.split("\\s+").length >= TRUST_DETECTOR_WORDS) {
            String detected = groupOf(detector.detect(prose, hint));
            if (detected != null && bounds.containsKey(detected)) return Set.of(detected);
        }
        // the word is shared: every group that writes it nearly as often as the most frequent one comes first,
        // and within that tier ranking decides (the form as written, then the rest)
        long best = bounds.values().stream().mapToLong(Long::longValue).max().orElse(0);
        Set<String> out = new TreeSet<>();
        bounds.forEach((g, n) -> {
            if (best > 0 && n >= NEAR_BEST * best) out.add(g);
        });
        return out;
    }

    /** The client's supported language from an {@code Accept-Language} header (canonical), or null. */
    String clientLanguage(String acceptLanguage) {
        String primary = primary(acceptLanguage);
        return primary == null ? null : mappings.canonicalLanguage(primary);
    }

    /** The group of a supported language, or null (und, unsupported, absent). */
    private String groupOf(String lang) {
        if (lang == null || lang.equals(LanguageDetector.UNDETERMINED)) return null;
        String canonical = mappings.canonicalLanguage(lang);
        if (canonical == null) return null;
        return mappings.groupForLanguage(canonical).name();
    }

    /**
     * Whether the text's letters are of a script several supported languages write: Latin, Cyrillic, Arabic, or
     * Han without kana or Hangul (which would name Japanese or Korean).
     */
    static boolean sharedScript(String text) {
        boolean han = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) continue;
            switch (Character.UnicodeScript.of(cp)) {
                case LATIN, CYRILLIC, ARABIC -> {
                    return true;
                }
                case HIRAGANA, KATAKANA, HANGUL -> {
                    return false;
                }
                case HAN -> han = true;
                default -> {}
            }
        }
        return han;
    }

    /** The first language of an {@code Accept-Language} header ("de-CH, de;q=0.9, en;q=0.5" is de), or null. */
    private static String primary(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) return null;
        String first = acceptLanguage.split(",", 2)[0].split(";", 2)[0].strip();
        if (first.isEmpty() || first.equals("*")) return null;
        return first.split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
    }
}
