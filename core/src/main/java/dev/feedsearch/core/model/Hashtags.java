package dev.feedsearch.core.model;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hashtags, one rule for both engines and the query side. Every language group's analyzer strips
 * {@link #PATTERN} from prose (the {@code <group>_hashtags} char filter in mappings/), so a hashtag is matched
 * through the post's tags, never as if it were a word of its text.
 */
public final class Hashtags {
    /** The same expression as the mappings' {@code pattern_replace} char filters. */
    public static final Pattern PATTERN = Pattern.compile("#[\\p{L}\\p{M}\\p{N}_]+");

    private Hashtags() {}

    /** The indexed form of a tag: no leading '#', lower case. */
    public static String normalize(String tag) {
        String t = tag.startsWith("#") ? tag.substring(1) : tag;
        return t.toLowerCase(Locale.ROOT);
    }

    /** The hashtags written in {@code text}, normalised, in order of appearance. */
    public static Set<String> in(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PATTERN.matcher(text);
        while (m.find()) out.add(normalize(m.group()));
        return out;
    }

    /**
     * The tag keys a post is indexed under: its {@code tags} and the hashtags written in its text (which prose
     * matching no longer sees), normalised.
     */
    public static Set<String> keys(Collection<String> tags, String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : tags) out.add(normalize(t));
        if (text != null) out.addAll(in(text));
        return out;
    }

    /** {@code text} without its hashtags (each replaced by a space, as the analyzers do), stripped. */
    public static String strip(String text) {
        return PATTERN.matcher(text).replaceAll(" ").strip();
    }
}
