package dev.feedsearch.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.indexer.JsonlIngester;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Test harness: the committed sample loaded through the real ingest path into a real embedded index,
 * served by a real server on a free port; requests go over HTTP. Built once per test JVM.
 */
final class SampleServer {
    static final Path ROOT = Path.of(System.getProperty("feedsearch.root", ".."));
    static final Path SAMPLE = ROOT.resolve("sample/posts.jsonl");

    private static SampleServer instance;

    final EmbeddedPostIndex index;
    final FeedsearchServer server;
    final IngestReport report;
    final ChangeFactory changes;
    private final Set<String> languages;
    private final HttpClient http = HttpClient.newHttpClient();

    private SampleServer() throws IOException {
        if (!Files.isRegularFile(SAMPLE)) {
            throw new IllegalStateException(
                    "sample corpus not found at " + SAMPLE.toAbsolutePath() + " (set -Dfeedsearch.root)");
        }
        Path dir = Files.createTempDirectory("feedsearch-test-");
        Mappings mappings = Mappings.load();
        index = EmbeddedPostIndex.open(dir.resolve("index"), GroupAnalyzers.build(mappings));
        changes = new ChangeFactory(new ScriptFirstDetector(), mappings);
        try (JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            report = new JsonlIngester(changes, index, dlq, 500).ingest(SAMPLE, b -> {});
        }
        Set<String> langs = new HashSet<>(mappings.supportedLanguages());
        langs.add("und");
        languages = Set.copyOf(langs);
        // a long refresh interval: every invalidation the tests check must come from the change tracking,
        // never from an entry merely timing out (and a slow CI machine cannot expire one mid-test)
        server = FeedsearchServer.builder()
                .index(index)
                .languages(langs)
                .port(0)
                .cacheRefresh(java.time.Duration.ofSeconds(30))
                .build()
                .start();
    }

    static synchronized SampleServer get() throws IOException {
        if (instance == null) instance = new SampleServer();
        return instance;
    }

    /**
     * A second server over the same index with caches of its own, empty: for a test whose first request must not
     * meet an entry another test left in the shared server's caches (shared for their refresh interval by design).
     */
    FeedsearchServer freshServer() {
        return FeedsearchServer.builder()
                .index(index)
                .languages(languages)
                .port(0)
                .cacheRefresh(java.time.Duration.ofSeconds(30))
                .build()
                .start();
    }

    record Response(int status, String body, JsonNode json) {}

    Response get(String pathAndQuery) throws IOException, InterruptedException {
        return get(server, pathAndQuery);
    }

    Response get(FeedsearchServer on, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + pathAndQuery))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = r.headers().firstValue("content-type").orElse("");
        if (type.contains("json")) json = PostJson.MAPPER.readTree(r.body());
        return new Response(r.statusCode(), r.body(), json);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
