package dev.feedsearch.core.index;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which posts, authors and viewers changed at which generation: what lets caches stay correct. A cached
 * value remembers the generation it was built at and is served only while nothing it depends on changed
 * since. Post entries are pruned beyond {@code maxPosts}; a question about a generation older than what
 * was pruned answers "changed", so pruning can only cost a cache miss, never a wrong answer.
 */
public final class ChangeLog implements ChangeTracker {
    private final int maxPosts;
    private final Map<String, Long> posts = new ConcurrentHashMap<>();
    private final Map<String, Long> authors = new ConcurrentHashMap<>();
    private final Map<String, Long> viewers = new ConcurrentHashMap<>();
    private volatile long generation;
    private volatile long forgottenBefore;
    /** The last generation at which anything may have changed (a swap of what serves): older entries are all stale. */
    private volatile long everythingAt;

    private volatile Listener listener;

    /**
     * Hears every recorded batch, in order, inside the record call: how a writer publishes its changes to processes
     * that cache what it wrote (query replicas). A listener that fails must remember to publish "everything" next.
     */
    public interface Listener {
        void recorded(Collection<String> postIds, Collection<String> authorIds, Collection<String> viewerIds);

        void recordedEverything();
    }

    /** Sets the one listener (null: none). */
    public void listen(Listener l) {
        this.listener = l;
    }

    public ChangeLog() {
        this(1_000_000);
    }

    public ChangeLog(int maxPosts) {
        this.maxPosts = maxPosts;
    }

    /** Records one write batch; call after the batch is visible to readers. */
    public synchronized void record(
            Collection<String> postIds, Collection<String> authorIds, Collection<String> viewerIds) {
        long g = generation + 1;
        for (String id : postIds) posts.put(id, g);
        for (String a : authorIds) authors.put(a, g);
        for (String v : viewerIds) viewers.put(v, g);
        if (posts.size() > maxPosts) prune(g);
        generation = g; // volatile write last: readers of g see the maps filled
        Listener l = listener;
        if (l != null) l.recorded(postIds, authorIds, viewerIds);
    }

    /**
     * Records a change that may touch every post, author and viewer: another version of a language group now
     * serves (a reindex swap or rollback), with other analysis and perhaps other detected languages. Call after
     * it is visible to readers.
     */
    public synchronized void recordEverything() {
        long g = generation + 1;
        everythingAt = g;
        generation = g;
        Listener l = listener;
        if (l != null) l.recordedEverything();
    }

    private void prune(long g) {
        long cut = g - Math.max(1, (g - forgottenBefore) / 2); // forget the older half of the history
        posts.values().removeIf(v -> v < cut);
        forgottenBefore = cut;
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public long authorGeneration(String author) {
        return Math.max(everythingAt, authors.getOrDefault(author, 0L));
    }

    @Override
    public long viewerGeneration(String viewer) {
        return Math.max(everythingAt, viewers.getOrDefault(viewer, 0L));
    }

    @Override
    public boolean changedSince(long since, Collection<String> postIds) {
        if (since < forgottenBefore || since < everythingAt) return true;
        for (String id : postIds) {
            Long g = posts.get(id);
            if (g != null && g > since) return true;
        }
        return false;
    }
}
