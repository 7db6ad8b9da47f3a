package dev.feedsearch.core.analysis;

import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The embedded engine's analyzers: every text field of every language group, each built once from the group's
 * OpenSearch analysis JSON by {@link AnalysisTranslator}. Immutable and thread-safe (Lucene analyzers keep
 * their token stream components per thread).
 *
 * <p>A post is indexed into every text field of its group; a query is analyzed with each field's analyzer (the
 * same analyzer as at index time) and the per-field queries are OR-ed.
 */
public final class GroupAnalyzers implements Closeable {

    /** Prefix of every text field name. */
    public static final String FIELD_PREFIX = "text_";

    /**
     * One indexed text field.
     *
     * @param group       language group name
     * @param suffix      sub-field suffix, {@code ""} for the group's main field
     * @param luceneField {@code text_<group>} or {@code text_<group>_<suffix>}
     * @param analyzer    used at index and at query time
     */
    public record TextField(String group, String suffix, String luceneField, Analyzer analyzer) {
        public TextField {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(suffix, "suffix");
            Objects.requireNonNull(luceneField, "luceneField");
            Objects.requireNonNull(analyzer, "analyzer");
        }

        /** Whether this is its group's main field. */
        public boolean isMain() {
            return suffix.isEmpty();
        }
    }

    private final List<TextField> fields;
    private final Map<String, List<TextField>> byGroup;
    private final Map<String, TextField> byLuceneField;
    private final Analyzer indexAnalyzer;
    private final List<Analyzer> owned;
    private final Mappings mappings;

    private GroupAnalyzers(
            Mappings mappings,
            List<TextField> fields,
            Map<String, List<TextField>> byGroup,
            Analyzer defaultAnalyzer,
            List<Analyzer> owned) {
        this.mappings = mappings;
        this.fields = List.copyOf(fields);
        this.byGroup = Collections.unmodifiableMap(byGroup);
        Map<String, TextField> byField = new LinkedHashMap<>();
        Map<String, Analyzer> perField = new LinkedHashMap<>();
        for (TextField f : fields) {
            byField.put(f.luceneField(), f);
            perField.put(f.luceneField(), f.analyzer());
        }
        this.byLuceneField = Collections.unmodifiableMap(byField);
        this.indexAnalyzer = new PerFieldAnalyzerWrapper(defaultAnalyzer, perField);
        this.owned = List.copyOf(owned);
    }

    /** Builds the analyzers of every group (fails naming the group and component if a definition is bad). */
    public static GroupAnalyzers build(Mappings mappings) {
        List<TextField> fields = new ArrayList<>();
        Map<String, List<TextField>> byGroup = new LinkedHashMap<>();
        List<Analyzer> owned = new ArrayList<>();
        Set<String> luceneFields = new HashSet<>();
        for (LanguageGroup g : mappings.groups()) {
            Map<String, Analyzer> analyzers = AnalysisTranslator.translate(g);
            owned.addAll(analyzers.values());
            List<TextField> groupFields = new ArrayList<>();
            for (Map.Entry<String, String> f : g.fields().entrySet()) {
                Analyzer a = analyzers.get(f.getValue());
                if (a == null) {
                    throw new IllegalArgumentException("group '" + g.name() + "': field '" + f.getKey()
                            + "' names undefined analyzer '" + f.getValue() + "'");
                }
                TextField tf = new TextField(g.name(), f.getKey(), luceneField(g.name(), f.getKey()), a);
                if (!luceneFields.add(tf.luceneField())) {
                    throw new IllegalArgumentException(
                            "group '" + g.name() + "': Lucene field name '" + tf.luceneField() + "' is produced twice");
                }
                groupFields.add(tf);
            }
            fields.addAll(groupFields);
            byGroup.put(g.name(), List.copyOf(groupFields));
        }
        List<TextField> other = byGroup.get(Mappings.OTHER);
        if (other == null) {
            throw new IllegalArgumentException("mappings have no '" + Mappings.OTHER + "' group");
        }
        return new GroupAnalyzers(mappings, fields, byGroup, other.get(0).analyzer(), dedupe(owned));
    }

    private static List<Analyzer> dedupe(List<Analyzer> analyzers) {
        Set<Analyzer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Analyzer> out = new ArrayList<>();
        for (Analyzer a : analyzers) {
            if (seen.add(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** {@code text_<group>} for the main field ({@code suffix ""}), {@code text_<group>_<suffix>} otherwise. */
    public static String luceneField(String group, String suffix) {
        return suffix.isEmpty() ? FIELD_PREFIX + group : FIELD_PREFIX + group + "_" + suffix;
    }

    /** The mappings these analyzers were built from (what a rebuild of a group builds its next version with). */
    public Mappings mappings() {
        return mappings;
    }

    /** Every text field of every group, in group order, each group's main field first. */
    public List<TextField> textFields() {
        return fields;
    }

    /** The text fields of one group, main field first. @throws IllegalArgumentException for an unknown group */
    public List<TextField> fieldsOf(String group) {
        List<TextField> f = byGroup.get(group);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown language group '" + group + "' (known: " + byGroup.keySet() + ")");
        }
        return f;
    }

    /** The main text field of one group. @throws IllegalArgumentException for an unknown group */
    public TextField mainField(String group) {
        return fieldsOf(group).get(0);
    }

    /** Per-field analyzer over all text fields (for {@code IndexWriterConfig}); other fields get {@code other}'s. */
    public Analyzer indexAnalyzer() {
        return indexAnalyzer;
    }

    /** The analyzer of one text field. @throws IllegalArgumentException for an unknown field */
    public Analyzer analyzer(String luceneField) {
        return field(luceneField).analyzer();
    }

    /** One text field by its Lucene name. @throws IllegalArgumentException for an unknown field */
    public TextField field(String luceneField) {
        TextField f = byLuceneField.get(luceneField);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown text field '" + luceneField + "' (known: " + byLuceneField.keySet() + ")");
        }
        return f;
    }

    /** The terms the field's analyzer produces for a text, in order (same-position terms included). */
    public List<String> tokens(String luceneField, String text) {
        Analyzer a = analyzer(luceneField);
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream(luceneField, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analyzing with " + luceneField + " failed", e);
        }
        return out;
    }

    /**
     * Runs every field's analyzer once, so dictionary-backed tokenizers (kuromoji, nori: a few hundred ms each)
     * load their dictionaries now rather than on the first post or query.
     */
    public void warmUp() {
        for (TextField f : fields) {
            tokens(f.luceneField(), "warm up 東京 한국어 ภาษาไทย 2024");
        }
    }

    /** Releases the analyzers' per-thread resources. */
    @Override
    public void close() {
        indexAnalyzer.close();
        for (Analyzer a : owned) {
            a.close();
        }
    }
}
