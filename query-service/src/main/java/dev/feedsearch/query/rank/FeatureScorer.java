package dev.feedsearch.query.rank;

import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.model.Post;
import java.time.Instant;

/**
 * The one feature code path for feed and search ranking, whichever engine produced the candidates.
 * <ul>
 *   <li>recency: 2^(-age / half-life), 1 for a post from now, 0.5 one half-life ago;</li>
 *   <li>engagement: log(1 + likes + 2·reposts + 3·replies) / log(1 + saturation), capped at 1
 *       (replies weigh most: they are conversation, not a tap);</li>
 *   <li>affinity: 1 if the viewer follows the author or is the author; mutual: 1 if the author also
 *       follows the viewer;</li>
 *   <li>language: 1 if the post's detected language is one the viewer writes in;</li>
 *   <li>reply penalty: 1 for a reply none of whose mentioned users the viewer follows (a reply into a
 *       conversation the viewer is not part of).</li>
 * </ul>
 */
public final class FeatureScorer {
    private final RankingConfig config;
    private final double halfLifeMillis;
    private final double engagementNorm;

    public FeatureScorer(RankingConfig config) {
        this.config = config;
        this.halfLifeMillis = config.halfLife().toMillis();
        this.engagementNorm = Math.log1p(config.engagementSaturation());
    }

    public RankingConfig config() {
        return config;
    }

    /** @param engineScore the engine's text score, or NaN when there is no text query (feeds) */
    public Features features(IndexedPost ip, float engineScore, ViewerContext viewer, Instant now) {
        return features(ip, engineScore, TextMatch.NONE, viewer, now);
    }

    /** A search hit's features: its engine text score (without match boosts) and how it holds the query as written. */
    public Features features(IndexedPost ip, float engineScore, TextMatch match, ViewerContext viewer, Instant now) {
        Post p = ip.post();
        double ageMillis = Math.max(0, now.toEpochMilli() - p.createdAt().toEpochMilli());
        double recency = Math.pow(2, -ageMillis / halfLifeMillis);
        double raw = (double) p.engagement();
        double engagement = Math.min(1, Math.log1p(raw) / engagementNorm);
        boolean own = p.authorId().equals(viewer.viewer());
        double affinity = own || viewer.followees().contains(p.authorId()) ? 1 : 0;
        double mutual = viewer.mutuals().contains(p.authorId()) ? 1 : 0;
        double language = viewer.languages().contains(ip.lang()) ? 1 : 0;
        double replyPenalty = 0;
        if (p.replyTo() != null && !own && p.mentions().stream().noneMatch(viewer.followees()::contains))
            replyPenalty = 1;
        double text = Float.isNaN(engineScore) ? 0 : engineScore / (engineScore + 1.0);
        return new Features(
                text, match.exact(), match.phrase(), recency, engagement, affinity, mutual, language, replyPenalty);
    }
}
