package dev.feedsearch.bench;

import dev.feedsearch.core.lang.ScriptFirstDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Language detection per post over every sample post (all scripts, with their hints). Throughput = posts/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DetectionBenchmark {
    SampleTexts sample;
    ScriptFirstDetector detector;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        sample = SampleTexts.load();
        detector = new ScriptFirstDetector();
        // load the lazily built detectors outside the measurement
        for (int i = 0; i < sample.texts().size(); i++)
            detector.detect(sample.texts().get(i), null);
    }

    @Benchmark
    public String detect() {
        int i = next;
        next = (i + 1) % sample.texts().size();
        return detector.detect(sample.texts().get(i), sample.hints().get(i));
    }
}
