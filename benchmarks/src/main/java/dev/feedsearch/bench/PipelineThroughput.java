package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.apache.lucene.analysis.TokenStream;

/**
 * Language detection + analysis throughput over a generated corpus on N threads (default: 2), and each
 * step alone, so the report says where the time goes. Usage: PipelineThroughput CORPUS.jsonl [threads] [out.md]
 */
public final class PipelineThroughput {
    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Post> posts = new ArrayList<>();
        for (String line : Files.readAllLines(corpus)) {
            JsonNode n = PostJson.MAPPER.readTree(line);
            if (PostJson.kindOf(n) == PostJson.Kind.POST && !n.path("deleted").asBoolean(false))
                posts.add(PostJson.decodePost(n));
        }
        Mappings m = Mappings.load();
        ScriptFirstDetector detector = new ScriptFirstDetector();
        ChangeFactory factory = new ChangeFactory(detector, m);
        GroupAnalyzers analyzers = GroupAnalyzers.build(m);
        List<PostChange> routed = posts.stream().map(factory::fromPost).toList(); // also warms models + dictionaries

        ForkJoinPool pool = new ForkJoinPool(threads);
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                Locale.ROOT,
                "corpus: %s (%d posts), threads: %d, cores: %d%n%n| step | posts/s |%n|---|---|%n",
                corpus.getFileName(),
                posts.size(),
                threads,
                Runtime.getRuntime().availableProcessors()));
        report.append(row("detect only", posts.size(), run(pool, posts, p -> detector.detect(p.text(), p.lang()))));
        report.append(row("analyze only (group fields)", routed.size(), run(pool, routed, c -> analyze(analyzers, c))));
        report.append(row(
                "detect + route + analyze",
                posts.size(),
                run(pool, posts, p -> analyze(analyzers, factory.fromPost(p)))));
        pool.shutdown();
        System.out.print(report);
        if (args.length > 2) Files.writeString(Path.of(args[2]), report.toString());
    }

    private static String row(String step, int n, double seconds) {
        return String.format(Locale.ROOT, "| %s | %,.0f |%n", step, n / seconds);
    }

    /** Best of 3 passes, in seconds. */
    private static <T> double run(ForkJoinPool pool, List<T> items, Consumer<T> work) throws Exception {
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            pool.submit(() -> items.parallelStream().forEach(work)).get();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Tokens of the post's text in every text field of its group, as indexing analyses it (counted, so the work cannot be optimised away). */
    public static long analyze(GroupAnalyzers analyzers, PostChange c) {
        long n = 0;
        for (GroupAnalyzers.TextField f : analyzers.fieldsOf(c.group())) {
            try (TokenStream ts =
                    f.analyzer().tokenStream(f.luceneField(), c.post().text())) {
                ts.reset();
                while (ts.incrementToken()) n++;
                ts.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }
}
