package dev.feedsearch.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One component definition's parameters; tracks which were read so leftovers fail loudly. */
final class ComponentParams {
    final String where;
    final JsonNode def;
    final Set<String> used = new HashSet<>();

    ComponentParams(String where, JsonNode def) {
        this.where = where;
        this.def = def;
    }

    boolean has(String key) {
        return def.has(key) && !def.get(key).isNull();
    }

    IllegalArgumentException fail(String key, String message) {
        return new IllegalArgumentException(where + ", parameter '" + key + "': " + message);
    }

    String string(String key, String dflt) {
        used.add(key);
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = def.get(key);
        if (!v.isValueNode()) {
            throw fail(key, "must be a single value, got " + v);
        }
        return v.asText();
    }

    String required(String key) {
        String v = string(key, null);
        if (v == null) {
            throw fail(key, "is required");
        }
        return v;
    }

    Integer intOrNull(String key) {
        return has(key) ? integer(key, 0) : null;
    }

    int integer(String key, int dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw fail(key, "'" + v + "' is not an integer");
        }
    }

    boolean bool(String key, boolean dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw fail(key, "'" + v + "' is not true or false");
        };
    }

    String oneOf(String key, String dflt, String... allowed) {
        String v = string(key, dflt);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw fail(key, "'" + v + "' is not one of " + List.of(allowed));
    }

    /** An array, or (as OpenSearch settings do) a comma-delimited string. */
    List<String> list(String key, List<String> dflt) {
        used.add(key);
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = def.get(key);
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode()) {
                    throw fail(key, "array elements must be single values, got " + e);
                }
                out.add(e.asText());
            }
        } else if (v.isValueNode()) {
            for (String s : v.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            throw fail(key, "must be an array or a string, got " + v);
        }
        return out;
    }

    void done() {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : def.properties()) {
            if (!used.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    where + ": unsupported parameter" + (unknown.size() > 1 ? "s " : " ") + unknown);
        }
    }
}
