package dev.feedsearch.core.index;

import dev.feedsearch.core.model.Hashtags;
import java.util.Locale;

/**
 * What both engines add around the per-group text match, so a relevance order means the same on each:
 * <ul>
 *   <li>a <b>prose</b> match (all query tokens in the post's own group field) scores its group's BM25, plus
 *       {@link #QUERY_LANGUAGE} when the post's language group is one of the query's groups (the groups of the
 *       language the query is written in), so matches in the query's language come first whatever each group's
 *       term statistics say;</li>
 *   <li>a post that carries a one-word query only as a <b>tag</b> scores {@link #TAG_ONLY}, below any prose
 *       match (hashtags are stripped from prose at analysis, see {@link Hashtags}).</li>
 * </ul>
 */
public final class MatchBoosts {
    /** Added to a prose match in one of the query's groups; above any BM25 score a post reaches. */
    public static final float QUERY_LANGUAGE = 10_000f; // a long query of rare words sums to a few hundred at most
    /** The score of a match through the post's tags alone. */
    public static final float TAG_ONLY = 0.01f;

    private MatchBoosts() {}

    /** The tag a one-word query also matches (normalised), or null for a query of several words. */
    public static String tagAlternative(String text) {
        if (text == null) return null;
        String t = text.strip();
        if (t.isEmpty() || t.codePoints().anyMatch(Character::isWhitespace)) return null;
        if (!Hashtags.PATTERN.matcher("#" + t).matches()) return null; // punctuation: not a tag anyone can write
        return t.toLowerCase(Locale.ROOT);
    }

    /**
     * Which kind of match an engine score is: 2 a prose match in one of the query's groups, 1 another prose
     * match (or no text query), 0 a match through tags alone. Re-ranking reorders hits within a tier only.
     */
    /** The highest tier {@link #tier} gives. */
    public static final int MAX_TIER = 2;

    public static int tier(float engineScore, boolean inQueryLanguage) {
        if (Float.isNaN(engineScore)) return 1;
        if (inQueryLanguage && engineScore >= QUERY_LANGUAGE) return 2;
        return engineScore > 0 && engineScore <= TAG_ONLY ? 0 : 1;
    }

    /**
     * The text score of an engine score with the boosts above taken out again (the part ranking may scale):
     * {@code inQueryLanguage} says whether the post's group is one of the query's.
     */
    public static float textScore(float engineScore, boolean inQueryLanguage) {
        if (Float.isNaN(engineScore)) return engineScore;
        float s = inQueryLanguage && engineScore >= QUERY_LANGUAGE ? engineScore - QUERY_LANGUAGE : engineScore;
        return s <= TAG_ONLY ? 0f : s;
    }
}
