package dev.feedsearch.core.reindex;

import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An engine's side of a blue/green rebuild of one language group. Versions are numbered per group; the serving
 * version answers reads and takes writes. A version being built, or kept after a swap for rollback, receives
 * every write of its group too (dual writes), so nothing written during a rebuild is lost; versions order the
 * overlap between those writes and the copy. The reindex job (indexer) drives these steps.
 */
public interface Rebuildable {

    /** The serving version of {@code group}. */
    int servingVersion(String group) throws IOException;

    /**
     * Creates version {@code version} of {@code group} with the CURRENT mappings (empty) and writes every later
     * change of the group to it as well. Idempotent: a build that exists is kept (a resumed job).
     */
    void beginBuild(String group, int version) throws IOException;

    /**
     * Copies up to {@code max} live posts of {@code group} whose id sorts after {@code afterId} (null: from the
     * start) from the serving version into {@code version}, analysed by that version's analyzers, with their
     * language detected again by {@code redetect}. A post whose detection now names another group moves there at
     * once, at the same version: it leaves every version of this group and joins the serving version (and any
     * version being built) of its new group, and the engine's version registry records the new group.
     *
     * @return how many were copied, how many moved to another group, and the last id (null when no post was left)
     */
    Copied copyBatch(String group, int version, String afterId, int max, Redetect redetect) throws IOException;

    /**
     * Brings the versions being built up to date with posts read from the source of truth and detected now
     * (reindex from the source). Only posts that the detection or the version registry puts in one of
     * {@code groups} count. Against the registry, per post: a version the index has not applied yet is applied
     * like any change (to the serving and the building versions); the version the index holds is written into
     * the group's building versions, or moved to the group its detection now names, as {@link #copyBatch} does;
     * an older version is skipped (the newer one reached the building versions through the dual writes).
     *
     * @return how many posts counted, how many moved to another group (lastId is null)
     */
    Copied place(Set<String> groups, List<PostChange> posts) throws IOException;

    /** One copy batch: posts read, how many of them moved to another group, and the id to continue after (null: done). */
    record Copied(int count, int regrouped, String lastId) {}

    /** The indexer's language rule (detect, then route to a group) run on a post being copied. */
    @FunctionalInterface
    interface Redetect {
        /** The post, unchanged, with the language and group detection gives it now. */
        PostChange of(Post post);

        /** {@link #of}, refusing an answer that changes more than the language and group. */
        default PostChange checked(Post post) {
            PostChange now = of(post);
            if (now.deleted() || now.version() != post.version() || !now.id().equals(post.id())) {
                throw new IllegalStateException("re-detection must keep post " + post.id() + " as it is, got " + now);
            }
            return now;
        }
    }

    /** Live posts of the group the version holds (for progress). */
    long count(String group, int version) throws IOException;

    /** Count and order-free checksum of (id, version) over the live posts of one version of a group. */
    Digest digest(String group, int version) throws IOException;

    /** The same digest over what the engine's version registry says is live in the group (the truth it applied). */
    Digest registryDigest(String group) throws IOException;

    /** Runs {@code action} while no write can be applied: the quiescent point where a job verifies and swaps. */
    <T> T whileWritesPaused(IoSupplier<T> action) throws IOException;

    /**
     * Atomically makes {@code version} the serving version of {@code group} for reads and writes. The previous
     * serving version keeps receiving writes until dropped, so a rollback is one more swap.
     */
    void swap(String group, int version) throws IOException;

    /** Stops writing to and deletes a version that is not serving (a cancelled build, or an expired previous one). */
    void drop(String group, int version) throws IOException;

    /** Count and checksum of a set of (id, version) pairs. */
    record Digest(long count, long checksum) {
        public static Digest of(Iterable<Map.Entry<String, Long>> pairs) {
            Builder b = new Builder();
            for (var p : pairs) b.add(p.getKey(), p.getValue());
            return b.build();
        }

        /** Accumulates pairs in any order. */
        public static final class Builder {
            private long count, sum;

            public Builder add(String id, long version) {
                count++;
                // a sum of well-mixed 64-bit hashes: order-free, and one pair off changes it with near certainty
                long h = 0xCBF29CE484222325L; // FNV-1a over the id's chars, then the version mixed in
                for (int i = 0; i < id.length(); i++) h = (h ^ id.charAt(i)) * 0x100000001B3L;
                h ^= version * 0xC2B2AE3D27D4EB4FL;
                h ^= h >>> 31;
                h *= 0xD6E8FEB86659FD93L;
                sum += h ^ (h >>> 32);
                return this;
            }

            public Digest build() {
                return new Digest(count, sum);
            }
        }
    }

    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }
}
