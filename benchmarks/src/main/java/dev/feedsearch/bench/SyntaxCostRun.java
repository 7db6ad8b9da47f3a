package dev.feedsearch.bench;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import dev.feedsearch.query.QuerySyntax;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * What the grammar of q and highlights add to an uncached /v1/search (issue 19: at most 10% of its p50), in one
 * run: the benchmark queries against one server without a result cache, each request sent twice back to back in
 * alternating order, once with highlight=false and once with highlights (the default), so both see the same
 * machine; and the parser alone, timed in the same JVM over the same queries, as a share of that p50. Every
 * query passes the parser (a q without operators too), so its share is measured directly rather than by a
 * build without it.
 *
 * <p>Usage: SyntaxCostRun INDEX_DIR REQUESTS OUT_MD
 */
public final class SyntaxCostRun {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int requests = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Mappings m = Mappings.load();
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        List<String> queries = new ArrayList<>();
        for (String q : BenchQueries.QUERIES) queries.add(q);
        // the same words with operators: a phrase of the two-word query, an exclusion, a filter
        queries.addAll(List.of("\"family marriage\"", "rights -education", "from:u1 rights", "freedom OR libertad"));
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir, GroupAnalyzers.build(m));
                FeedsearchServer server = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ZERO)
                        .build()
                        .start()) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + server.port() + "/v1/search?limit=20&q=";
            Histogram off = new Histogram(3_600_000_000_000L, 3), on = new Histogram(3_600_000_000_000L, 3);
            Zipf mix = new Zipf(queries.size(), 1.1, 7);
            long highlightsSeen = 0;
            for (int i = -requests / 5; i < requests; i++) { // the first fifth warms up
                String url = base + URLEncoder.encode(queries.get(mix.next()), StandardCharsets.UTF_8);
                boolean onFirst = (i & 1) == 0;
                for (int k = 0; k < 2; k++) {
                    boolean highlight = onFirst == (k == 0);
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = client.send(
                            HttpRequest.newBuilder(URI.create(url + (highlight ? "" : "&highlight=false")))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (r.statusCode() != 200)
                        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
                    if (i < 0) continue;
                    (highlight ? on : off).recordValue(took);
                    // the highlighted side must really highlight: marked spans in its hits
                    if (highlight && r.body().contains("\"highlights\":[[")) highlightsSeen++;
                }
            }
            if (highlightsSeen < requests / 2)
                throw new IllegalStateException("only " + highlightsSeen + " highlighted responses carried a span");
            // the parser alone, over the same mix
            int parses = 500_000;
            for (int i = 0; i < parses; i++) QuerySyntax.parse(queries.get(i % queries.size())); // warm-up
            long t0 = System.nanoTime();
            int sink = 0;
            for (int i = 0; i < parses; i++)
                sink += QuerySyntax.parse(queries.get(i % queries.size()))
                        .mentions()
                        .size();
            double parseMs = (System.nanoTime() - t0) / 1e6 / parses;
            double p50Off = off.getValueAtPercentile(50) / 1e6, p50On = on.getValueAtPercentile(50) / 1e6;
            double added = (p50On - p50Off + parseMs) / p50Off;
            StringBuilder md = new StringBuilder();
            md.append(String.format(
                    Locale.ROOT,
                    "# What q's grammar and highlights add to uncached /v1/search (%s)%n%n",
                    Instant.now()));
            md.append(String.format(
                    Locale.ROOT,
                    "`SyntaxCostRun` over %,d posts (`%s`): %d queries (the %d benchmark queries of every script, plus 4 written "
                            + "with operators), Zipf mix; %,d measured requests per side after %,d warm-up, one client, each query sent with and "
                            + "without highlights back to back in alternating order, result cache off. %,d highlighted responses carried spans.%n%n",
                    index.stats().posts(),
                    dir,
                    queries.size(),
                    BenchQueries.QUERIES.size(),
                    requests,
                    requests / 5,
                    highlightsSeen));
            md.append("| side | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|\n");
            md.append(row("highlight=false", off)).append(row("highlights (default)", on));
            md.append(String.format(Locale.ROOT, "%nhighlights ÷ none, p50: %.3f×%n", p50On / p50Off));
            md.append(String.format(
                    Locale.ROOT,
                    "parsing q: %.4f ms per query (mean of %,d), %.2f%% of the p50 without highlights (sink %d)%n",
                    parseMs,
                    parses,
                    100 * parseMs / p50Off,
                    sink));
            md.append(String.format(
                    Locale.ROOT,
                    "parsing and highlighting together add %.1f%% to the p50 (target: at most 10%%): %s%n",
                    100 * added,
                    added <= 0.10 ? "met" : "**not met**"));
            Files.writeString(out, md.toString());
            System.out.print(md);
        }
    }

    private static String row(String name, Histogram h) {
        return String.format(
                Locale.ROOT,
                "| %s | %.3f | %.3f | %.3f |%n",
                name,
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(90) / 1e6,
                h.getValueAtPercentile(99) / 1e6);
    }
}
