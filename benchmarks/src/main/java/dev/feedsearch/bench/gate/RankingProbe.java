package dev.feedsearch.bench.gate;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Scoring 1,000 feed candidates (JMH {@code RankingBenchmark.score1000}: features and score, as every feed request
 * does) against the arithmetic floor of the same work ({@code floor1000}: recency and engagement from primitive
 * arrays). Each round is one JMH run of both benchmarks in a fresh fork, so rounds are independent JVMs.
 */
public final class RankingProbe implements Probe {
    private GateContext ctx;

    @Override
    public String name() {
        return "ranking";
    }

    @Override
    public List<String> metrics() {
        return List.of("ranking.score1000");
    }

    @Override
    public void open(GateContext context) {
        ctx = context;
    }

    @Override
    public Round round(int round) throws Exception {
        int seconds = ctx.quick() ? 1 : 2;
        Options opts = new OptionsBuilder()
                .include("dev\\.feedsearch\\.bench\\.RankingBenchmark\\.(score1000|floor1000)$")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgs("-Xmx512m")
                .shouldDoGC(false)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        Map<String, Double> us = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            us.put(
                    label.substring(label.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore());
        }
        double score = us.get("score1000"), floor = us.get("floor1000");
        return new Round(
                Map.of("ranking.score1000", score / floor),
                Map.of("ranking.score1000.us", score, "ranking.floor1000.us", floor));
    }
}
