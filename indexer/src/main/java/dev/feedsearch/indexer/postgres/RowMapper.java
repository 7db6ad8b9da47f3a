package dev.feedsearch.indexer.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A row of {@code posts} or {@code follows}, as column name → PostgreSQL text value (null for SQL NULL),
 * mapped to the ingest JSON contract. Shared by the stream (pgoutput tuples) and the backfill
 * ({@code SELECT col::text}), so both paths produce the same records. Columns are matched by name, so
 * column order and extra columns do not matter; a value that does not parse is passed on as a string and
 * validation rejects it with the field's name.
 */
final class RowMapper {
    private RowMapper() {}

    enum Table {
        POSTS(
                List.of("id"),
                Set.of(
                        "id",
                        "author_id",
                        "text",
                        "lang",
                        "created_at",
                        "visibility",
                        "tags",
                        "mentions",
                        "reply_to",
                        "likes",
                        "reposts",
                        "replies",
                        "version",
                        "deleted")),
        // relation (follow | mute | block) is optional: a table without that column holds follows only
        FOLLOWS(
                List.of("follower_id", "followee_id", "relation"),
                Set.of("follower_id", "followee_id", "relation", "created_at", "version", "deleted"));

        final List<String> key;
        final Set<String> fields;

        Table(List<String> key, Set<String> fields) {
            this.key = key;
            this.fields = fields;
        }
    }

    private static final Set<String> INSTANTS = Set.of("created_at");
    private static final Set<String> ARRAYS = Set.of("tags", "mentions");
    private static final Set<String> INTEGERS = Set.of("likes", "reposts", "replies", "version");

    /** A row that is (or was, for an UPDATE's new values) in the table. */
    static ObjectNode row(Table t, Map<String, String> row) {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        for (Map.Entry<String, String> e : row.entrySet()) {
            if (t.fields.contains(e.getKey())) o.set(e.getKey(), value(e.getKey(), e.getValue()));
        }
        return o;
    }

    /**
     * A removed row: its key and the version it had (a removal wins over an upsert of the same version, so
     * the replayed INSERT of this very row cannot revive it). Needs the old row (REPLICA IDENTITY FULL).
     */
    static ObjectNode removal(Table t, Map<String, String> oldRow) throws MappingException {
        ObjectNode o = PostJson.MAPPER.createObjectNode();
        for (String k : t.key) {
            if (oldRow.containsKey(k)) o.set(k, value(k, oldRow.get(k)));
        }
        if (oldRow.get("version") == null) {
            throw new MappingException("the old row has no version: set REPLICA IDENTITY FULL on the table so a DELETE "
                    + "carries the removed row");
        }
        o.set("version", value("version", oldRow.get("version")));
        if (oldRow.get("created_at") != null) o.set("created_at", value("created_at", oldRow.get("created_at")));
        o.put("deleted", true);
        return o;
    }

    /** Whether two rows of the table have the same primary key. */
    static boolean sameKey(Table t, Map<String, String> a, Map<String, String> b) {
        for (String k : t.key) {
            if (!Objects.equals(a.get(k), b.get(k))) return false;
        }
        return true;
    }

    private static JsonNode value(String column, String text) {
        var f = PostJson.MAPPER.getNodeFactory();
        if (text == null) return f.nullNode();
        if (INSTANTS.contains(column)) return f.textNode(PgText.instant(text).orElse(text));
        if (INTEGERS.contains(column)) {
            try {
                return f.numberNode(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return f.textNode(text);
            }
        }
        if (ARRAYS.contains(column)) return array(text);
        if (column.equals("deleted"))
            return PgText.bool(text).<JsonNode>map(f::booleanNode).orElse(f.textNode(text));
        return f.textNode(text);
    }

    /** text[] ({@code {a,b}}) or json/jsonb ({@code ["a","b"]}). */
    private static JsonNode array(String text) {
        if (text.startsWith("[") && !text.contains("]={")) {
            try { // strictly, as every record: trailing content or a duplicate key is no array of ours
                JsonNode n = PostJson.readStrict(text);
                if (n.isArray()) return n;
            } catch (JsonProcessingException e) {
                // fall through: the raw string fails validation with the field's name
            }
            return PostJson.MAPPER.getNodeFactory().textNode(text);
        }
        Optional<List<String>> items = PgText.array(text);
        if (items.isEmpty()) return PostJson.MAPPER.getNodeFactory().textNode(text);
        ArrayNode a = PostJson.MAPPER.createArrayNode();
        items.get().forEach(a::add);
        return a;
    }

    /** A row that cannot be turned into a contract record at all. */
    static final class MappingException extends Exception {
        MappingException(String message) {
            super(message);
        }
    }
}
