package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.bench.PipelineThroughput;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What language detection and routing add to the analysis every post pays anyway: posts/s of detect + route +
 * analyse every text field of the post's group (the subject) ÷ posts/s of analysing the same, already routed posts
 * (the baseline). The same steps as {@link PipelineThroughput}'s last two rows. 1 would mean
 * detection costs nothing; 0.3 means that with it the posts go through at 30% of the rate of analysis alone.
 *
 * <p>One calling thread on both sides (lingua still hands part of each detection to the common pool, as it does in
 * the indexer). The indexer decodes on several threads, but no post's work depends on another's, so a regression
 * shows in the per-post cost that one thread measures. A second calling thread on CI's 2 shared cores would
 * compete with lingua's pool workers, the JIT and the GC, and only the detecting side hands work to the pool, so
 * that contention would land on it unevenly: noise, not information.
 */
public final class DetectionProbe implements Probe {
    static final String SHARE = "detection.share";

    private List<Post> posts;
    private List<PostChange> routed;
    private ChangeFactory factory;
    private GroupAnalyzers analyzers;
    private long perTargetNanos;

    @Override
    public String name() {
        return "detection";
    }

    @Override
    public List<String> metrics() {
        return List.of(SHARE);
    }

    @Override
    public void open(GateContext ctx) throws Exception {
        posts = new ArrayList<>();
        for (JsonNode n : ctx.postRecords(ctx.quick() ? 3_000 : 10_000)) posts.add(PostJson.decodePost(n));
        Mappings m = Mappings.load();
        factory = new ChangeFactory(new ScriptFirstDetector(), m);
        analyzers = GroupAnalyzers.build(m);
        analyzers.warmUp();
        routed = posts.stream().map(factory::fromPost).toList(); // also loads the detector's models
        perTargetNanos = ctx.perTarget().toNanos();
        // warm-up, untimed: after one round's length the JIT was still speeding both sides up (detection most)
        rates(0, 3 * perTargetNanos);
    }

    @Override
    public Round round(int round) {
        double[] rates = rates(round, perTargetNanos);
        return new Round(
                Map.of(SHARE, rates[0] / rates[1]),
                Map.of(
                        "detection.detect_analyze.posts_per_s",
                        rates[0],
                        "detection.analyze_only.posts_per_s",
                        rates[1]));
    }

    /**
     * Posts/s of the subject [0] and the baseline [1], in whole passes over the posts that take turns (whichever side
     * has less time so far goes next) until each has {@code nanos}: a burst of load from outside then hits both
     * sides alike instead of the one it happened to fall on. Odd rounds start with the subject, even ones with the
     * baseline.
     */
    private double[] rates(int round, long nanos) {
        long[] timed = new long[2], done = new long[2];
        long tokens = 0;
        int next = round % 2 == 1 ? 0 : 1;
        while (timed[0] < nanos || timed[1] < nanos) {
            long t0 = System.nanoTime();
            if (next == 0) for (Post p : posts) tokens += detectAndAnalyze(p);
            else for (PostChange c : routed) tokens += PipelineThroughput.analyze(analyzers, c);
            timed[next] += System.nanoTime() - t0;
            done[next] += posts.size();
            next = timed[0] == timed[1] ? 1 - next : timed[0] < timed[1] ? 0 : 1;
        }
        if (tokens == 0) throw new IllegalStateException("analysis produced no tokens");
        return new double[] {done[0] / (timed[0] / 1e9), done[1] / (timed[1] / 1e9)};
    }

    private long detectAndAnalyze(Post p) {
        return PipelineThroughput.analyze(analyzers, factory.fromPost(p));
    }

    @Override
    public void close() {
        if (analyzers != null) analyzers.close();
    }
}
