package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Post texts of the committed sample with their true language (sample/truth.tsv). */
record SampleTexts(List<String> texts, List<String> hints, List<String> trueLangs) {

    static SampleTexts load() {
        Path root = Path.of(System.getProperty("feedsearch.root", "."));
        try {
            Map<String, String> truth = new HashMap<>();
            for (String line : Files.readAllLines(root.resolve("sample/truth.tsv"))) {
                String[] f = line.split("\t");
                if (f.length == 2) truth.put(f[0], f[1]);
            }
            List<String> texts = new ArrayList<>(), hints = new ArrayList<>(), langs = new ArrayList<>();
            for (String line : Files.readAllLines(root.resolve("sample/posts.jsonl"))) {
                JsonNode n = PostJson.MAPPER.readTree(line);
                if (!n.hasNonNull("text") || !truth.containsKey(n.get("id").asText())) continue;
                texts.add(n.get("text").asText());
                hints.add(n.hasNonNull("lang") ? n.get("lang").asText() : null);
                langs.add(truth.get(n.get("id").asText()));
            }
            return new SampleTexts(texts, hints, langs);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "sample not found under " + root.toAbsolutePath() + " (set -Dfeedsearch.root)", e);
        }
    }

    /** Texts whose true language is {@code lang}. */
    List<String> of(String lang) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) if (trueLangs.get(i).equals(lang)) out.add(texts.get(i));
        return out;
    }
}
