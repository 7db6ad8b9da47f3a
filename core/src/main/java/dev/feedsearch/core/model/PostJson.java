package dev.feedsearch.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    /**
     * Times (created_at) must fall in the years 1970 to 2200: both engines store epoch milliseconds in a long,
     * which overflows near the year 292,278,994, and a real post was never written outside this range.
     */
    public static final Instant MIN_TIME = Instant.parse("1970-01-01T00:00:00Z");

    public static final Instant MAX_TIME_EXCLUSIVE = Instant.parse("2201-01-01T00:00:00Z");
    /**
     * Counters (likes, reposts, replies) go up to 2^53: exact as a double (JavaScript, OpenSearch scripts), and the
     * engagement sum likes + 2·reposts + 3·replies stays far inside a long.
     */
    public static final long MAX_COUNTER = 1L << 53;

    public static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Reads one record the strict way: a duplicate key is an error (not last-wins: {@code "visibility":"private",
     * "visibility":"public"} must not index a public post), and so is anything after the value (trailing garbage,
     * a second object). Strings as long as the record itself: its source bounds its size (a JSONL line, an item).
     */
    private static final ObjectReader STRICT = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PostJson() {}

    /** Which contract a JSONL object follows. */
    public enum Kind {
        POST,
        FOLLOW,
        UNKNOWN
    }

    /** Parses one record strictly (see {@link #STRICT}); the caller validates it with {@link #decodePost} or {@link #decodeFollow}. */
    public static JsonNode readStrict(String json) throws JsonProcessingException {
        return STRICT.readTree(json);
    }

    public static Kind kindOf(JsonNode n) {
        if (n == null || !n.isObject()) return Kind.UNKNOWN;
        if (n.has("follower_id") || n.has("followee_id")) return Kind.FOLLOW;
        // a record with post fields but no id is a broken post: decoding it names the missing id
        if (n.has("id") || n.has("text") || n.has("author_id")) return Kind.POST;
        return Kind.UNKNOWN;
    }

    /**
     * Decodes and validates a post. A deleted post needs only id and version, and nothing else in it is read: a
     * delete is never held back by a field it does not use (the removed row's created_at, say).
     */
    public static Post decodePost(JsonNode n) throws InvalidRecordException {
        if (n == null || !n.isObject()) throw new InvalidRecordException(null, "record is not a JSON object");
        String id = requiredId(n, "id");
        long version = version(n);
        boolean deleted = optionalBoolean(n, "deleted");
        if (deleted)
            return new Post(id, null, null, null, null, null, List.of(), List.of(), null, 0, 0, 0, version, true);
        requireWellFormed(n);
        String author = requiredId(n, "author_id");
        String text = requiredString(n, "text", MAX_TEXT_CHARS);
        if (text.isBlank()) throw new InvalidRecordException("text", "text is blank");
        Instant created = optionalInstant(n, "created_at");
        if (created == null) throw new InvalidRecordException("created_at", "created_at is required");
        String vis = requiredString(n, "visibility", 16);
        Visibility visibility = Visibility.parse(vis);
        if (visibility == null) {
            throw new InvalidRecordException(
                    "visibility", "visibility must be public, followers or private, got '" + vis + "'");
        }
        return new Post(
                id,
                author,
                text,
                optionalString(n, "lang", 35),
                created,
                visibility,
                stringList(n, "tags", MAX_TAGS, MAX_TAG_CHARS),
                stringList(n, "mentions", MAX_TAGS, MAX_ID_CHARS),
                optionalString(n, "reply_to", MAX_ID_CHARS),
                counter(n, "likes"),
                counter(n, "reposts"),
                counter(n, "replies"),
                version,
                false);
    }

    public static FollowEdge decodeFollow(JsonNode n) throws InvalidRecordException {
        if (n == null || !n.isObject()) throw new InvalidRecordException(null, "record is not a JSON object");
        String follower = requiredId(n, "follower_id");
        String followee = requiredId(n, "followee_id");
        String rel = optionalString(n, "relation", 16);
        FollowEdge.Relation relation = FollowEdge.Relation.parse(rel);
        if (relation == null)
            throw new InvalidRecordException("relation", "relation must be follow, mute or block, got '" + rel + "'");
        long version = version(n);
        boolean deleted = optionalBoolean(n, "deleted");
        if (deleted)
            return new FollowEdge(
                    follower, followee, null, version, true, relation); // as for posts: only the key and version
        requireWellFormed(n);
        return new FollowEdge(follower, followee, optionalInstant(n, "created_at"), version, false, relation);
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
        if (e.relation() != FollowEdge.Relation.FOLLOW)
            o.put("relation", e.relation().wire());
        return o;
    }

    private static String requiredString(JsonNode n, String field, int max) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new InvalidRecordException(field, field + " is required");
        if (!v.isTextual())
            throw new InvalidRecordException(field, field + " must be a string, got " + v.getNodeType());
        String s = v.textValue();
        if (s.isEmpty()) throw new InvalidRecordException(field, field + " is empty");
        int lone = loneSurrogate(s);
        if (lone >= 0) throw new InvalidRecordException(field, loneSurrogateReason(field, s, lone));
        if (s.length() > max)
            throw new InvalidRecordException(
                    field, field + " is longer than " + max + " characters (" + s.length() + ")");
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
        if (v == null || v.isNull()) return 0;
        long c = requiredLong(n, field);
        if (c > MAX_COUNTER)
            throw new InvalidRecordException(field, field + " must be at most 2^53 (" + MAX_COUNTER + "), got " + c);
        return c;
    }

    private static boolean optionalBoolean(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean())
            throw new InvalidRecordException(field, field + " must be true or false, got " + v.getNodeType());
        return v.booleanValue();
    }

    private static Instant optionalInstant(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new InvalidRecordException(field, field + " must be an ISO-8601 timestamp string");
        Instant t;
        try {
            t = Instant.parse(v.textValue());
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(
                    field, field + " is not an ISO-8601 instant like 2026-11-01T12:00:00Z: '" + v.textValue() + "'");
        }
        if (t.isBefore(MIN_TIME) || !t.isBefore(MAX_TIME_EXCLUSIVE)) {
            throw new InvalidRecordException(
                    field, field + " must be in the years 1970 to 2200, got '" + v.textValue() + "'");
        }
        return t;
    }

    /**
     * Every key and string in the record is well-formed UTF-16. A lone surrogate has no UTF-8 form: an id holding
     * one is a key no URL can reach, and a text holding one cannot be written to a file or a response as it is.
     */
    private static void requireWellFormed(JsonNode record) throws InvalidRecordException {
        for (Map.Entry<String, JsonNode> e : record.properties()) {
            String key = e.getKey();
            int lone = loneSurrogate(key);
            if (lone >= 0) {
                String shown = key.replaceAll("[\\uD800-\\uDFFF]", "\uFFFD");
                throw new InvalidRecordException(shown, loneSurrogateReason("the key " + shown, key, lone));
            }
            String bad = firstIllFormed(e.getValue());
            if (bad != null) throw new InvalidRecordException(key, loneSurrogateReason(key, bad, loneSurrogate(bad)));
        }
    }

    /** The first string (a value, or a key of a nested object) under {@code n} holding a lone surrogate, or null. */
    private static String firstIllFormed(JsonNode n) {
        if (n.isTextual()) return loneSurrogate(n.textValue()) >= 0 ? n.textValue() : null;
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (loneSurrogate(e.getKey()) >= 0) return e.getKey();
                String bad = firstIllFormed(e.getValue());
                if (bad != null) return bad;
            }
        } else if (n.isArray()) {
            for (JsonNode item : n) {
                String bad = firstIllFormed(item);
                if (bad != null) return bad;
            }
        }
        return null;
    }

    /** Index of the first surrogate not part of a high-low pair, or -1. */
    static int loneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static String loneSurrogateReason(String what, String s, int at) {
        return what + " holds a lone surrogate (U+"
                + Integer.toHexString(s.charAt(at)).toUpperCase(Locale.ROOT) + " at character " + at
                + "), which is not valid Unicode";
    }

    private static List<String> stringList(JsonNode n, String field, int maxItems, int maxChars)
            throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new InvalidRecordException(field, field + " must be an array of strings");
        if (v.size() > maxItems)
            throw new InvalidRecordException(field, field + " has more than " + maxItems + " items");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isTextual()
                    || item.textValue().isEmpty()
                    || item.textValue().length() > maxChars) {
                throw new InvalidRecordException(
                        field, field + " items must be non-empty strings of at most " + maxChars + " characters");
            }
            out.add(item.textValue());
        }
        return out;
    }
}
