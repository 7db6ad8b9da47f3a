package dev.feedsearch.core.lang;

import com.github.pemistahl.lingua.api.Language;
import java.util.Map;
import java.util.SortedMap;

/**
 * lingua's confidence values read the way the rules need them: its winner, the best rival that is not a
 * sibling of the winner, and the hinted language's value ({@code -1} when lingua did not rank it or the
 * loop stopped before it was needed). A value object: the rules in {@link ScriptFirstDetector} decide.
 */
record LinguaRanking(String best, double bestValue, String rival, double rivalValue, double hintValue) {

    static LinguaRanking of(
            SortedMap<Language, Double> conf, LinguaPool family, String hintLang, boolean hintIsCandidate) {
        // lingua sorts by descending confidence. The distance is measured to the best rival that is not a
        // sibling of the winner (da/nb/sv, es/pt are too close for the distance to mean "unsupported").
        String best = null, rival = null;
        double bestValue = 0, rivalValue = 0, hintValue = -1;
        for (Map.Entry<Language, Double> e : conf.entrySet()) {
            String code = family.code(e.getKey());
            double v = e.getValue();
            if (hintValue < 0 && code.equals(hintLang)) hintValue = v;
            if (best == null) {
                best = code;
                bestValue = v;
            } else if (rival == null && !code.equals(best) && !ScriptFirstDetector.siblings(best, code)) {
                rival = code;
                rivalValue = v;
            }
            if (rival != null && (hintValue >= 0 || !hintIsCandidate)) break;
        }
        return new LinguaRanking(best, bestValue, rival, rivalValue, hintValue);
    }

    /** {@code 1 - runnerUpConfidence}: how clearly the winner beats its rival (1.0 when there is none). */
    double distance() {
        return rival == null ? 1.0 : (bestValue - rivalValue) / bestValue;
    }

    /** How far (relatively) the hinted language trails the winner (1.0 when lingua did not rank it). */
    double hintGap() {
        return hintValue < 0 ? 1.0 : (bestValue - hintValue) / bestValue;
    }
}
