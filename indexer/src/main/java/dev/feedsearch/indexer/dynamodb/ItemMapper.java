package dev.feedsearch.indexer.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.indexer.stream.SourceEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * DynamoDB items and stream records ↔ the ingest JSON contract (ARCHITECTURE.md "Post"). The one
 * place that knows DynamoDB's attribute types; validation stays in {@code PostJson}.
 *
 * <p>Attribute mapping (every attribute is carried over; the validator ignores names outside the contract):
 * <ul>
 *   <li>{@code S} → string ({@code created_at} must be an ISO-8601 instant string, e.g. {@code 2026-11-01T12:00:00Z});</li>
 *   <li>{@code N} → number: an integral value (also {@code 1E+2}) becomes an integer, anything else a
 *       decimal, which the validator rejects where the contract wants an integer ({@code version},
 *       {@code likes}, {@code reposts}, {@code replies});</li>
 *   <li>{@code BOOL} → true/false; {@code NULL} → null;</li>
 *   <li>{@code L} → array (elements mapped by these rules), {@code SS} → array of strings, {@code NS} → array
 *       of numbers, {@code M} → object;</li>
 *   <li>{@code B} and {@code BS} (binary) have no JSON form: on a contract attribute (say {@code text}) the
 *       record is unmappable and dead-letters with the attribute named in the reason; any other attribute
 *       holding binary (an app's thumbnail, also nested in L or M) is left out.</li>
 * </ul>
 * Versions: INSERT and MODIFY carry the NewImage as is (its {@code version}); REMOVE becomes
 * {@code {<key attributes>, "relation": <OldImage's, if any>, "version": <OldImage's version>, "deleted": true}},
 * so the delete sorts at the version it removes and wins the tie against that version's upsert. A missing
 * version dead-letters. A follow item whose MODIFY changes {@code relation} (follow → mute, say) is two
 * changes in the index, where the relation is part of an edge's identity: the old relation's edge removed
 * at the new version, then the new one.
 */
public final class ItemMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The contract's attributes (posts and follow edges): a binary value there is an error, elsewhere it is skipped. */
    static final Set<String> CONTRACT = Set.of(
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
            "deleted",
            "follower_id",
            "followee_id",
            "relation");

    private ItemMapper() {}

    /** Why an item or record has no contract form. */
    public static final class UnmappableException extends Exception {
        public UnmappableException(String message) {
            super(message);
        }
    }

    /**
     * One stream record as the {@link SourceEvent}s of {@code shardId} it stands for (one; two for a follow
     * relation change, both at the record's position). Never throws: an unmappable record carries the reason.
     */
    public static List<SourceEvent> toEvents(String shardId, Record r) {
        StreamRecord d = r.dynamodb();
        String raw = rawJson(r);
        try {
            List<ObjectNode> records = contract(r);
            List<SourceEvent> events = new ArrayList<>(records.size());
            for (ObjectNode o : records)
                events.add(SourceEvent.of(shardId, d.sequenceNumber(), d.approximateCreationDateTime(), o, raw));
            return events;
        } catch (UnmappableException e) {
            return List.of(SourceEvent.unmappable(
                    shardId, d.sequenceNumber(), d.approximateCreationDateTime(), raw, e.getMessage()));
        }
    }

    /** The contract JSON a stream record stands for: the new item, or a versioned delete for REMOVE. */
    public static List<ObjectNode> contract(Record r) throws UnmappableException {
        StreamRecord d = r.dynamodb();
        OperationType op = r.eventName();
        if (op == OperationType.INSERT || op == OperationType.MODIFY) {
            if (!d.hasNewImage() || d.newImage().isEmpty()) {
                throw new UnmappableException(
                        op + " without NewImage: the stream view type must be NEW_AND_OLD_IMAGES");
            }
            ObjectNode now = item(d.newImage());
            String oldRelation = relation(d.hasOldImage() ? d.oldImage() : Map.of());
            if (op == OperationType.MODIFY && now.has("follower_id") && !oldRelation.equals(relation(d.newImage()))) {
                ObjectNode gone = removal(d.keys(), d.newImage().get("version"));
                gone.put("relation", oldRelation);
                return List.of(gone, now);
            }
            return List.of(now);
        }
        if (op == OperationType.REMOVE) {
            if (!d.hasOldImage() || d.oldImage().isEmpty()) {
                throw new UnmappableException(
                        "REMOVE without OldImage (no version to delete at): the stream view type must be NEW_AND_OLD_IMAGES");
            }
            ObjectNode o = removal(d.keys(), d.oldImage().get("version"));
            AttributeValue relation = d.oldImage().get("relation");
            if (relation != null) o.set("relation", value("relation", relation));
            return List.of(o);
        }
        throw new UnmappableException("unknown stream event name " + r.eventNameAsString());
    }

    private static ObjectNode removal(Map<String, AttributeValue> keys, AttributeValue version)
            throws UnmappableException {
        ObjectNode o = item(keys);
        if (version != null) o.set("version", value("version", version));
        o.put("deleted", true);
        return o;
    }

    /** A follow item's relation as the contract reads it (absent: follow). */
    private static String relation(Map<String, AttributeValue> image) {
        AttributeValue v = image.get("relation");
        return v == null || v.s() == null ? "follow" : v.s();
    }

    /** A table item as contract JSON: every attribute; one with no JSON form fails only if the contract names it. */
    public static ObjectNode item(Map<String, AttributeValue> item) throws UnmappableException {
        ObjectNode o = F.objectNode();
        for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
            try {
                o.set(a.getKey(), value(a.getKey(), a.getValue()));
            } catch (UnmappableException e) {
                if (CONTRACT.contains(a.getKey())) throw e; // else an app attribute (a thumbnail) that is none of ours
            }
        }
        return o;
    }

    static JsonNode value(String attr, AttributeValue v) throws UnmappableException {
        switch (v.type()) {
            case S:
                return F.textNode(v.s());
            case N:
                return number(attr, v.n());
            case BOOL:
                return F.booleanNode(v.bool());
            case NUL:
                return F.nullNode();
            case SS: {
                ArrayNode a = F.arrayNode();
                v.ss().forEach(a::add);
                return a;
            }
            case NS: {
                ArrayNode a = F.arrayNode();
                for (String n : v.ns()) a.add(number(attr, n));
                return a;
            }
            case L: {
                ArrayNode a = F.arrayNode();
                for (AttributeValue e : v.l()) a.add(value(attr, e));
                return a;
            }
            case M: {
                ObjectNode o = F.objectNode();
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet())
                    o.set(e.getKey(), value(attr + "." + e.getKey(), e.getValue()));
                return o;
            }
            case B, BS:
                throw new UnmappableException(
                        "attribute " + attr + " is binary (" + v.type() + "), which the contract has no form for");
            default:
                throw new UnmappableException("attribute " + attr + " has a type this indexer does not know");
        }
    }

    private static JsonNode number(String attr, String n) throws UnmappableException {
        BigDecimal d;
        try {
            d = new BigDecimal(n);
        } catch (NumberFormatException e) {
            throw new UnmappableException("attribute " + attr + " is not a number: " + n);
        }
        if (d.signum() == 0) return F.numberNode(0L);
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0) {
            try {
                return F.numberNode(s.longValueExact());
            } catch (ArithmeticException tooBig) {
                // integral but beyond a long: kept as a decimal, which the validator names
            }
        }
        return F.numberNode(d);
    }

    /** Contract JSON as a table item, the way an app writes it: nulls omitted, arrays as L, integers as N. */
    public static Map<String, AttributeValue> toItem(JsonNode record) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        record.properties().forEach(e -> {
            if (!e.getValue().isNull()) item.put(e.getKey(), attribute(e.getValue()));
        });
        return item;
    }

    /** The key attributes of a contract record, for DeleteItem: {@code id} for posts, both ids for follows. */
    public static Map<String, AttributeValue> keyOf(JsonNode record) {
        if (record.has("follower_id")) {
            return Map.of(
                    "follower_id",
                    AttributeValue.fromS(record.get("follower_id").asText()),
                    "followee_id",
                    AttributeValue.fromS(record.get("followee_id").asText()));
        }
        return Map.of("id", AttributeValue.fromS(record.get("id").asText()));
    }

    private static AttributeValue attribute(JsonNode v) {
        if (v.isTextual()) return AttributeValue.fromS(v.textValue());
        if (v.isNumber()) return AttributeValue.fromN(v.numberValue().toString());
        if (v.isBoolean()) return AttributeValue.fromBool(v.booleanValue());
        if (v.isNull()) return AttributeValue.fromNul(true);
        if (v.isArray()) {
            List<AttributeValue> l = new ArrayList<>(v.size());
            v.forEach(e -> l.add(attribute(e)));
            return AttributeValue.fromL(l);
        }
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        v.properties().forEach(e -> m.put(e.getKey(), attribute(e.getValue())));
        return AttributeValue.fromM(m);
    }

    /** The stream record in DynamoDB's typed JSON ({"S": …}), kept as the dead-letter's raw record. */
    static String rawJson(Record r) {
        StreamRecord d = r.dynamodb();
        ObjectNode o = F.objectNode();
        o.put("eventName", r.eventNameAsString());
        o.put("sequenceNumber", d.sequenceNumber());
        o.put(
                "approximateCreationDateTime",
                d.approximateCreationDateTime() == null
                        ? null
                        : d.approximateCreationDateTime().toString());
        o.set("Keys", typed(d.keys()));
        if (d.hasNewImage()) o.set("NewImage", typed(d.newImage()));
        if (d.hasOldImage()) o.set("OldImage", typed(d.oldImage()));
        return o.toString();
    }

    /** An item in DynamoDB's typed JSON. */
    static ObjectNode typed(Map<String, AttributeValue> item) {
        ObjectNode o = F.objectNode();
        item.forEach((k, v) -> o.set(k, typed(v)));
        return o;
    }

    private static ObjectNode typed(AttributeValue v) {
        ObjectNode o = F.objectNode();
        switch (v.type()) {
            case S -> o.put("S", v.s());
            case N -> o.put("N", v.n());
            case BOOL -> o.put("BOOL", v.bool());
            case NUL -> o.put("NULL", true);
            case B -> o.put("B", base64(v.b()));
            case SS -> v.ss().forEach(o.putArray("SS")::add);
            case NS -> v.ns().forEach(o.putArray("NS")::add);
            case BS -> {
                ArrayNode a = o.putArray("BS");
                v.bs().forEach(b -> a.add(base64(b)));
            }
            case L -> {
                ArrayNode a = o.putArray("L");
                v.l().forEach(e -> a.add(typed(e)));
            }
            case M -> o.set("M", typed(v.m()));
            default -> o.put("?", v.toString());
        }
        return o;
    }

    private static String base64(SdkBytes b) {
        return Base64.getEncoder().encodeToString(b.asByteArrayUnsafe());
    }
}
