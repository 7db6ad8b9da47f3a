package dev.feedsearch.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's decisions on synthetic results: no measuring here, so each case is exact. */
class GateTest {
    static final Threshold LATENCY = new Threshold("search.mean", Threshold.Direction.AT_MOST, 2.0, "engine ÷ raw");
    static final Threshold THROUGHPUT = new Threshold("http.rps", Threshold.Direction.AT_LEAST, 0.5, "cached ÷ bare");
    static final Map<String, Threshold> BOTH = Map.of(LATENCY.metric(), LATENCY, THROUGHPUT.metric(), THROUGHPUT);

    static Map<String, Measured> measured(double latency1, double latency2, double latency3, double rps) {
        return Map.of(
                LATENCY.metric(),
                new Measured(LATENCY.metric(), List.of(latency1, latency2, latency3)),
                THROUGHPUT.metric(),
                new Measured(THROUGHPUT.metric(), List.of(rps, rps, rps)));
    }

    static Verdict of(List<Verdict> verdicts, String metric) {
        return verdicts.stream()
                .filter(v -> v.threshold().metric().equals(metric))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theMedianOfTheRoundsIsJudgedNotTheWorstRound() {
        List<Verdict> v = Gate.judge(BOTH, measured(1.5, 9.0, 1.6, 0.8), Map.of());
        assertThat(of(v, "search.mean").status()).isEqualTo(Verdict.Status.PASS);
        assertThat(of(v, "search.mean").measured().median()).isEqualTo(1.6);
        assertThat(of(v, "search.mean").measured().spread()).isEqualTo(7.5);
        assertThat(of(v, "http.rps").status()).isEqualTo(Verdict.Status.PASS);
    }

    @Test
    void aRatioPastItsThresholdFailsInEitherDirection() {
        List<Verdict> v = Gate.judge(BOTH, measured(2.1, 2.2, 2.3, 0.4), Map.of());
        assertThat(of(v, "search.mean").status()).isEqualTo(Verdict.Status.FAIL_THRESHOLD);
        assertThat(of(v, "search.mean").why()).contains("2.200").contains("<= 2.000");
        assertThat(of(v, "http.rps").status()).isEqualTo(Verdict.Status.FAIL_THRESHOLD);
    }

    @Test
    void exactlyAtTheThresholdPasses() {
        List<Verdict> v = Gate.judge(BOTH, measured(2.0, 2.0, 2.0, 0.5), Map.of());
        assertThat(v).noneMatch(Verdict::failed);
    }

    @Test
    void aRegressionBeyondTheSpreadFailsEvenWithinTheThreshold() {
        Map<String, Accepted> accepted =
                Map.of("search.mean", new Accepted(1.2, 0.1), "http.rps", new Accepted(0.9, 0.05));
        List<Verdict> v = Gate.judge(BOTH, measured(1.50, 1.52, 1.55, 0.8), accepted);
        assertThat(of(v, "search.mean").status()).isEqualTo(Verdict.Status.FAIL_REGRESSION);
        assertThat(of(v, "search.mean").why()).contains("accepted 1.200");
        assertThat(of(v, "http.rps").status()).isEqualTo(Verdict.Status.FAIL_REGRESSION); // 0.8 < 0.9 − 0.05
    }

    @Test
    void aChangeWithinTheSpreadPassesAndAnImprovementAlwaysPasses() {
        Map<String, Accepted> accepted =
                Map.of("search.mean", new Accepted(1.2, 0.1), "http.rps", new Accepted(0.6, 0.05));
        List<Verdict> v = Gate.judge(BOTH, measured(1.25, 1.28, 1.30, 0.95), accepted);
        assertThat(v).noneMatch(Verdict::failed);
    }

    @Test
    void thisRunsOwnSpreadWidensTheToleranceWhenItIsTheNoisier() {
        Map<String, Accepted> accepted = Map.of("search.mean", new Accepted(1.2, 0.01));
        // median 1.4 is 0.2 worse; the accepted spread (0.01) alone would fail it, this run's spread (0.3) does not
        List<Verdict> v = Gate.judge(
                Map.of("search.mean", LATENCY),
                Map.of("search.mean", new Measured("search.mean", List.of(1.2, 1.4, 1.5))),
                accepted);
        assertThat(of(v, "search.mean").status()).isEqualTo(Verdict.Status.PASS);
        assertThat(of(v, "search.mean").tolerance()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aMetricThatWasNotMeasuredFails() {
        List<Verdict> v = Gate.judge(BOTH, Map.of(), Map.of());
        assertThat(v).allMatch(x -> x.status() == Verdict.Status.FAIL_MISSING);
    }

    @Test
    void acceptingANewLevelClearsTheRegressionAndTheFileKeepsOtherModes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate-baseline.json");
        GateFiles.writeBaseline(file, "full", Map.of("search.mean", new Accepted(1.1, 0.05)));
        GateFiles.writeBaseline(file, "quick", Map.of("search.mean", new Accepted(1.2, 0.1)));
        Map<String, Measured> slower = Map.of("search.mean", new Measured("search.mean", List.of(1.6, 1.62, 1.63)));
        assertThat(of(
                                Gate.judge(
                                        Map.of("search.mean", LATENCY), slower, GateFiles.readBaseline(file, "quick")),
                                "search.mean")
                        .status())
                .isEqualTo(Verdict.Status.FAIL_REGRESSION);

        GateFiles.writeBaseline(file, "quick", Gate.accept(GateFiles.readBaseline(file, "quick"), slower));

        Map<String, Accepted> after = GateFiles.readBaseline(file, "quick");
        // two accepted runs now: medians 1.2 and 1.62, so the run-to-run spread (0.42) is what the gate allows
        assertThat(after.get("search.mean").runs())
                .extracting(Accepted.Run::median)
                .containsExactly(1.2, 1.62);
        assertThat(after.get("search.mean").value()).isEqualTo(1.41);
        assertThat(after.get("search.mean").spread()).isEqualTo(0.42);
        assertThat(of(Gate.judge(Map.of("search.mean", LATENCY), slower, after), "search.mean")
                        .status())
                .isEqualTo(Verdict.Status.PASS);
        assertThat(GateFiles.readBaseline(file, "full").get("search.mean")).isEqualTo(new Accepted(1.1, 0.05));
    }

    @Test
    void theAcceptedLevelKeepsTheLastFiveRunsAndTheirWidestSpread() {
        Map<String, Accepted> a = Map.of();
        double[] medians = {1.0, 1.5, 1.1, 1.2, 1.3, 1.25};
        for (double m : medians) a = Gate.accept(a, Map.of("x", new Measured("x", List.of(m - 0.01, m, m + 0.01))));
        Accepted x = a.get("x");
        assertThat(x.runs()).extracting(Accepted.Run::median).containsExactly(1.5, 1.1, 1.2, 1.3, 1.25); // 1.0 dropped
        assertThat(x.value()).isEqualTo(1.25);
        assertThat(x.spread()).isEqualTo(0.4); // 1.5 − 1.1, wider than any run's rounds (0.02)
    }

    @Test
    void theGateFileNeedsOneLimitAndAReasonPerMetric(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, """
                {"metrics": {"a.b": {"max": 1.5, "reason": "why"}, "c.d": {"min": 0.9, "reason": "because"}},
                 "not_gated": {"ms": "noisy"}}""");
        GateFiles.GateSpec spec = GateFiles.readGate(ok);
        assertThat(spec.thresholds().get("a.b").rule()).isEqualTo("a.b <= 1.500");
        assertThat(spec.thresholds().get("c.d").rule()).isEqualTo("c.d >= 0.900");
        assertThat(spec.notGated()).containsEntry("ms", "noisy");

        Path both = dir.resolve("both.json");
        Files.writeString(both, """
                {"metrics": {"a.b": {"max": 1.5, "min": 1.0, "reason": "why"}}}""");
        assertThatThrownBy(() -> GateFiles.readGate(both)).hasMessageContaining("a.b");
        Path noReason = dir.resolve("noreason.json");
        Files.writeString(noReason, """
                {"metrics": {"a.b": {"max": 1.5}}}""");
        assertThatThrownBy(() -> GateFiles.readGate(noReason)).hasMessageContaining("reason");
    }

    @Test
    void theCommittedGateFileCoversEveryProbesMetrics() throws Exception {
        GateFiles.GateSpec spec = GateFiles.readGate(
                Path.of(System.getProperty("feedsearch.root", "..")).resolve("benchmarks/gate.json"));
        for (var probe : PerfGate.PROBES) {
            assertThat(spec.thresholds().keySet())
                    .as(probe.get().name())
                    .containsAll(probe.get().metrics());
        }
    }
}
