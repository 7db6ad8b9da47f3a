package dev.feedsearch.bench;

import dev.feedsearch.bench.EvalCorpus.EvalPost;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Queries with graded judgments, generated from the corpus itself: per language and kind, words (or CJK
 * strings) that occur in a few posts of that language, so "the posts containing it" is a small, checkable set.
 */
final class EvalQueries {
    private EvalQueries() {}

    enum Kind {
        /** a whole word as written */
        EXACT,
        /** a word with diacritics, typed without them */
        UNACCENTED,
        /** one form of a word family; the other forms are relevant too, a little less */
        INFLECTED,
        /** Chinese, Japanese, Korean and Thai strings: a post is relevant if it contains the string */
        CJK,
        /** English words the other languages' posts carry as hashtags: only English prose is relevant */
        TAGWORD;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final int PER_KIND = 12;
    static final int MAX_WORD_POSTS = 5, MAX_FAMILY_POSTS = 8, MAX_CJK_POSTS = 8, MAX_CJK_POSTS_ALL_LANGUAGES = 16;
    static final Set<String> CJK_LANGS = Set.of("ja", "ko", "th", "zh");
    /**
     * Function characters of Chinese (and the kanji conjunctions of Japanese): a 2–3 character string that starts or
     * ends with one is mostly a cut across two words (家的努, 罪又), which no one searches for.
     */
    private static final String HAN_FUNCTION_CHARS = "的了和与與或及在是有不其之为為以于於对對而并並等也都被把这這那个個又若且";

    /**
     * @param grades post id → 2 (contains the queried form) or 1 (another form of the family); absent = 0
     * @param forms  lower-cased forms whose presence in a hit's prose makes it a prose match
     * @param substring forms are matched as substrings (CJK, Thai; Chinese folded to Simplified), not as whole words
     */
    record EvalQuery(
            String lang,
            Kind kind,
            String text,
            String split,
            Map<String, Integer> grades,
            Set<String> forms,
            boolean substring) {
        EvalQuery {
            grades = Collections.unmodifiableMap(new LinkedHashMap<>(grades));
            forms = Collections.unmodifiableSet(new LinkedHashSet<>(forms));
        }

        /** Whether a post's prose (its text without #hashtags) contains the query word, a form of its family or the CJK string. */
        boolean proseMatches(String text) {
            String prose = EvalText.prose(text);
            if (substring) {
                String p = EvalText.cjkFold(lang, prose);
                return forms.stream().anyMatch(p::contains);
            }
            Set<String> words = EvalText.wordSet(prose, lang);
            return forms.stream().anyMatch(words::contains);
        }

        /** Whether a post holds the query only as a #hashtag, not in its prose: what hashtag flooding looks like. */
        boolean tagOnly(String text) {
            if (proseMatches(text)) return false;
            Matcher m = Pattern.compile("#([\\p{L}\\p{M}\\p{N}_]+)").matcher(text);
            StringBuilder tags = new StringBuilder();
            while (m.find()) tags.append(m.group(1)).append(' ');
            return tags.length() > 0 && proseMatches(tags.toString());
        }
    }

    static List<EvalQuery> generate(EvalCorpus corpus, long seed) {
        Map<String, List<EvalPost>> byLang = new TreeMap<>();
        for (EvalPost p : corpus.posts())
            byLang.computeIfAbsent(p.lang(), l -> new ArrayList<>()).add(p);
        List<EvalQuery> out = new ArrayList<>();
        for (Map.Entry<String, List<EvalPost>> e : byLang.entrySet()) {
            String lang = e.getKey();
            if (CJK_LANGS.contains(lang)) out.addAll(cjk(lang, e.getValue(), corpus.posts(), seed));
            else out.addAll(words(lang, e.getValue(), seed));
            if (lang.equals("en")) out.addAll(tagWords(e.getValue(), corpus.tagWords()));
        }
        return out;
    }

    /** exact, unaccented and inflected queries of a language written with spaces between words. */
    private static List<EvalQuery> words(String lang, List<EvalPost> posts, long seed) {
        Map<EvalPost, Set<String>> wordsOf = new LinkedHashMap<>();
        Map<String, Set<String>> sources = new TreeMap<>(); // word → UDHR paragraphs it occurs in
        for (EvalPost p : posts) {
            Set<String> ws = EvalText.wordSet(p.prose(), lang);
            wordsOf.put(p, ws);
            for (String w : ws) {
                if (EvalText.letters(w) >= 5 && EvalText.WORD_SCRIPTS.contains(EvalText.script(w))) {
                    sources.computeIfAbsent(w, k -> new TreeSet<>()).add(p.source());
                }
            }
        }
        List<EvalQuery> out = new ArrayList<>();
        Map<String, Set<String>> families = families(sources.keySet());
        // only the word itself is relevant, but a hit whose prose has another form of it (country for countries) is a
        // prose match
        Function<String, Set<String>> withFamily = w -> {
            Set<String> forms = new LinkedHashSet<>(List.of(w));
            forms.addAll(families.getOrDefault(w, Set.of()));
            return forms;
        };
        List<String> rare = sources.keySet().stream()
                .filter(w -> sources.get(w).size() <= MAX_WORD_POSTS)
                .toList();
        for (String w : pick(rare, lang, Kind.EXACT, seed, w -> true)) {
            out.add(query(
                    lang, Kind.EXACT, w, grades(wordsOf, ws -> ws.contains(w) ? 2 : 0), withFamily.apply(w), false));
        }
        List<String> accented = rare.stream()
                .filter(w -> EvalText.STRIPPABLE_SCRIPTS.contains(EvalText.script(w))
                        && !EvalText.stripMarks(w).equals(w)
                        && !sources.containsKey(EvalText.stripMarks(w)))
                .toList();
        for (String w : pick(accented, lang, Kind.UNACCENTED, seed, w -> true)) {
            String typed = EvalText.stripMarks(w);
            Set<String> forms = withFamily.apply(w);
            forms.add(typed);
            out.add(query(lang, Kind.UNACCENTED, typed, grades(wordsOf, ws -> ws.contains(w) ? 2 : 0), forms, false));
        }
        List<String> inflectable = new ArrayList<>();
        for (Map.Entry<String, Set<String>> f : families.entrySet()) {
            String q = f.getKey();
            Set<String> where = new HashSet<>(sources.get(q));
            for (String v : f.getValue()) where.addAll(sources.get(v));
            // the family must reach posts the queried form does not: otherwise nothing tests the stemming
            boolean otherForms = wordsOf.values().stream()
                    .anyMatch(ws -> !ws.contains(q) && f.getValue().stream().anyMatch(ws::contains));
            if (where.size() <= MAX_FAMILY_POSTS && otherForms) inflectable.add(q);
        }
        Set<String> used = new HashSet<>();
        Predicate<String> freshFamily = q -> {
            Set<String> members = new LinkedHashSet<>(families.get(q));
            members.add(q);
            if (members.stream().anyMatch(used::contains)) return false;
            used.addAll(members);
            return true;
        };
        for (String q : pick(inflectable, lang, Kind.INFLECTED, seed, freshFamily)) {
            Set<String> family = families.get(q);
            Set<String> forms = new LinkedHashSet<>(List.of(q));
            forms.addAll(family);
            out.add(query(
                    lang,
                    Kind.INFLECTED,
                    q,
                    grades(wordsOf, ws -> ws.contains(q) ? 2 : family.stream().anyMatch(ws::contains) ? 1 : 0),
                    forms,
                    false));
        }
        return out;
    }

    /** Each form → the other forms sharing a long enough prefix with it ({@link EvalText#sameFamily}); forms without any are left out. */
    static Map<String, Set<String>> families(Collection<String> forms) {
        Map<String, List<String>> byPrefix =
                new TreeMap<>(); // sameFamily needs 5 shared code points: only compare within a 5-prefix
        for (String w : forms) {
            if (EvalText.length(w) < 5) continue;
            byPrefix.computeIfAbsent(w.substring(0, w.offsetByCodePoints(0, 5)), k -> new ArrayList<>())
                    .add(w);
        }
        Map<String, Set<String>> out = new TreeMap<>();
        for (List<String> group : byPrefix.values()) {
            for (String a : group) {
                Set<String> f = new TreeSet<>();
                for (String b : group) if (!a.equals(b) && EvalText.sameFamily(a, b)) f.add(b);
                if (!f.isEmpty()) out.put(a, f);
            }
        }
        return out;
    }

    /** Han strings (zh, ja), Hangul words (ko), Thai words (th) found in a few posts of the language. */
    private static List<EvalQuery> cjk(String lang, List<EvalPost> posts, List<EvalPost> all, long seed) {
        Map<EvalPost, String> folded = new LinkedHashMap<>();
        Set<String> strings = new TreeSet<>();
        for (EvalPost p : posts) {
            folded.put(p, EvalText.cjkFold(lang, p.prose()));
            strings.addAll(cjkStrings(lang, EvalText.nfc(p.prose())));
        }
        Map<String, Set<String>> sources = new TreeMap<>();
        for (String s : strings) {
            String f = EvalText.cjkFold(lang, s);
            Set<String> where = new TreeSet<>();
            folded.forEach((p, text) -> {
                if (text.contains(f)) where.add(p.source());
            });
            sources.put(s, where);
        }
        List<String> candidates = sources.keySet().stream()
                .filter(s -> sources.get(s).size() <= MAX_CJK_POSTS)
                .toList();
        // a string in many posts of other languages (kanji shared with Chinese) is no test of this one
        List<String> everyProse = all.stream()
                .map(p -> p.lang().equals(lang) ? folded.get(p) : EvalText.cjkFold(lang, p.prose()))
                .toList();
        Predicate<String> notEverywhere = s -> {
            String f = EvalText.cjkFold(lang, s);
            return everyProse.stream().filter(t -> t.contains(f)).count() <= MAX_CJK_POSTS_ALL_LANGUAGES;
        };
        List<EvalQuery> out = new ArrayList<>();
        for (String s : pick(candidates, lang, Kind.CJK, seed, notEverywhere)) {
            String f = EvalText.cjkFold(lang, s);
            Map<String, Integer> g = new LinkedHashMap<>();
            folded.forEach((p, text) -> {
                if (text.contains(f)) g.put(p.id(), 2);
            });
            out.add(query(lang, Kind.CJK, s, g, Set.of(f), true));
        }
        return out;
    }

    /**
     * Query strings of a CJK or Thai text: for Chinese and Japanese, 2–3 Han characters that start and end on word
     * boundaries and not with a function character; for Korean, Hangul words of 2+ syllables; for Thai, words of 3+.
     */
    static Set<String> cjkStrings(String lang, String prose) {
        Set<String> out = new LinkedHashSet<>();
        switch (lang) {
            case "zh", "ja" -> {
                for (String run : EvalText.hanRuns(prose)) {
                    int[] cps = run.codePoints().toArray();
                    BitSet words = EvalText.hanWordBoundaries(run, lang);
                    for (int len = 2; len <= 3; len++) {
                        for (int i = 0; i + len <= cps.length; i++) {
                            if (!words.get(i) || !words.get(i + len)) continue;
                            if (HAN_FUNCTION_CHARS.indexOf(cps[i]) >= 0
                                    || HAN_FUNCTION_CHARS.indexOf(cps[i + len - 1]) >= 0) continue;
                            out.add(new String(cps, i, len));
                        }
                    }
                }
            }
            case "ko" ->
                EvalText.hangulWords(prose).stream()
                        .filter(w -> EvalText.length(w) >= 2)
                        .forEach(out::add);
            case "th" ->
                EvalText.thaiWords(prose).stream()
                        .filter(w -> EvalText.length(w) >= 3)
                        .forEach(out::add);
            default -> throw new IllegalArgumentException("not a CJK or Thai language: " + lang);
        }
        return out;
    }

    /** English words used as hashtags elsewhere: relevant are the English posts that say them (singular or plural). */
    private static List<EvalQuery> tagWords(List<EvalPost> english, List<String> tagWords) {
        List<EvalQuery> out = new ArrayList<>();
        for (String w : tagWords.subList(0, Math.min(PER_KIND, tagWords.size()))) {
            Set<String> forms = EvalText.numberForms(w);
            Map<String, Integer> g = new LinkedHashMap<>();
            for (EvalPost p : english) {
                Set<String> ws = EvalText.wordSet(p.prose(), "en");
                if (ws.contains(w)) g.put(p.id(), 2);
                else if (forms.stream().anyMatch(ws::contains)) g.put(p.id(), 1);
            }
            if (!g.isEmpty()) out.add(query("en", Kind.TAGWORD, w, g, forms, false));
        }
        return out;
    }

    private static Map<String, Integer> grades(Map<EvalPost, Set<String>> wordsOf, ToIntFunction<Set<String>> grade) {
        Map<String, Integer> g = new LinkedHashMap<>();
        wordsOf.forEach((p, ws) -> {
            int v = grade.applyAsInt(ws);
            if (v > 0) g.put(p.id(), v);
        });
        return g;
    }

    /** Up to {@link #PER_KIND} candidates in a seeded order that depends on the language and kind, each accepted by {@code accept}. */
    private static List<String> pick(
            List<String> candidates, String lang, Kind kind, long seed, Predicate<String> accept) {
        List<String> order = new ArrayList<>(candidates);
        Collections.shuffle(order, new Random(seed * 1_000_003L + (lang + "/" + kind.wire()).hashCode()));
        List<String> out = new ArrayList<>();
        for (String c : order) {
            if (out.size() == PER_KIND) break;
            if (accept.test(c)) out.add(c);
        }
        return out;
    }

    private static EvalQuery query(
            String lang, Kind kind, String text, Map<String, Integer> grades, Set<String> forms, boolean substring) {
        return new EvalQuery(lang, kind, text, split(lang, kind, text), grades, forms, substring);
    }

    /** dev or test, by a hash of language, kind and query: stable across seeds and runs, about half each. */
    static String split(String lang, Kind kind, String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((lang + "\u0000" + kind.wire() + "\u0000" + text).getBytes(StandardCharsets.UTF_8));
            return (h[0] & 1) == 0 ? "test" : "dev";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
