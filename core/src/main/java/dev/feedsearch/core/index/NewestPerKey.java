package dev.feedsearch.core.index;

import dev.feedsearch.core.model.IndexChange;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch reduced to the newest change of each key ({@link IndexChange#order()}; ties keep the first seen): within one
 * apply nothing older can matter, so an engine looks up and writes each key once.
 *
 * @param byKey the survivors by {@link IndexChange#scopedKey()}, in the order first seen
 * @param stale how many changes of the batch lost to a newer one of the same key
 */
public record NewestPerKey(Map<String, IndexChange> byKey, int stale) {

    public static NewestPerKey of(List<? extends IndexChange> batch) {
        Map<String, IndexChange> newest = new LinkedHashMap<>();
        int stale = 0;
        for (IndexChange c : batch) {
            IndexChange prev = newest.putIfAbsent(c.scopedKey(), c);
            if (prev == null) continue;
            stale++;
            if (c.order() > prev.order()) newest.put(c.scopedKey(), c);
        }
        return new NewestPerKey(newest, stale);
    }

    public Collection<IndexChange> changes() {
        return byKey.values();
    }
}
