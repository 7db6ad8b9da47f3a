package dev.feedsearch.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader and writer of the Post / follow-edge JSON contract (ARCHITECTURE.md). Every source
 * (JSONL ingest, change streams) and the engines' stored copies go through it, so validation rules
 * live in one place.
 */
public final class PostJson {
    public static final int MAX_ID_CHARS = 256;
    public static final int MAX_TEXT_CHARS = 10_000;
    public static final int MAX_TAGS = 50;
    public static final int MAX_TAG_CHARS = 100;
    /** Versions leave the top bit for the engines' delete-wins-ties ordering. */
    public static final long MAX_VERSION = (1L << 62) - 1;

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PostJson() {}

    /** Which contract a JSONL object follows. */
    public enum Kind { POST, FOLLOW, UNKNOWN }

    public static Kind kindOf(JsonNode n) {
        if (n == null || !n.isObject()) return Kind.UNKNOWN;
        if (n.has("follower_id") || n.has("followee_id")) return Kind.FOLLOW;
        // a record with post fields but no id is a broken post: decoding it names the missing id
        if (n.has("id") || n.has("text") || n.has("author_id")) return Kind.POST;
        return Kind.UNKNOWN;
    }

    /** Decodes and validates a post. A deleted post needs only id and version. */
    public static Post decodePost(JsonNode n) throws InvalidRecordException {
        if (n == null || !n.isObject()) throw new InvalidRecordException(null, "record is not a JSON object");
        String id = requiredId(n, "id");
        long version = version(n);
        boolean deleted = optionalBoolean(n, "deleted");
        if (deleted) {
            return new Post(id, optionalString(n, "author_id", MAX_ID_CHARS), null, null, optionalInstant(n, "created_at"),
                    null, List.of(), List.of(), null, 0, 0, 0, version, true);
        }
        String author = requiredId(n, "author_id");
        String text = requiredString(n, "text", MAX_TEXT_CHARS);
        if (text.isBlank()) throw new InvalidRecordException("text", "text is blank");
        Instant created = optionalInstant(n, "created_at");
        if (created == null) throw new InvalidRecordException("created_at", "created_at is required");
        String vis = requiredString(n, "visibility", 16);
        Visibility visibility = Visibility.parse(vis);
        if (visibility == null) {
            throw new InvalidRecordException("visibility", "visibility must be public, followers or private, got '" + vis + "'");
        }
        return new Post(id, author, text, optionalString(n, "lang", 35), created, visibility,
                stringList(n, "tags", MAX_TAGS, MAX_TAG_CHARS), stringList(n, "mentions", MAX_TAGS, MAX_ID_CHARS),
                optionalString(n, "reply_to", MAX_ID_CHARS), counter(n, "likes"), counter(n, "reposts"),
                counter(n, "replies"), version, false);
    }

    public static FollowEdge decodeFollow(JsonNode n) throws InvalidRecordException {
        if (n == null || !n.isObject()) throw new InvalidRecordException(null, "record is not a JSON object");
        String follower = requiredId(n, "follower_id");
        String followee = requiredId(n, "followee_id");
        String rel = optionalString(n, "relation", 16);
        FollowEdge.Relation relation = FollowEdge.Relation.parse(rel);
        if (relation == null) throw new InvalidRecordException("relation", "relation must be follow, mute or block, got '" + rel + "'");
        return new FollowEdge(follower, followee, optionalInstant(n, "created_at"), version(n),
                optionalBoolean(n, "deleted"), relation);
    }

    public static ObjectNode encode(Post p) {
        ObjectNode o = F.objectNode();
        o.put("id", p.id());
        o.put("author_id", p.authorId());
        o.put("text", p.text());
        o.put("lang", p.lang());
        o.put("created_at", p.createdAt() == null ? null : p.createdAt().toString());
        o.put("visibility", p.visibility() == null ? null : p.visibility().wire());
        ArrayNode tags = o.putArray("tags");
        p.tags().forEach(tags::add);
        ArrayNode mentions = o.putArray("mentions");
        p.mentions().forEach(mentions::add);
        o.put("reply_to", p.replyTo());
        o.put("likes", p.likes());
        o.put("reposts", p.reposts());
        o.put("replies", p.replies());
        o.put("version", p.version());
        o.put("deleted", p.deleted());
        return o;
    }

    public static ObjectNode encode(FollowEdge e) {
        ObjectNode o = F.objectNode();
        o.put("follower_id", e.followerId());
        o.put("followee_id", e.followeeId());
        o.put("created_at", e.createdAt() == null ? null : e.createdAt().toString());
        o.put("version", e.version());
        o.put("deleted", e.deleted());
        if (e.relation() != FollowEdge.Relation.FOLLOW) o.put("relation", e.relation().wire());
        return o;
    }

    private static String requiredString(JsonNode n, String field, int max) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new InvalidRecordException(field, field + " is required");
        if (!v.isTextual()) throw new InvalidRecordException(field, field + " must be a string, got " + v.getNodeType());
        String s = v.textValue();
        if (s.isEmpty()) throw new InvalidRecordException(field, field + " is empty");
        if (s.length() > max) throw new InvalidRecordException(field, field + " is longer than " + max + " characters (" + s.length() + ")");
        return s;
    }

    /** Ids become index keys: no control characters (they separate key parts). */
    private static String requiredId(JsonNode n, String field) throws InvalidRecordException {
        String s = requiredString(n, field, MAX_ID_CHARS);
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRecordException(field, field + " must not contain control characters");
        }
        return s;
    }

    private static String optionalString(JsonNode n, String field, int max) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        return requiredString(n, field, max);
    }

    private static long requiredLong(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new InvalidRecordException(field, field + " is required");
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidRecordException(field, field + " must be an integer, got " + v.getNodeType());
        }
        long l = v.longValue();
        if (l < 0) throw new InvalidRecordException(field, field + " must not be negative");
        return l;
    }

    private static long version(JsonNode n) throws InvalidRecordException {
        long v = requiredLong(n, "version");
        if (v > MAX_VERSION) throw new InvalidRecordException("version", "version must be at most " + MAX_VERSION);
        return v;
    }

    private static long counter(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? 0 : requiredLong(n, field);
    }

    private static boolean optionalBoolean(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw new InvalidRecordException(field, field + " must be true or false, got " + v.getNodeType());
        return v.booleanValue();
    }

    private static Instant optionalInstant(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new InvalidRecordException(field, field + " must be an ISO-8601 timestamp string");
        try {
            return Instant.parse(v.textValue());
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field, field + " is not an ISO-8601 instant like 2026-11-01T12:00:00Z: '" + v.textValue() + "'");
        }
    }

    private static List<String> stringList(JsonNode n, String field, int maxItems, int maxChars) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new InvalidRecordException(field, field + " must be an array of strings");
        if (v.size() > maxItems) throw new InvalidRecordException(field, field + " has more than " + maxItems + " items");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isTextual() || item.textValue().isEmpty() || item.textValue().length() > maxChars) {
                throw new InvalidRecordException(field, field + " items must be non-empty strings of at most " + maxChars + " characters");
            }
            out.add(item.textValue());
        }
        return out;
    }
}
