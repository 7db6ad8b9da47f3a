package dev.feedsearch.mappings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * OpenSearch index templates generated from the same group definitions the embedded engine reads: one
 * per group for {@code posts-<group>-v*}, its analysis sent as is, the text field analysed by the group's
 * main analyzer with its sub-fields, and the keyword/date/number fields every engine filters and sorts on.
 */
public final class IndexTemplates {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IndexTemplates() {}

    /** The composable index template body for {@code PUT _index_template/posts-<group>}. */
    public static ObjectNode forGroup(LanguageGroup g, int shards, int replicas) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode patterns = root.putArray("index_patterns");
        patterns.add("posts-" + g.name() + "-v*");
        ObjectNode template = root.putObject("template");
        ObjectNode settings = template.putObject("settings");
        ObjectNode index = settings.putObject("index")
                .put("number_of_shards", shards)
                .put("number_of_replicas", replicas)
                .put("refresh_interval", "1s");
        // newest first, the sort=recent order (as the embedded index is sorted): a recent listing with no total
        // count stops in each segment after its first page; set at index creation only, so a reindex brings it
        ObjectNode sort = index.putObject("sort");
        sort.putArray("field").add("created_at").add("id");
        sort.putArray("order").add("desc").add("asc");
        settings.set("analysis", g.analysis());
        ObjectNode props =
                template.putObject("mappings").put("dynamic", "strict").putObject("properties");
        ObjectNode text = props.putObject("text").put("type", "text").put("analyzer", g.mainAnalyzer());
        ObjectNode subfields = JSON.createObjectNode();
        for (Map.Entry<String, String> f : g.fields().entrySet()) {
            if (!f.getKey().isEmpty())
                subfields.putObject(f.getKey()).put("type", "text").put("analyzer", f.getValue());
        }
        if (!subfields.isEmpty()) text.set("fields", subfields);
        // lang is the detected language (what filters use); lang_hint the client's tag, kept for the API;
        // tags are kept as written and filtered through tag_keys (lower-cased, without '#')
        for (String k :
                new String[] {"id", "author_id", "lang", "group", "visibility", "tag_keys", "mentions", "reply_to"}) {
            props.putObject(k).put("type", "keyword");
        }
        for (String k : new String[] {"lang_hint", "tags"})
            props.putObject(k).put("type", "keyword").put("index", false).put("doc_values", false);
        props.putObject("created_at").put("type", "date");
        // engagement = likes + 2 reposts + 3 replies, what popular-post candidates sort by
        for (String n : new String[] {"likes", "reposts", "replies", "version", "engagement"})
            props.putObject(n).put("type", "long");
        root.put("priority", 100);
        root.putObject("_meta").put("generated_from", "feedsearch mappings/groups/" + g.name() + ".json");
        return root;
    }

    /** The body of {@code PUT feedsearch-keys}: one small document per post id, the engine's version registry. */
    public static ObjectNode keysIndex(int shards, int replicas) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode index = indexSettings(root, shards, replicas);
        // the engine flushes this index at every commit (before a source checkpoint moves); between commits a
        // lost tail only makes keys older than the group indices, which the replay from the checkpoint repairs
        index.putObject("translog").put("durability", "async").put("sync_interval", "1s");
        ObjectNode props = strictProperties(root);
        props.putObject("id").put("type", "keyword");
        props.putObject("order").put("type", "long");
        props.putObject("group").put("type", "keyword");
        props.putObject("author_id").put("type", "keyword").put("index", false).put("doc_values", false);
        props.putObject("deleted").put("type", "boolean");
        props.putObject("deleted_at")
                .put("type", "long"); // epoch ms a delete was applied: tombstones are purged by age
        return root;
    }

    /** The body of {@code PUT feedsearch-follows}: one document per edge key, active or undone. */
    public static ObjectNode followsIndex(int shards, int replicas) {
        ObjectNode root = JSON.createObjectNode();
        indexSettings(root, shards, replicas);
        ObjectNode props = strictProperties(root);
        props.putObject("follower").put("type", "keyword");
        props.putObject("followee").put("type", "keyword");
        props.putObject("relation").put("type", "keyword");
        props.putObject("active").put("type", "boolean");
        props.putObject("created_at").put("type", "date");
        props.putObject("deleted_at").put("type", "long"); // epoch ms the edge was undone: purged by age
        return root;
    }

    /**
     * The body of {@code PUT feedsearch-feed-sessions}: one document per feed session, its ranked list as an opaque
     * compressed blob. Nothing but the expiry is indexed (it drives the purge); sessions are disposable, so the
     * translog is async and refreshes are rare (reads are real-time gets by id).
     */
    public static ObjectNode feedSessionsIndex(int shards, int replicas) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode index = indexSettings(root, shards, replicas).put("refresh_interval", "30s");
        index.putObject("translog").put("durability", "async").put("sync_interval", "5s");
        ObjectNode props = strictProperties(root);
        props.putObject("viewer").put("type", "keyword").put("index", false).put("doc_values", false);
        props.putObject("expires_at").put("type", "long");
        props.putObject("data").put("type", "binary");
        return root;
    }

    /**
     * The body of {@code PUT feedsearch-checkpoints}: per source, its map of partition to position, stored and never
     * indexed (DynamoDB shard ids come and go: mapped fields, they would grow the mapping without end).
     */
    public static ObjectNode checkpointsIndex(int replicas) {
        ObjectNode root = JSON.createObjectNode();
        indexSettings(root, 1, replicas);
        ObjectNode props = strictProperties(root);
        props.putObject("positions").put("type", "object").put("enabled", false);
        props.putObject("saved_ms").put("type", "long");
        return root;
    }

    /**
     * The body of {@code PUT feedsearch-changes}: entries are read by id and found by {@code seq} (the newest, and the
     * range a prune deletes); the id lists are only stored, never analysed, since a batch may name a thousand posts.
     */
    public static ObjectNode changesIndex(int replicas) {
        ObjectNode root = JSON.createObjectNode();
        indexSettings(root, 1, replicas);
        ObjectNode props = strictProperties(root);
        props.putObject("seq").put("type", "long");
        for (String stored : new String[] {"posts", "authors", "viewers"})
            props.putObject(stored).put("type", "keyword").put("index", false).put("doc_values", false);
        props.putObject("everything").put("type", "boolean").put("index", false);
        props.putObject("at_ms").put("type", "long").put("index", false);
        return root;
    }

    /** {@code settings.index} of a small index with its shard and replica counts, for more settings. */
    private static ObjectNode indexSettings(ObjectNode root, int shards, int replicas) {
        return root.putObject("settings")
                .putObject("index")
                .put("number_of_shards", shards)
                .put("number_of_replicas", replicas);
    }

    /** The properties of a strict mapping: a field no one declared is an error, not a new mapping. */
    private static ObjectNode strictProperties(ObjectNode root) {
        return root.putObject("mappings").put("dynamic", "strict").putObject("properties");
    }
}
