package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.opensearch.OpenSearchConfig;
import dev.feedsearch.core.opensearch.OpenSearchPostIndex;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.mappings.IndexTemplates;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.FeedsearchServer;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The OpenSearch engine against raw OpenSearch on the same node, in one run:
 * <ul>
 * <li>indexing: the same posts (language already detected, so only indexing is timed), the same batch size,
 *     into the same per-group indices and analysis: a plain HTTP client's {@code _bulk} (the ceiling) vs
 *     {@code OpenSearchPostIndex.apply} (version lookup in the keys index, external versions, keys write);</li>
 * <li>search: the very request body the engine builds, sent to {@code _search} by a plain HTTP client, vs
 *     {@code /v1/search} on the Javalin service over that engine with its cache off (every request reaches
 *     OpenSearch);</li>
 * <li>bytes per post: the group indices' store size per byte of post JSON (an input of {@code plan}).</li>
 * </ul>
 * Usage: OpenSearchRun URL CORPUS.jsonl POSTS OUT.md [search] (with {@code search}: load once, then only the search latency)
 */
public final class OpenSearchRun {
    static final int BATCH = 1000;
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path corpus = Path.of(args[1]);
        int posts = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Mappings m = Mappings.load();
        awaitNode(url);
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), m);
        List<PostChange> changes = new ArrayList<>();
        long jsonBytes = 0;
        for (String line : Files.readAllLines(corpus)) {
            if (changes.size() == posts) break;
            JsonNode n = PostJson.MAPPER.readTree(line);
            if (PostJson.kindOf(n) != PostJson.Kind.POST || n.path("deleted").asBoolean(false)) continue;
            IndexChange c = factory.fromJson(n);
            if (c instanceof PostChange pc) {
                changes.add(pc);
                jsonBytes += line.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (args.length > 4 && args[4].equals("search")) {
            engineBulk(url, m, changes, OpenSearchConfig.Refresh.FALSE);
            String md = searchLatency(url, m);
            Files.writeString(out, md);
            System.out.print(md);
            return;
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "## OpenSearch engine vs raw OpenSearch (%,d posts, batches of %d, one node, same run)%n%n",
                changes.size(),
                BATCH));
        md.append("| run | raw `_bulk` docs/s | engine docs/s | engine ÷ raw |\n|---|---|---|---|\n");
        List<Double> ratios = new ArrayList<>(), raws = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            double raw = rawBulk(url, m, changes);
            raws.add(raw);
            double engine = engineBulk(url, m, changes, OpenSearchConfig.Refresh.FALSE);
            ratios.add(engine / raw);
            md.append(String.format(
                    Locale.ROOT,
                    "| %d, refresh off | %,.0f | %,.0f | %.0f%% |%n",
                    round,
                    raw,
                    engine,
                    100 * engine / raw));
        }
        ratios.sort(null);
        md.append(String.format(Locale.ROOT, "| **median of the rounds** | | | **%.0f%%** |%n", 100 * ratios.get(1)));
        double waitFor = engineBulk(url, m, changes, OpenSearchConfig.Refresh.WAIT_FOR);
        double forced = engineBulk(url, m, changes, OpenSearchConfig.Refresh.TRUE);
        md.append(String.format(
                Locale.ROOT,
                "| engine, refresh=wait_for (the default: searchable when apply returns) | | %,.0f | |%n",
                waitFor));
        md.append(String.format(
                Locale.ROOT,
                "| engine, refresh=true (a forced refresh of every touched index per batch) | | %,.0f | |%n%n",
                forced));

        long storeBytes = storeBytes(url, "posts"), keyBytes = storeBytes(url, "feedsearch-keys");
        md.append(String.format(
                Locale.ROOT,
                "Store after the load (primaries, after a flush, not force-merged): group indices %,d bytes + keys index %,d bytes "
                        + "for %,d bytes of post JSON = **%.2f bytes per JSON byte** (%.2f group indices, %.2f keys)%n%n",
                storeBytes,
                keyBytes,
                jsonBytes,
                (double) (storeBytes + keyBytes) / jsonBytes,
                (double) storeBytes / jsonBytes,
                (double) keyBytes / jsonBytes));

        md.append(searchLatency(url, m));
        raws.sort(null);
        md.append(reindex(url, m, raws.get(1)));
        Files.writeString(out, md.toString());
        System.out.print(md);
    }

    /** The ceiling: pre-detected documents into per-group indices with the engine's settings, by a plain client. */
    public static double rawBulk(String url, Mappings m, List<PostChange> changes) throws Exception {
        wipe(url);
        for (LanguageGroup g : m.groups()) {
            JsonNode template = IndexTemplates.forGroup(g, 1, 0).get("template");
            send(url, "PUT", "/rawbench-" + g.name(), template.toString());
        }
        long t0 = System.nanoTime();
        for (int from = 0; from < changes.size(); from += BATCH) {
            StringBuilder nd = new StringBuilder();
            for (PostChange pc : changes.subList(from, Math.min(changes.size(), from + BATCH))) {
                nd.append("{\"index\":{\"_index\":\"rawbench-")
                        .append(pc.group())
                        .append("\",\"_id\":")
                        .append(PostJson.MAPPER.writeValueAsString(pc.id()))
                        .append("}}\n");
                nd.append(document(pc)).append('\n');
            }
            String resp = send(url, "POST", "/_bulk", nd.toString());
            if (resp.contains("\"errors\":true"))
                throw new IllegalStateException(
                        "raw bulk had errors: " + resp.substring(0, Math.min(500, resp.length())));
        }
        send(url, "POST", "/rawbench-*/_refresh", null);
        return changes.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The document the engine indexes, built the same way, so both runs send the same bytes. */
    public static String document(PostChange pc) {
        ObjectNode d = PostJson.encode(pc.post());
        d.remove("deleted");
        d.put("lang_hint", pc.post().lang());
        d.put("lang", pc.lang());
        d.put("group", pc.group());
        var keys = d.putArray("tag_keys");
        for (String t : pc.post().tags())
            keys.add(t.startsWith("#") ? t.substring(1).toLowerCase(Locale.ROOT) : t.toLowerCase(Locale.ROOT));
        d.put(
                "engagement",
                pc.post().likes() + 2 * pc.post().reposts() + 3 * pc.post().replies());
        return d.toString();
    }

    public static double engineBulk(String url, Mappings m, List<PostChange> changes, OpenSearchConfig.Refresh refresh)
            throws Exception {
        wipe(url);
        OpenSearchConfig cfg = OpenSearchConfig.builder(url)
                .replicas(0)
                .refresh(refresh)
                .bulkBatch(BATCH * 2)
                .build();
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(cfg, m, OpenSearchPostIndex.RejectedWrites.FAIL)) {
            long t0 = System.nanoTime();
            for (int from = 0; from < changes.size(); from += BATCH) {
                index.apply(changes.subList(from, Math.min(changes.size(), from + BATCH)));
            }
            send(url, "POST", "/posts/_refresh", null);
            return changes.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static long storeBytes(String url, String target) throws Exception {
        send(url, "POST", "/" + target + "/_flush", null);
        JsonNode stats = PostJson.MAPPER.readTree(send(url, "GET", "/" + target + "/_stats/store", null));
        return stats.path("_all")
                .path("primaries")
                .path("store")
                .path("size_in_bytes")
                .asLong();
    }

    /** p50/p99 of the same queries: raw _search with the engine's body, and /v1/search over the engine, cache off. */
    static String searchLatency(String url, Mappings m) throws Exception {
        Set<String> langs = new HashSet<>(m.supportedLanguages());
        langs.add("und");
        OpenSearchConfig cfg = OpenSearchConfig.builder(url).replicas(0).build();
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(cfg, m, OpenSearchPostIndex.RejectedWrites.FAIL);
                FeedsearchServer server = FeedsearchServer.builder()
                        .index(index)
                        .languages(langs)
                        .port(0)
                        .cacheRefresh(Duration.ZERO)
                        .build()
                        .start()) {
            List<String> rawBodies = new ArrayList<>(), apiUrls = new ArrayList<>();
            List<SearchQuery> queries = new ArrayList<>();
            for (SortOrder sort : SortOrder.values()) {
                for (String q : BenchQueries.QUERIES) {
                    SearchQuery sq =
                            SearchQuery.builder().text(q).sort(sort).limit(20).build();
                    queries.add(sq);
                    StringWriter w = new StringWriter();
                    try (JsonGenerator gen = index.client()
                            ._transport()
                            .jsonpMapper()
                            .jsonProvider()
                            .createGenerator(w)) {
                        index.searchRequest(sq)
                                .serialize(gen, index.client()._transport().jsonpMapper());
                    }
                    rawBodies.add(w.toString());
                    apiUrls.add("http://127.0.0.1:" + server.port() + "/v1/search?limit=20&sort="
                            + sort.name().toLowerCase(Locale.ROOT) + "&q="
                            + URLEncoder.encode(q, StandardCharsets.UTF_8));
                }
            }
            Map<String, Histogram> h = new LinkedHashMap<>();
            h.put("raw `_search` (the engine's body)", new Histogram(3));
            h.put("`OpenSearchPostIndex.search` in-process (opensearch-java client)", new Histogram(3));
            h.put("`/v1/search` over the engine, cache off", new Histogram(3));
            h.put("`/health` on the same server (the bare HTTP hop)", new Histogram(3));
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
            int rounds = 40;
            for (int r = 0; r < rounds + 5; r++) { // the first 5 rounds warm up
                for (int i = 0; i < rawBodies.size(); i++) {
                    long t0 = System.nanoTime();
                    send(url, "POST", "/posts/_search", rawBodies.get(i));
                    long t1 = System.nanoTime();
                    index.search(queries.get(i));
                    long t2 = System.nanoTime();
                    HttpResponse<String> resp = HTTP.send(
                            HttpRequest.newBuilder(URI.create(apiUrls.get(i))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long t3 = System.nanoTime();
                    if (resp.statusCode() != 200)
                        throw new IllegalStateException(apiUrls.get(i) + " → " + resp.statusCode() + " " + resp.body());
                    HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
                    long t4 = System.nanoTime();
                    if (r >= 5) {
                        List<Histogram> hs = new ArrayList<>(h.values());
                        hs.get(0).recordValue((t1 - t0) / 1000);
                        hs.get(1).recordValue((t2 - t1) / 1000);
                        hs.get(2).recordValue((t3 - t2) / 1000);
                        hs.get(3).recordValue((t4 - t3) / 1000);
                    }
                }
            }
            StringBuilder md = new StringBuilder(String.format(
                    Locale.ROOT,
                    "### Search latency, %d queries × 2 sorts × %d rounds, interleaved, one client%n%n| path | p50 ms | p90 ms | p99 ms |%n|---|---|---|---|%n",
                    BenchQueries.QUERIES.size(),
                    rounds));
            for (Map.Entry<String, Histogram> e : h.entrySet()) {
                Histogram x = e.getValue();
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %.2f | %.2f | %.2f |%n",
                        e.getKey(),
                        x.getValueAtPercentile(50) / 1000.0,
                        x.getValueAtPercentile(90) / 1000.0,
                        x.getValueAtPercentile(99) / 1000.0));
            }
            List<Histogram> hs = new ArrayList<>(h.values());
            md.append(String.format(
                    Locale.ROOT,
                    "%nOverhead at p50 over raw `_search`: engine in-process %.2f ms; service + engine **%.2f ms**%n",
                    (hs.get(1).getValueAtPercentile(50) - hs.get(0).getValueAtPercentile(50)) / 1000.0,
                    (hs.get(2).getValueAtPercentile(50) - hs.get(0).getValueAtPercentile(50)) / 1000.0));
            return md.toString();
        }
    }

    /** The node may still be starting (bin/lib/opensearch.sh names its URL first). */
    public static void awaitNode(String url) throws Exception {
        for (int i = 0; i < 180; i++) {
            try {
                send(url, "GET", "/_cluster/health?wait_for_status=yellow&timeout=1s", null);
                return;
            } catch (IOException | IllegalStateException e) {
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("no OpenSearch node answering at " + url);
    }

    /**
     * The reindex job on this engine: every group rebuilt from the serving version (loaded by the last engine run)
     * with searches running all along; docs/s against the raw _bulk ceiling of this run, search p99 during vs idle.
     */
    static String reindex(String url, Mappings m, double rawBulkDocsPerSec) throws Exception {
        OpenSearchConfig cfg = OpenSearchConfig.builder(url).replicas(0).build();
        Path jobsDir = Files.createTempDirectory("reindex-bench");
        try (OpenSearchPostIndex index = OpenSearchPostIndex.open(cfg, m, OpenSearchPostIndex.RejectedWrites.FAIL);
                ReindexJobs jobs = ReindexJobs.open(
                        index.rebuilds().orElseThrow(),
                        m,
                        new ChangeFactory(new ScriptFirstDetector(), m)::fromPost,
                        jobsDir,
                        Clock.systemUTC())) {
            List<SearchQuery> qs = new ArrayList<>();
            for (String q : BenchQueries.QUERIES)
                qs.add(SearchQuery.builder().text(q).limit(20).build());
            Histogram idle = new Histogram(3), during = new Histogram(3);
            for (int r = 0; r < 20; r++) for (SearchQuery q : qs) time(index, q, r < 4 ? null : idle);
            List<String> groups = new ArrayList<>();
            m.groups().forEach(g -> groups.add(g.name()));
            long t0 = System.nanoTime();
            var job = jobs.start(new ReindexRequest(groups, "index", 0, 1000, 0));
            int i = 0;
            while (jobs.status(job.job()).orElseThrow().state() == ReindexStatus.State.RUNNING) {
                time(index, qs.get(i++ % qs.size()), during);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            var done = jobs.status(job.job()).orElseThrow();
            if (done.state() != ReindexStatus.State.SWAPPED && done.state() != ReindexStatus.State.DONE) {
                throw new IllegalStateException("reindex ended " + done.state() + ": " + done.report());
            }
            double rate = done.copied() / seconds;
            return String.format(
                    Locale.ROOT,
                    """

                    ### Reindex of every group (%,d posts, verified and swapped), searches running throughout

                    | what | value |
                    |---|---|
                    | reindex docs/s (copy + verify + swap) | %,.0f |
                    | raw `_bulk` ceiling of this run (median) | %,.0f |
                    | reindex ÷ raw ingest | %.0f%% |
                    | search p50 / p99 idle (ms) | %.2f / %.2f |
                    | search p50 / p99 during the reindex (ms) | %.2f / %.2f (%d searches) |
                    """,
                    done.copied(),
                    rate,
                    rawBulkDocsPerSec,
                    100 * rate / rawBulkDocsPerSec,
                    idle.getValueAtPercentile(50) / 1000.0,
                    idle.getValueAtPercentile(99) / 1000.0,
                    during.getValueAtPercentile(50) / 1000.0,
                    during.getValueAtPercentile(99) / 1000.0,
                    during.getTotalCount());
        }
    }

    private static void time(OpenSearchPostIndex index, SearchQuery q, Histogram h) throws Exception {
        long t0 = System.nanoTime();
        index.search(q);
        if (h != null) h.recordValue((System.nanoTime() - t0) / 1000);
    }

    public static void wipe(String url) throws Exception {
        send(url, "DELETE", "/posts-*,feedsearch-*,rawbench-*?expand_wildcards=all", null);
        send(url, "DELETE", "/_index_template/posts-*", null);
    }

    public static String send(String url, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null)
            b.header("Content-Type", path.endsWith("_bulk") ? "application/x-ndjson" : "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(r.statusCode() == 404 && method.equals("DELETE"))) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
