package dev.feedsearch.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One language group: the languages routed to it, the OpenSearch plugins its analysis needs, its
 * analysis definition in OpenSearch's {@code settings.analysis} form, and the text fields it indexes.
 *
 * @param name      group name, e.g. {@code "ja"}; also the suffix of its Lucene fields and OpenSearch index
 * @param languages ISO 639-1 codes routed to this group (empty for {@code other})
 * @param plugins   OpenSearch plugins the analysis needs (e.g. {@code analysis-kuromoji}); empty if none
 * @param analysis  exactly OpenSearch's index {@code settings.analysis} object. {@link #analysis()} hands
 *                  out a deep copy, so callers may embed or modify what they get without touching this group
 * @param fields    sub-field suffix ({@code ""} = the main text field) to analyzer name, in file order
 *                  (the main field first)
 */
public record LanguageGroup(
        String name, List<String> languages, List<String> plugins, JsonNode analysis, Map<String, String> fields) {

    /** Suffix of the main text field in {@link #fields()}. */
    public static final String MAIN = "";

    public LanguageGroup {
        Objects.requireNonNull(name, "name");
        languages = List.copyOf(languages);
        plugins = List.copyOf(plugins);
        if (!(analysis instanceof ObjectNode)) {
            throw new IllegalArgumentException("group '" + name + "': analysis must be a JSON object");
        }
        analysis = analysis.deepCopy();
        if (fields.isEmpty() || !fields.containsKey(MAIN)) {
            throw new IllegalArgumentException(
                    "group '" + name + "': fields must map \"\" (the main field) to an analyzer");
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A deep copy of the OpenSearch {@code settings.analysis} object (safe to modify or embed). */
    @Override
    public JsonNode analysis() {
        return analysis.deepCopy();
    }

    /**
     * This group in the form of its {@code groups/<name>.json} file, so an engine can keep the exact definition an
     * index was built with (read back with {@link #fromJson}).
     */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("group", name);
        languages.forEach(n.putArray("languages")::add);
        plugins.forEach(n.putArray("plugins")::add);
        n.set("analysis", analysis.deepCopy());
        ObjectNode f = n.putObject("fields");
        fields.forEach(f::put);
        return n;
    }

    /** Parses what {@link #toJson} wrote, validated as a bundled group file is. @throws IllegalStateException naming the fault */
    public static LanguageGroup fromJson(JsonNode node) {
        return Mappings.parseGroup(node.path("group").asText(""), node);
    }

    /** Name of the analyzer of the main text field. */
    public String mainAnalyzer() {
        return fields.get(MAIN);
    }

    /** Whether this is the catch-all group for unsupported or undetermined languages. */
    public boolean isOther() {
        return Mappings.OTHER.equals(name);
    }
}
