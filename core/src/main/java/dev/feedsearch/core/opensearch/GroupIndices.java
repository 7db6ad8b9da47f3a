package dev.feedsearch.core.opensearch;

import dev.feedsearch.mappings.IndexNames;
import dev.feedsearch.mappings.Mappings;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which version indices each language group has: the serving one (behind the group's aliases), and the others
 * that are written too (being built, or kept after a swap for rollback). Reads route by it, writes fan out by it,
 * and rebuilds change it; changes happen under the engine's write lock, reads of it need none.
 */
final class GroupIndices {
    private final Map<String, String> serving = new ConcurrentHashMap<>();
    private final Map<String, List<String>> alsoWritten = new ConcurrentHashMap<>();

    /** From the cluster's layout: per group, each version index and whether it is the serving one. */
    GroupIndices(Map<String, Map<String, Boolean>> versionIndices) {
        reload(versionIndices);
    }

    /**
     * Takes the cluster's layout again: what a query replica does when the writer says a swap happened. Groups are
     * replaced one by one (a read meanwhile sees each group's old or new serving index, both complete).
     */
    void reload(Map<String, Map<String, Boolean>> versionIndices) {
        for (Map.Entry<String, Map<String, Boolean>> g : versionIndices.entrySet()) {
            List<String> others = new CopyOnWriteArrayList<>();
            for (Map.Entry<String, Boolean> v : g.getValue().entrySet()) {
                if (v.getValue()) serving.put(g.getKey(), v.getKey());
                else others.add(v.getKey());
            }
            alsoWritten.put(g.getKey(), others);
        }
    }

    /** The serving index of {@code group}, or null if it has none yet. */
    String serving(String group) {
        return serving.get(group);
    }

    /**
     * The serving indices of the languages' groups: a language filter can only match there (a post's group is its
     * language's group), so the search goes to those shards instead of every group's. The read alias when a group
     * has no serving index yet.
     */
    List<String> servingOf(Mappings mappings, Collection<String> langs) {
        Set<String> out = new TreeSet<>();
        for (String lang : langs) {
            String index = serving.get(mappings.groupForLanguage(lang).name());
            if (index == null) return List.of(IndexNames.READ_ALIAS);
            out.add(index);
        }
        return List.copyOf(out);
    }

    /** Every group's serving index. */
    Map<String, String> serving() {
        return serving;
    }

    /** The versions of {@code group} written beside the serving one. */
    List<String> alsoWritten(String group) {
        return alsoWritten.getOrDefault(group, List.of());
    }

    /** {@code index} is written from now on, beside the serving version. */
    void beginWriting(String group, String index) {
        List<String> also = alsoWritten.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>());
        if (!also.contains(index)) also.add(index);
    }

    /** Whether {@code index} is one of the versions of {@code group} written beside the serving one. */
    boolean isAlsoWritten(String group, String index) {
        List<String> also = alsoWritten.get(group);
        return also != null && also.contains(index);
    }

    /** {@code to} serves; the version that served is kept, and written, until dropped: rollback is one more swap. */
    void swap(String group, String to) {
        String from = serving.put(group, to);
        List<String> also = alsoWritten.get(group);
        also.remove(to);
        also.add(from);
    }

    /** {@code index} is no longer written. */
    void stopWriting(String group, String index) {
        List<String> also = alsoWritten.get(group);
        if (also != null) also.remove(index);
    }
}
