package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.feedsearch.bench.EvalCorpus.EvalPost;
import dev.feedsearch.bench.EvalQueries.EvalQuery;
import dev.feedsearch.bench.RelevanceMetrics.Hit;
import dev.feedsearch.bench.RelevanceMetrics.Scored;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Relevance of multilingual search, measured through the product's whole query path: a corpus built from the
 * UDHR ({@link EvalCorpus}) goes through language detection ({@link ChangeFactory}) into a real index, an
 * in-process {@link FeedsearchServer} serves it, and every generated query ({@link EvalQueries}) is sent as
 * {@code GET /v1/search?q=…&limit=10} over HTTP, as a client would (no {@code lang}, no viewer). Scores per
 * language, per kind and overall, for a test half (the headline) and a dev half (the one to tune on).
 *
 * <p>The server's clock is pinned a year after the newest post and every post has zero engagement, so the
 * recency and engagement features are the same for every hit and the order is the text relevance's alone.
 *
 * <pre>
 * RelevanceEval --udhr PATH --engine embedded|opensearch [--opensearch-url URL] [--wipe] [--hint] [--out benchmarks/results] [--seed 42]
 * </pre>
 * {@code --wipe} deletes the feedsearch indices of the OpenSearch cluster first (the run expects to own it).
 */
public final class RelevanceEval {

    /** @param hint send each query's language as the client's Accept-Language (what an app knows of its user) */
    record Options(Path udhr, String engine, String opensearchUrl, boolean wipe, Path out, long seed, boolean hint) {
        /** The report's file name stem: relevance-ENGINE, with -hinted when the client's language is sent. */
        String name() {
            return "relevance-" + engine + (hint ? "-hinted" : "");
        }

        static Options parse(String[] args) {
            Path udhr = Path.of("../shared/corpora/udhr/udhr-paragraphs.jsonl"), out = Path.of("benchmarks/results");
            String engine = "embedded", url = "http://127.0.0.1:9200";
            boolean wipe = false, hint = false;
            long seed = 42;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--udhr" -> udhr = Path.of(value(args, ++i, a));
                    case "--engine" -> engine = value(args, ++i, a);
                    case "--opensearch-url" -> url = value(args, ++i, a);
                    case "--wipe" -> wipe = true;
                    case "--hint" -> hint = true;
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!engine.equals("embedded") && !engine.equals("opensearch"))
                throw new IllegalArgumentException("--engine is embedded or opensearch");
            if (!Files.isRegularFile(udhr))
                throw new IllegalArgumentException("no UDHR file at " + udhr.toAbsolutePath() + " (--udhr)");
            return new Options(udhr, engine, url, wipe, out, seed, hint);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
            return args[i];
        }
    }

    /** The goals the headline is judged against. */
    static final double TARGET_MRR = 0.9, TARGET_MRR_PER_LANGUAGE = 0.8, TARGET_PROSE_SHARE = 0.9;

    static final int BATCH = 500;

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().equals("help") ? "" : "error: " + e.getMessage() + "\n")
                    + "usage: RelevanceEval --udhr udhr-paragraphs.jsonl --engine embedded|opensearch [--opensearch-url URL] [--wipe]"
                    + " [--hint] [--out benchmarks/results] [--seed 42]");
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        Mappings m = Mappings.load();
        EvalCorpus corpus =
                EvalCorpus.build(EvalCorpus.read(o.udhr()), m::canonicalLanguage, m.supportedLanguages(), o.seed());
        List<EvalQuery> queries = EvalQueries.generate(corpus, o.seed());
        System.err.printf(
                Locale.ROOT,
                "corpus: %,d posts in %d languages; %,d queries%n",
                corpus.posts().size(),
                corpus.variants().size(),
                queries.size());

        Path tmp = null;
        PostIndex index;
        if (o.engine().equals("embedded")) {
            tmp = Files.createTempDirectory("relevance-eval-");
            index = EmbeddedPostIndex.open(tmp, GroupAnalyzers.build(m));
        } else {
            OpenSearchRun.awaitNode(o.opensearchUrl());
            if (o.wipe()) OpenSearchRun.wipe(o.opensearchUrl());
            index = OpenSearchPostIndex.open(
                    OpenSearchConfig.builder(o.opensearchUrl()).replicas(0).build(),
                    m,
                    OpenSearchPostIndex.RejectedWrites.FAIL);
        }
        try (index) {
            Map<String, String> detected = load(index, corpus, m);
            long indexed = index.stats().posts();
            if (indexed != corpus.posts().size()) {
                System.err.printf(
                        Locale.ROOT,
                        "warning: the index holds %,d posts, the corpus has %,d (a cluster not wiped? see --wipe)%n",
                        indexed,
                        corpus.posts().size());
            }
            Set<String> langs = new HashSet<>(m.supportedLanguages());
            langs.add("und");
            Clock clock = Clock.fixed(EvalCorpus.END.plus(Duration.ofDays(365)), ZoneOffset.UTC);
            List<Scored> scored;
            try (FeedsearchServer server = FeedsearchServer.builder()
                    .index(index)
                    .languages(langs)
                    .port(0)
                    .clock(clock)
                    .build()
                    .start()) {
                scored = run("http://127.0.0.1:" + server.port(), queries, corpus, o.hint());
            }
            RelevanceReport report = new RelevanceReport(o, corpus, detected, scored);
            Files.createDirectories(o.out());
            Path md = o.out().resolve(o.name() + ".md"), json = o.out().resolve(o.name() + ".json");
            Files.writeString(md, report.markdown());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report.json());
            System.out.print(report.stdout());
            System.out.printf(Locale.ROOT, "wrote %s and %s in %.0f s%n", md, json, (System.nanoTime() - t0) / 1e9);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    /** Every post through detection and routing, as the indexer does; returns post id → detected language. */
    static Map<String, String> load(PostIndex index, EvalCorpus corpus, Mappings m) throws IOException {
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), m);
        Map<String, String> detected = new HashMap<>();
        List<IndexChange> batch = new ArrayList<>();
        for (EvalPost p : corpus.posts()) {
            PostChange c = factory.fromPost(p.toPost());
            detected.put(p.id(), c.lang());
            batch.add(c);
            if (batch.size() == BATCH) {
                index.apply(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) index.apply(batch);
        index.commit();
        return detected;
    }

    /** One request per query, in order, on one connection: the measurement is relevance, not speed. */
    static List<Scored> run(String base, List<EvalQuery> queries, EvalCorpus corpus, boolean hint) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        ObjectMapper mapper = new ObjectMapper();
        List<Scored> out = new ArrayList<>();
        for (EvalQuery q : queries) {
            URI uri = URI.create(base + "/v1/search?q=" + URLEncoder.encode(q.text(), StandardCharsets.UTF_8)
                    + "&limit=" + RelevanceMetrics.K);
            HttpRequest.Builder req =
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
            if (hint) req.header("Accept-Language", q.lang());
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            List<Hit> hits = new ArrayList<>();
            String error = null;
            if (r.statusCode() == 200) {
                for (JsonNode h : mapper.readTree(r.body()).path("hits")) {
                    hits.add(new Hit(
                            h.path("id").asText(),
                            h.path("lang").asText(),
                            h.path("text").asText()));
                }
            } else {
                error = r.statusCode() + " " + r.body();
                // a server that fails the very first query is broken, not irrelevant: no report to mistake for a result
                if (out.isEmpty())
                    throw new IllegalStateException("the server failed the first query (" + q.text() + "): " + error);
            }
            // how many posts anywhere hold the query in their prose: the top slots prose matches can fill
            int available = (int) corpus.posts().stream()
                    .filter(p -> q.proseMatches(p.text()))
                    .count();
            out.add(RelevanceMetrics.score(q, hits, available, error));
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
