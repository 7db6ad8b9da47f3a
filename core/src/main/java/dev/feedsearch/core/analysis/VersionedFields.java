package dev.feedsearch.core.analysis;

import dev.feedsearch.mappings.LanguageGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;

/**
 * The text fields of one version of a language group, for an engine that keeps several versions of a group's
 * analysis side by side in one index (a blue/green rebuild). Version 1 keeps the names fields always had,
 * {@code text_<group>[_<suffix>]}, so indexes built before versions existed stay valid; version N ≥ 2 is
 * {@code text_<group>_v<N>[_<suffix>]}.
 */
public final class VersionedFields {

    private VersionedFields() {}

    /** The Lucene field of one sub-field of one version of a group. */
    public static String luceneField(String group, int version, String suffix) {
        if (version < 1) throw new IllegalArgumentException("versions start at 1, not " + version);
        return version == 1
                ? GroupAnalyzers.luceneField(group, suffix)
                : GroupAnalyzers.luceneField(group + "_v" + version, suffix);
    }

    /**
     * The fields of {@code definition} at {@code version}, main field first. When the definition is exactly the one
     * {@code current} was built from, {@code current}'s analyzers are shared; otherwise the definition is translated
     * and the analyzers built for it are added to {@code owned} (the caller closes them).
     *
     * @throws IllegalArgumentException naming the group if the definition is bad
     */
    public static List<GroupAnalyzers.TextField> build(
            LanguageGroup definition, int version, GroupAnalyzers current, Collection<Analyzer> owned) {
        String group = definition.name();
        boolean same = current.mappings().groups().stream().anyMatch(g -> g.equals(definition));
        Map<String, Analyzer> translated = null;
        if (!same) {
            translated = AnalysisTranslator.translate(definition);
            owned.addAll(translated.values());
        }
        List<GroupAnalyzers.TextField> out = new ArrayList<>(definition.fields().size());
        for (Map.Entry<String, String> f : definition.fields().entrySet()) {
            Analyzer a;
            if (same) {
                a = current.field(GroupAnalyzers.luceneField(group, f.getKey())).analyzer();
            } else {
                a = translated.get(f.getValue());
                if (a == null) {
                    throw new IllegalArgumentException("group '" + group + "': field '" + f.getKey()
                            + "' names undefined analyzer '" + f.getValue() + "'");
                }
            }
            out.add(new GroupAnalyzers.TextField(group, f.getKey(), luceneField(group, version, f.getKey()), a));
        }
        return List.copyOf(out);
    }
}
