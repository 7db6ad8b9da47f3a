package dev.feedsearch.bench;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-post cost of analysis per language group: posts of that language (from the sample) through every
 * text field of its group, as indexing does. Throughput = posts/s, 1 thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AnalysisBenchmark {
    @Param({"en", "de", "fr", "ru", "ar", "th", "ja", "zh", "ko", "hi"})
    public String lang;

    SampleTexts sample;
    List<String> texts;
    List<GroupAnalyzers.TextField> fields;
    int nextOfLang;

    @Setup(Level.Trial)
    public void setUp() {
        Mappings m = Mappings.load();
        sample = SampleTexts.load();
        GroupAnalyzers analyzers = GroupAnalyzers.build(m);
        texts = sample.of(lang);
        if (texts.isEmpty()) throw new IllegalStateException("no sample posts in " + lang);
        fields = analyzers.fieldsOf(m.groupForLanguage(lang).name());
    }

    @Benchmark
    public int analyze() throws IOException {
        int i = nextOfLang;
        nextOfLang = (i + 1) % texts.size();
        int tokens = 0;
        for (GroupAnalyzers.TextField f : fields) {
            Analyzer a = f.analyzer();
            try (TokenStream ts = a.tokenStream(f.luceneField(), texts.get(i))) {
                ts.reset();
                while (ts.incrementToken()) tokens++;
                ts.end();
            }
        }
        return tokens;
    }
}
