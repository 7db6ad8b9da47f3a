package dev.feedsearch.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's two committed files: the thresholds with their reasons (benchmarks/gate.json) and the accepted levels
 * (benchmarks/results/gate-baseline.json, one section per mode, since quick and full runs use different data).
 */
public final class GateFiles {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GateFiles() {}

    /** What gate.json holds: the gated metrics in file order, and the figures recorded but not gated, with why. */
    public record GateSpec(Map<String, Threshold> thresholds, Map<String, String> notGated) {}

    public static GateSpec readGate(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, Threshold> thresholds = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("metrics").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode n = e.getValue();
            boolean max = n.has("max"), min = n.has("min");
            if (max == min || !n.path("reason").isTextual()) {
                throw new IllegalArgumentException(
                        file + ": metric " + e.getKey() + " needs exactly one of max or min, and a reason");
            }
            thresholds.put(
                    e.getKey(),
                    new Threshold(
                            e.getKey(),
                            max ? Threshold.Direction.AT_MOST : Threshold.Direction.AT_LEAST,
                            (max ? n.get("max") : n.get("min")).asDouble(),
                            n.get("reason").asText()));
        }
        Map<String, String> notGated = new LinkedHashMap<>();
        root.path("not_gated")
                .fields()
                .forEachRemaining(e -> notGated.put(e.getKey(), e.getValue().asText()));
        return new GateSpec(thresholds, notGated);
    }

    /** The accepted levels of one mode; empty when the file or its section does not exist yet. */
    public static Map<String, Accepted> readBaseline(Path file, String mode) throws IOException {
        Map<String, Accepted> out = new TreeMap<>();
        if (!Files.exists(file)) return out;
        JSON.readTree(file.toFile()).path(mode).fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            List<Accepted.Run> runs = new ArrayList<>();
            n.path("runs")
                    .forEach(r -> runs.add(new Accepted.Run(
                            r.path("median").asDouble(), r.path("spread").asDouble())));
            double value = n.path("value").asDouble(), spread = n.path("spread").asDouble();
            out.put(e.getKey(), runs.isEmpty() ? new Accepted(value, spread) : new Accepted(value, spread, runs));
        });
        return out;
    }

    /** Replaces one mode's section, keeping the others. */
    public static void writeBaseline(Path file, String mode, Map<String, Accepted> accepted) throws IOException {
        ObjectNode root = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        ObjectNode section = JSON.createObjectNode();
        accepted.forEach((k, a) -> {
            ObjectNode n = section.putObject(k).put("value", a.value()).put("spread", a.spread());
            var runs = n.putArray("runs");
            a.runs().forEach(r -> runs.addObject().put("median", r.median()).put("spread", r.spread()));
        });
        root.set(mode, section);
        Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    }
}
