package dev.feedsearch.query.rank;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Ranking and feed settings: the weights of each feature, the recency half-life, diversity and candidate
 * caps, and the scoring time budget. Loaded from the {@code "ranking"} object of the config file; every
 * field has a default (see README.md "Ranking").
 */
public record RankingConfig(
        @JsonProperty("w_text") double wText,
        @JsonProperty("w_exact") double wExact,
        @JsonProperty("w_phrase") double wPhrase,
        @JsonProperty("w_recency") double wRecency,
        @JsonProperty("w_engagement") double wEngagement,
        @JsonProperty("w_affinity") double wAffinity,
        @JsonProperty("w_mutual") double wMutual,
        @JsonProperty("w_language") double wLanguage,
        @JsonProperty("w_reply_penalty") double wReplyPenalty,
        @JsonProperty("half_life_hours") double halfLifeHours,
        @JsonProperty("engagement_saturation") double engagementSaturation,
        @JsonProperty("max_per_author_per_page") int maxPerAuthorPerPage,
        @JsonProperty("candidates_per_author") int candidatesPerAuthor,
        @JsonProperty("max_candidates") int maxCandidates,
        @JsonProperty("max_followees") int maxFollowees,
        @JsonProperty("popular_share") double popularShare,
        @JsonProperty("popular_window_hours") double popularWindowHours,
        @JsonProperty("time_budget_ms") long timeBudgetMs,
        @JsonProperty("rescore_window") int rescoreWindow) {

    public static final RankingConfig DEFAULTS = new RankingConfig(
            1.0, 0.5, 0.3, 1.0, 0.6, 0.5, 0.25, 0.3, 0.4, 24, 1_000, 2, 20, 2_000, 5_000, 0.2, 48, 50, 100);

    public RankingConfig {
        if (halfLifeHours <= 0) throw new IllegalArgumentException("ranking.half_life_hours must be > 0");
        if (engagementSaturation <= 0) throw new IllegalArgumentException("ranking.engagement_saturation must be > 0");
        if (maxPerAuthorPerPage < 1) throw new IllegalArgumentException("ranking.max_per_author_per_page must be >= 1");
        if (candidatesPerAuthor < 1 || maxCandidates < 1 || maxFollowees < 1) {
            throw new IllegalArgumentException("ranking candidate caps must be >= 1");
        }
        // each is held in memory per feed session or per cached timeline
        if (candidatesPerAuthor > 10_000 || maxCandidates > 100_000 || maxFollowees > 100_000) {
            throw new IllegalArgumentException(
                    "ranking candidate caps must be at most 10000 per author, 100000 candidates and followees");
        }
        if (popularShare < 0 || popularShare > 1)
            throw new IllegalArgumentException("ranking.popular_share must be within 0..1");
        if (timeBudgetMs < 1 || timeBudgetMs > 60_000)
            throw new IllegalArgumentException("ranking.time_budget_ms must be within 1..60000");
        if (rescoreWindow < 0 || rescoreWindow > 1_000)
            throw new IllegalArgumentException("ranking.rescore_window must be within 0..1000");
    }

    public Duration halfLife() {
        return Duration.ofMillis((long) (halfLifeHours * 3_600_000));
    }

    public Duration timeBudget() {
        return Duration.ofMillis(timeBudgetMs);
    }
}
