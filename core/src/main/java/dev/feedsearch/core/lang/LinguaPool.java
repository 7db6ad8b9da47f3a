package dev.feedsearch.core.lang;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import dev.feedsearch.core.lang.ScriptCensus.Group;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lingua detectors of one script family (the candidate languages of that script): the full detector,
 * built once on first use, plus cached detectors over shortlists of it. Which family to ask, and what its
 * answer means, is decided in {@link ScriptFirstDetector}.
 *
 * <h2>Cost</h2>
 * lingua is built lazily, once per script family, in low accuracy mode (trigram models only) with its
 * models preloaded; lingua keeps its models in static maps, so instances share them (about 35 MB of heap
 * for the 23 languages, measured after GC). lingua's cost grows with the text and with every candidate,
 * so texts are cut to a prefix of {@link ScriptFirstDetector.Settings#maxChars()} characters (at a word
 * boundary), and for Latin text the frequent words shortlist the
 * {@link ScriptFirstDetector.Settings#shortlist()} most likely languages before lingua compares them (a
 * detector per distinct shortlist is cached; all share the models), or decide alone. Scripts that decide
 * alone (CJK, Thai, Greek, Hebrew, Bengali, Devanagari) and the function-word rule cost a few microseconds;
 * a lingua call about 50–80 µs on the calling thread's clock, and ~130 µs of the process's CPU (its model
 * lookups run as common-pool tasks, and it allocates).
 *
 * <p>lingua runs each detection through {@code ForkJoinPool.commonPool()}, whose default parallelism is
 * cores − 1 (1 on a 2-core machine), which serialises concurrent callers. This class sets nothing global;
 * the launcher ({@code bin/feedsearch}) runs the JVM with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} set to the number of cores (at least 2),
 * and the test JVMs with 2. Model loading also goes through that pool, which is why first use never
 * blocks pool threads on a lock (see {@link #detector()}).
 *
 * <p>Instances are thread-safe.
 */
final class LinguaPool {
    /** The script the family's languages are written in. */
    final Group group;

    private final Language[] languages;
    /** The codes the detector reports for them (Bokmål and Nynorsk both as {@code nb}). */
    final Set<String> codes;

    private final EnumMap<Language, String> codeOf = new EnumMap<>(Language.class);
    /**
     * The full detector, built once. Not a lock: lingua loads its models through
     * {@code ForkJoinPool.commonPool()}, and common-pool workers blocked on a monitor would starve that
     * load (a real deadlock when the first detections come from a parallel stream). Waiters join the
     * future instead, which lets the pool add compensating workers.
     */
    private final AtomicReference<CompletableFuture<LanguageDetector>> full = new AtomicReference<>();
    /** Detectors over subsets of {@link #languages}, keyed by a bit set of indexes into it. */
    private final ConcurrentHashMap<Integer, LanguageDetector> subsets = new ConcurrentHashMap<>();

    LinguaPool(Group group, Language[] languages) {
        if (languages.length > 31) throw new IllegalArgumentException("too many languages for a subset key");
        this.group = group;
        this.languages = languages;
        Set<String> cs = new LinkedHashSet<>();
        for (Language l : languages) {
            String code = switch (l) {
                case BOKMAL, NYNORSK -> "nb";
                default -> l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT);
            };
            codeOf.put(l, code);
            cs.add(code);
        }
        this.codes = Set.copyOf(cs);
    }

    String code(Language l) {
        return codeOf.get(l);
    }

    /** The detector over every language of the family; the first caller builds it and loads the models. */
    LanguageDetector detector() {
        while (true) {
            CompletableFuture<LanguageDetector> f = full.get();
            if (f != null) return f.join();
            var mine = new CompletableFuture<LanguageDetector>();
            if (!full.compareAndSet(null, mine)) continue;
            try {
                mine.complete(LanguageDetectorBuilder.fromLanguages(languages)
                        .withLowAccuracyMode()
                        .withPreloadedLanguageModels()
                        .build());
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e); // current waiters see the failure
                full.set(null); // a later call retries
                throw e;
            }
        }
    }

    /**
     * A detector over the languages with the given codes (plus {@code extra} when not null). lingua
     * keeps models in static maps, so once the full detector has loaded them a subset detector costs a
     * few small objects and no loading; one is cached per distinct subset (at most a few thousand).
     */
    LanguageDetector detectorFor(String[] wanted, String extra) {
        var all = detector(); // loads the models once
        int key = 0;
        for (int i = 0; i < languages.length; i++) {
            String c = codeOf.get(languages[i]);
            if (c.equals(extra)) key |= 1 << i;
            for (String w : wanted) if (c.equals(w)) key |= 1 << i;
        }
        if (Integer.bitCount(key) < 2) return all;
        var d = subsets.get(key);
        if (d == null) {
            // built outside any lock (a race only builds a spare); no preloading: the models are loaded
            Language[] subset = new Language[Integer.bitCount(key)];
            int j = 0;
            for (int i = 0; i < languages.length; i++) if ((key & (1 << i)) != 0) subset[j++] = languages[i];
            d = LanguageDetectorBuilder.fromLanguages(subset)
                    .withLowAccuracyMode()
                    .build();
            var previous = subsets.putIfAbsent(key, d);
            if (previous != null) d = previous;
        }
        return d;
    }
}
