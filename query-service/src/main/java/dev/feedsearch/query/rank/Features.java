package dev.feedsearch.query.rank;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A candidate's features, each in [0, 1] (text: the engine score squashed to [0, 1); exact and phrase: how the
 * prose holds the query as written, see {@link TextMatch}; all three 0 for feeds), and the weighted sum that
 * ranks it. {@link #contributions} is what {@code explain=true} returns.
 */
public record Features(
        double text,
        double exact,
        double phrase,
        double recency,
        double engagement,
        double affinity,
        double mutual,
        double language,
        double replyPenalty) {

    public double score(RankingConfig w) {
        return w.wText() * text
                + w.wExact() * exact
                + w.wPhrase() * phrase
                + w.wRecency() * recency
                + w.wEngagement() * engagement
                + w.wAffinity() * affinity
                + w.wMutual() * mutual
                + w.wLanguage() * language
                - w.wReplyPenalty() * replyPenalty;
    }

    public Map<String, Double> contributions(RankingConfig w) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("text", w.wText() * text);
        m.put("exact", w.wExact() * exact);
        m.put("phrase", w.wPhrase() * phrase);
        m.put("recency", w.wRecency() * recency);
        m.put("engagement", w.wEngagement() * engagement);
        m.put("affinity", w.wAffinity() * affinity);
        m.put("mutual", w.wMutual() * mutual);
        m.put("language", w.wLanguage() * language);
        m.put("reply_penalty", replyPenalty == 0 ? 0.0 : -w.wReplyPenalty() * replyPenalty);
        m.put("total", score(w));
        return m;
    }
}
