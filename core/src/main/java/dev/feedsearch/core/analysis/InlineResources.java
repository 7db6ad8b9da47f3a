package dev.feedsearch.core.analysis;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.ClasspathResourceLoader;
import org.apache.lucene.util.ResourceLoader;

/**
 * Serves word lists, rules and dictionaries to Lucene's factories from memory. Every file name it hands out
 * is its own; any other resource request fails, so nothing is read from disk or the classpath by accident.
 */
final class InlineResources implements ResourceLoader {
    private final Map<String, byte[]> files = new HashMap<>();
    private final ResourceLoader classes = new ClasspathResourceLoader(AnalysisTranslator.class.getClassLoader());

    /** Stores lines verbatim (rules, dictionaries) and returns the resource name. */
    String add(Collection<String> lines, ComponentParams p, String key) {
        for (String line : lines) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                throw p.fail(key, "entries must not contain line breaks: [" + line + "]");
            }
        }
        String name = "feedsearch-inline-" + files.size() + ".txt";
        files.put(name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return name;
    }

    /** Stores a word list in Lucene's one-word-a-line format, refusing words that format cannot carry. */
    String words(List<String> words, ComponentParams p, String key) {
        for (String w : words) {
            if (w.isEmpty() || !w.equals(w.strip()) || w.startsWith("#")) {
                throw p.fail(key, "word [" + w + "] cannot be passed to Lucene (empty, padded or starting with '#')");
            }
        }
        return add(words, p, key);
    }

    @Override
    public InputStream openResource(String resource) throws IOException {
        byte[] bytes = files.get(resource);
        if (bytes == null) {
            throw new IOException("resource '" + resource + "' was requested, but analysis definitions may only "
                    + "use inline word lists");
        }
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public <T> Class<? extends T> findClass(String cname, Class<T> expectedType) {
        return classes.findClass(cname, expectedType);
    }
}
