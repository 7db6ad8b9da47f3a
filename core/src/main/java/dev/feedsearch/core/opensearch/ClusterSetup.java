package dev.feedsearch.core.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.IndexTemplates;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Brings a cluster to the layout the engine expects, idempotently: every node has the analysis plugins the
 * mappings name, each group has its index template and a serving index behind the read alias and its write
 * alias, and the keys and follows indices exist. Admin calls go through the generic client as raw JSON,
 * because their bodies (templates, analysis) are generated JSON from {@code mappings/}.
 */
public final class ClusterSetup {
    private final OpenSearchClient client;
    private final Mappings mappings;
    private final OpenSearchConfig cfg;

    public ClusterSetup(OpenSearchClient client, Mappings mappings, OpenSearchConfig cfg) {
        this.client = client;
        this.mappings = mappings;
        this.cfg = cfg;
    }

    /** Fails naming every plugin some node lacks and the groups that need it. */
    public void requirePlugins() throws IOException {
        JsonNode nodes = call("GET", "/_nodes/plugins", null).path("nodes");
        Map<String, Set<String>> needs = new TreeMap<>(); // plugin -> groups
        for (LanguageGroup g : mappings.groups()) {
            for (String p : g.plugins())
                needs.computeIfAbsent(p, k -> new TreeSet<>()).add(g.name());
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> node = it.next();
            Set<String> has = new TreeSet<>();
            for (JsonNode p : node.getValue().path("plugins"))
                has.add(p.path("name").asText());
            for (Map.Entry<String, Set<String>> need : needs.entrySet()) {
                if (!has.contains(need.getKey())) {
                    problems.add("node " + node.getValue().path("name").asText(node.getKey()) + " lacks "
                            + need.getKey() + " (needed by groups " + String.join(",", need.getValue()) + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "the OpenSearch cluster is missing analysis plugins: " + String.join("; ", problems)
                            + ". Install them on every node (bin/opensearch-plugin install <name>) and restart.");
        }
    }

    /** Creates what is missing; leaves what exists alone (a changed template applies to the next index version). */
    public void ensureLayout() throws IOException {
        Map<String, JsonNode> missing = new LinkedHashMap<>(); // index → create body
        JsonNode existing = call(
                "GET", "/_alias/" + IndexNames.READ_ALIAS + "-*?allow_no_indices=true&ignore_unavailable=true", null);
        for (LanguageGroup g : mappings.groups()) {
            call("PUT", "/_index_template/posts-" + g.name(), IndexTemplates.forGroup(g, cfg.shards(), cfg.replicas()));
            if (writeIndexIn(existing, g.name()) == null) {
                ObjectNode body = PostJson.MAPPER.createObjectNode();
                ObjectNode aliases = body.putObject("aliases");
                aliases.putObject(IndexNames.READ_ALIAS);
                aliases.putObject(IndexNames.writeAlias(g.name())).put("is_write_index", true);
                missing.put(IndexNames.index(g.name(), 1), body);
            }
        }
        missing.put(IndexNames.KEYS, IndexTemplates.keysIndex(cfg.shards(), cfg.replicas()));
        missing.put(IndexNames.FOLLOWS, IndexTemplates.followsIndex(cfg.shards(), cfg.replicas()));
        missing.put(IndexNames.CHANGES, IndexTemplates.changesIndex(cfg.replicas()));
        missing.put(IndexNames.CHECKPOINTS, IndexTemplates.checkpointsIndex(cfg.replicas()));
        missing.put(IndexNames.FEED_SESSIONS, IndexTemplates.feedSessionsIndex(1, cfg.replicas()));
        // created concurrently: the cluster manager batches the create tasks, ~30 one after another take seconds
        List<CompletableFuture<Void>> creates = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : missing.entrySet())
            creates.add(createIfAbsentAsync(e.getKey(), e.getValue()));
        try {
            CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("creating the indices failed: " + e.getCause(), e.getCause());
        }
        // a field added since these indices were first created: put mapping adds it (a no-op when present); only
        // the new field, since other fields of older indices may differ in settings a mapping update cannot change
        ObjectNode deletedAt = PostJson.MAPPER.createObjectNode();
        deletedAt.putObject("properties").putObject("deleted_at").put("type", "long");
        for (String index : List.of(IndexNames.KEYS, IndexNames.FOLLOWS))
            call("PUT", "/" + index + "/_mapping", deletedAt);
        // the group indices just created must be searchable before the first apply or search
        call("GET", "/_cluster/health?wait_for_status=yellow&timeout=30s", null);
    }

    /** The write index of a group's write alias in a {@code GET _alias} answer, or null. */
    private static String writeIndexIn(JsonNode aliases, String group) {
        String alias = IndexNames.writeAlias(group), only = null;
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = e.getValue().path("aliases").get(alias);
            if (a == null) continue;
            if (a.path("is_write_index").asBoolean(false)) return e.getKey();
            only = e.getKey();
            count++;
        }
        return count == 1 ? only : null;
    }

    /**
     * Every version index of every group and whether it serves: group → (index → serving). Indices that exist but
     * do not serve are being built or kept for rollback; the engine writes to them too.
     */
    public Map<String, Map<String, Boolean>> versionIndices() throws IOException {
        JsonNode all = call("GET", "/posts-*-v*/_alias?allow_no_indices=true&expand_wildcards=open", null);
        Map<String, Map<String, Boolean>> out = new TreeMap<>();
        for (LanguageGroup g : mappings.groups()) {
            Map<String, Boolean> versions = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (IndexNames.versionOf(g.name(), e.getKey()) < 0) continue;
                versions.put(e.getKey(), e.getValue().path("aliases").has(IndexNames.writeAlias(g.name())));
            }
            out.put(g.name(), versions);
        }
        return out;
    }

    /** Creates an index that the group's template shapes (no aliases: it does not serve yet). */
    public void createVersion(String index) throws IOException {
        try {
            createIfAbsentAsync(index, PostJson.MAPPER.createObjectNode()).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
        call("GET", "/_cluster/health/" + index + "?wait_for_status=yellow&timeout=30s", null);
    }

    /** Moves a group's read and write aliases from one index to another in ONE _aliases call (atomic). */
    public void swapAliases(String group, String from, String to) throws IOException {
        ObjectNode body = PostJson.MAPPER.createObjectNode();
        var actions = body.putArray("actions");
        actions.addObject().putObject("remove").put("index", from).put("alias", IndexNames.READ_ALIAS);
        actions.addObject().putObject("remove").put("index", from).put("alias", IndexNames.writeAlias(group));
        actions.addObject().putObject("add").put("index", to).put("alias", IndexNames.READ_ALIAS);
        actions.addObject()
                .putObject("add")
                .put("index", to)
                .put("alias", IndexNames.writeAlias(group))
                .put("is_write_index", true);
        call("POST", "/_aliases", body);
    }

    /** The index the write alias of {@code group} points at (its write index), or null when there is none. */
    public String servingIndex(String group) throws IOException {
        JsonNode aliases = callOrNull("GET", "/_alias/" + IndexNames.writeAlias(group));
        if (aliases == null) return null;
        Map<String, Boolean> indices = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            indices.put(
                    e.getKey(),
                    e.getValue()
                            .path("aliases")
                            .path(IndexNames.writeAlias(group))
                            .path("is_write_index")
                            .asBoolean(false));
        }
        return indices.entrySet().stream()
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(indices.size() == 1 ? indices.keySet().iterator().next() : null);
    }

    private CompletableFuture<Void> createIfAbsentAsync(String index, JsonNode body) {
        var req = Requests.builder().method("PUT").endpoint("/" + index);
        try {
            req.json(PostJson.MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.generic().executeAsync(req.build()).thenApply(r -> {
            try (r) {
                if (r.getStatus() < 300) return null;
                String text = bodyOf(r);
                if (r.getStatus() == 400 && text.contains("resource_already_exists_exception")) return null;
                throw new CompletionException(new IOException("PUT /" + index + " → " + r.getStatus() + ": " + text));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    JsonNode call(String method, String path, JsonNode body) throws IOException {
        try (Response r = send(method, path, body)) {
            String text = bodyOf(r);
            if (r.getStatus() >= 300) throw new IOException(method + " " + path + " → " + r.getStatus() + ": " + text);
            return text.isEmpty() ? PostJson.MAPPER.createObjectNode() : PostJson.MAPPER.readTree(text);
        }
    }

    private JsonNode callOrNull(String method, String path) throws IOException {
        try (Response r = send(method, path, null)) {
            if (r.getStatus() == 404) return null;
            String text = bodyOf(r);
            if (r.getStatus() >= 300) throw new IOException(method + " " + path + " → " + r.getStatus() + ": " + text);
            return PostJson.MAPPER.readTree(text);
        }
    }

    private Response send(String method, String path, JsonNode body) throws IOException {
        var b = Requests.builder().method(method).endpoint(path);
        if (body != null) b.json(PostJson.MAPPER.writeValueAsString(body));
        return client.generic().execute(b.build());
    }

    private static String bodyOf(Response r) {
        return r.getBody().map(Body::bodyAsString).orElse("");
    }
}
