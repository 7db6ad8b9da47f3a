package dev.feedsearch.bench;

import dev.feedsearch.core.index.IndexedPost;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.query.CursorCodec;
import dev.feedsearch.query.CursorSigner;
import dev.feedsearch.query.feed.Diversity;
import dev.feedsearch.query.feed.RankedItem;
import dev.feedsearch.query.rank.FeatureScorer;
import dev.feedsearch.query.rank.Features;
import dev.feedsearch.query.rank.RankingConfig;
import dev.feedsearch.query.rank.ViewerContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ranking cost: features + score for 1,000 feed candidates, the same plus sort and author diversity
 * (what a feed request does after candidate generation), and keyset cursor encode + decode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RankingBenchmark {
    FeatureScorer scorer;
    ViewerContext viewer;
    List<IndexedPost> candidates;
    Instant now;
    SearchQuery query;
    SortKey key;
    String cursor;
    CursorCodec cursors;
    long[] createdMillis;
    double[] rawEngagement;

    @Setup
    public void setUp() {
        Random r = new Random(42);
        now = Instant.parse("2026-11-01T00:00:00Z");
        Set<String> followees = new HashSet<>();
        for (int i = 0; i < 300; i++) followees.add("u" + r.nextInt(2_000));
        Set<String> followers = new HashSet<>();
        for (int i = 0; i < 300; i++) followers.add("u" + r.nextInt(2_000));
        Set<String> mutuals = new HashSet<>(followers);
        mutuals.retainAll(followees); // what the mutual feature reads: followees who follow back
        viewer = new ViewerContext("u1", followees, mutuals, Set.of(), Set.of("en", "ja"));
        candidates = new ArrayList<>();
        String[] langs = {"en", "ja", "de", "fr"};
        for (int i = 0; i < 1_000; i++) {
            Post p = new Post(
                    "p" + i,
                    "u" + r.nextInt(2_000),
                    "text " + i,
                    null,
                    now.minusSeconds(r.nextInt(7 * 86_400)),
                    Visibility.PUBLIC,
                    List.of(),
                    i % 7 == 0 ? List.of("u" + r.nextInt(2_000)) : List.of(),
                    i % 5 == 0 ? "p" + r.nextInt(1_000) : null,
                    r.nextInt(500),
                    r.nextInt(50),
                    r.nextInt(80),
                    1,
                    false);
            candidates.add(new IndexedPost(p, langs[i % langs.length], langs[i % langs.length]));
        }
        createdMillis = candidates.stream()
                .mapToLong(p -> p.post().createdAt().toEpochMilli())
                .toArray();
        rawEngagement = candidates.stream()
                .mapToDouble(p -> p.post().likes()
                        + 2.0 * p.post().reposts()
                        + 3.0 * p.post().replies())
                .toArray();
        scorer = new FeatureScorer(RankingConfig.DEFAULTS);
        query = SearchQuery.builder()
                .text("human rights")
                .viewer("u1")
                .limit(20)
                .build();
        key = new SortKey(1_793_000_000_000L, "p12345");
        cursors = new CursorCodec(CursorSigner.random());
        cursor = cursors.encode(key, query);
    }

    @Benchmark
    public double score1000() {
        double sum = 0;
        for (IndexedPost p : candidates)
            sum += scorer.features(p, Float.NaN, viewer, now).score(RankingConfig.DEFAULTS);
        return sum;
    }

    /**
     * The arithmetic floor of scoring the same 1,000 candidates: recency and engagement from primitive arrays, with
     * no records, no viewer sets and no feature object. The performance gate's same-run baseline for {@link #score1000}.
     */
    @Benchmark
    public double floor1000() {
        double halfLife = RankingConfig.DEFAULTS.halfLife().toMillis(),
                norm = Math.log1p(RankingConfig.DEFAULTS.engagementSaturation());
        long nowMillis = now.toEpochMilli();
        double sum = 0;
        for (int i = 0; i < createdMillis.length; i++) {
            sum += Math.pow(2, -Math.max(0, nowMillis - createdMillis[i]) / halfLife)
                    + Math.min(1, Math.log1p(rawEngagement[i]) / norm);
        }
        return sum;
    }

    @Benchmark
    public List<RankedItem> scoreSortDiversify1000() {
        List<RankedItem> ranked = new ArrayList<>(candidates.size());
        for (IndexedPost p : candidates) {
            Features f = scorer.features(p, Float.NaN, viewer, now);
            ranked.add(new RankedItem(p.post().id(), p.post().authorId(), f.score(RankingConfig.DEFAULTS), f));
        }
        ranked.sort(Comparator.comparingDouble(RankedItem::score).reversed().thenComparing(RankedItem::postId));
        return Diversity.arrange(ranked, 20, 2);
    }

    @Benchmark
    public SortKey cursorEncodeDecode() {
        return cursors.decode(cursors.encode(key, query), query);
    }
}
