package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.Visibility;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The posts a relevance run indexes, built from the UDHR paragraphs: one variant per supported language (plus
 * Traditional Chinese as more zh posts), one post per paragraph, English inflated to about a quarter of all
 * posts, and about 30% of the other posts carrying one or two English hashtags. A pure function of the
 * paragraphs and the seed.
 *
 * @param posts     every post, non-English languages first in language order, English last
 * @param variants  language → the UDHR variant codes its posts come from
 * @param tagWords  the English hashtag vocabulary actually used
 * @param missing   supported languages the UDHR file has no variant for
 */
record EvalCorpus(
        List<EvalPost> posts, Map<String, List<String>> variants, List<String> tagWords, Set<String> missing) {

    /** Posts are spread over the 30 days before this instant (the server's clock is pinned well after it). */
    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    static final double HASHTAG_SHARE = 0.30, ENGLISH_SHARE = 0.25;
    static final int AUTHORS = 200;

    /** Candidate hashtags: common content words of the English UDHR; kept if they occur in a few English paragraphs. */
    static final List<String> TAG_CANDIDATES = List.of(
            "rights",
            "freedom",
            "everyone",
            "education",
            "equality",
            "dignity",
            "law",
            "work",
            "family",
            "protection",
            "justice",
            "peace",
            "marriage",
            "nationality",
            "religion",
            "security",
            "property",
            "society",
            "opinion",
            "expression",
            "assembly",
            "conscience",
            "health",
            "culture");

    /** Where two variants tie on everything else, the current orthography (1996 German, monotonic Greek, 2006 Romanian). */
    static final Set<String> PREFERRED = Set.of("deu_1996", "ell_monotonic", "ron_2006");

    /** One UDHR paragraph as the corpus file has it. */
    record UdhrParagraph(
            String code, String bcp47, String iso6393, int stage, String article, int paragraph, String text) {}

    /**
     * A post of the evaluation corpus.
     *
     * @param lang   the language it is written in (the truth; the product detects its own)
     * @param source the UDHR paragraph it comes from ({@code code:article:paragraph}); English posts cut from one
     *               paragraph share it, so "a word occurs in few places" is not inflated by the English copies
     * @param prose  the text without the appended #hashtags
     */
    record EvalPost(
            String id,
            String lang,
            String variant,
            String source,
            String text,
            String prose,
            List<String> tags,
            String author,
            Instant createdAt) {
        Post toPost() {
            // no language hint: the product detects every post's language itself
            return new Post(
                    id, author, text, null, createdAt, Visibility.PUBLIC, tags, List.of(), null, 0, 0, 0, 1, false);
        }
    }

    static List<UdhrParagraph> read(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<UdhrParagraph> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = mapper.readTree(line);
                out.add(new UdhrParagraph(
                        n.path("code").asText(),
                        n.path("bcp47").asText(),
                        n.path("iso6393").asText(),
                        n.path("stage").asInt(),
                        n.path("article").asText(),
                        n.path("paragraph").asInt(),
                        n.path("text").asText()));
            }
        }
        return out;
    }

    /**
     * @param canonical BCP-47 tag → supported language, or null (the product's own mapping, aliases included)
     * @param supported the supported languages
     */
    static EvalCorpus build(
            List<UdhrParagraph> paragraphs, Function<String, String> canonical, Set<String> supported, long seed) {
        Map<String, List<UdhrParagraph>> byCode = new LinkedHashMap<>();
        for (UdhrParagraph p : paragraphs)
            byCode.computeIfAbsent(p.code(), c -> new ArrayList<>()).add(p);
        Map<String, List<UdhrParagraph>> candidates = new TreeMap<>();
        for (List<UdhrParagraph> ps : byCode.values()) {
            String lang = canonical.apply(ps.getFirst().bcp47());
            if (lang != null && supported.contains(lang))
                candidates.computeIfAbsent(lang, l -> new ArrayList<>()).add(ps.getFirst());
        }
        Map<String, List<String>> variants = new TreeMap<>();
        for (Map.Entry<String, List<UdhrParagraph>> e : candidates.entrySet()) {
            String lang = e.getKey();
            List<String> codes = new ArrayList<>();
            codes.add(
                    e.getValue().stream().min(variantOrder(lang)).orElseThrow().code());
            if (lang.equals("zh")) { // Traditional characters too: the same language, other code points
                e.getValue().stream()
                        .filter(p -> p.bcp47().equalsIgnoreCase("zh-Hant"))
                        .min(variantOrder(lang))
                        .ifPresent(p -> codes.add(p.code()));
            }
            variants.put(lang, codes);
        }
        Set<String> missing = new TreeSet<>(supported);
        missing.removeAll(variants.keySet());

        Random rnd = new Random(seed);
        List<String> tagWords = tagWords(
                variants.containsKey("en") ? byCode.get(variants.get("en").getFirst()) : List.of());
        List<EvalPost> posts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, List<String>> e : variants.entrySet()) {
            String lang = e.getKey();
            if (lang.equals("en")) continue;
            for (String code : e.getValue()) {
                List<UdhrParagraph> ps = byCode.get(code);
                String prefix = code.equals(e.getValue().getFirst())
                        ? lang
                        : ps.getFirst().bcp47().toLowerCase(Locale.ROOT);
                for (UdhrParagraph p : ps) {
                    String prose = EvalText.nfc(p.text()).strip();
                    if (prose.isEmpty()) continue;
                    List<String> tags = new ArrayList<>();
                    if (!tagWords.isEmpty() && rnd.nextDouble() < HASHTAG_SHARE) {
                        int n = 1 + rnd.nextInt(Math.min(2, tagWords.size()));
                        while (tags.size() < n) {
                            String t = tagWords.get(rnd.nextInt(tagWords.size()));
                            if (!tags.contains(t)) tags.add(t);
                        }
                    }
                    StringBuilder text = new StringBuilder(prose);
                    for (String t : tags) text.append(" #").append(t);
                    posts.add(post(
                            ids,
                            prefix + "-" + p.article() + "-" + p.paragraph(),
                            lang,
                            code,
                            p,
                            text.toString(),
                            prose,
                            tags,
                            rnd));
                }
            }
        }
        if (variants.containsKey("en"))
            posts.addAll(english(byCode.get(variants.get("en").getFirst()), posts.size(), ids, rnd));
        return new EvalCorpus(List.copyOf(posts), variants, tagWords, missing);
    }

    /** Highest stage; then the plain tag ({@code es}, not {@code es-…}); then the language's main file; then {@link #PREFERRED}; then code. */
    static Comparator<UdhrParagraph> variantOrder(String lang) {
        return Comparator.comparingInt((UdhrParagraph p) -> -p.stage())
                .thenComparing(p -> !p.bcp47().equalsIgnoreCase(lang))
                .thenComparing(p -> !p.code().equals(p.iso6393()))
                .thenComparing(p -> !PREFERRED.contains(p.code()))
                .thenComparing(UdhrParagraph::code);
    }

    /** Candidates that occur in at least two English paragraphs, so a hashtag query has prose to find. */
    static List<String> tagWords(List<UdhrParagraph> english) {
        List<String> out = new ArrayList<>();
        for (String w : TAG_CANDIDATES) {
            long n = english.stream()
                    .filter(p -> EvalText.wordSet(p.text(), "en").contains(w))
                    .count();
            if (n >= 2) out.add(w);
        }
        return out;
    }

    /**
     * English posts until they are {@link #ENGLISH_SHARE} of all: each paragraph, its sentences and clauses when it
     * has several, then excerpts of 6–20 words from random paragraphs (what people quote).
     */
    private static List<EvalPost> english(List<UdhrParagraph> paragraphs, int others, Set<String> ids, Random rnd) {
        int target = (int) Math.round(others * ENGLISH_SHARE / (1 - ENGLISH_SHARE));
        List<EvalPost> out = new ArrayList<>();
        List<UdhrParagraph> quotable = new ArrayList<>();
        for (UdhrParagraph p : paragraphs) {
            String text = EvalText.nfc(p.text()).strip();
            if (text.isEmpty()) continue;
            String base = "en-" + p.article() + "-" + p.paragraph();
            out.add(post(ids, base, "en", p.code(), p, text, text, List.of(), rnd));
            List<String> pieces = new ArrayList<>();
            for (String s : text.split("(?<=[.;:!?])\\s+")) if (s.split("\\s+").length >= 4) pieces.add(s);
            if (pieces.size() >= 2) {
                for (int i = 0; i < pieces.size(); i++)
                    out.add(post(
                            ids,
                            base + "-s" + (i + 1),
                            "en",
                            p.code(),
                            p,
                            pieces.get(i),
                            pieces.get(i),
                            List.of(),
                            rnd));
            }
            if (text.split("\\s+").length >= 10) quotable.add(p);
        }
        Map<UdhrParagraph, Integer> excerpts = new LinkedHashMap<>();
        while (out.size() < target && !quotable.isEmpty()) {
            UdhrParagraph p = quotable.get(rnd.nextInt(quotable.size()));
            String[] words = EvalText.nfc(p.text()).strip().split("\\s+");
            int len = Math.min(words.length, 6 + rnd.nextInt(15));
            int start = rnd.nextInt(words.length - len + 1);
            String text = String.join(" ", List.of(words).subList(start, start + len));
            int k = excerpts.merge(p, 1, Integer::sum);
            out.add(post(
                    ids,
                    "en-" + p.article() + "-" + p.paragraph() + "-x" + k,
                    "en",
                    p.code(),
                    p,
                    text,
                    text,
                    List.of(),
                    rnd));
        }
        return out;
    }

    private static EvalPost post(
            Set<String> ids,
            String id,
            String lang,
            String code,
            UdhrParagraph p,
            String text,
            String prose,
            List<String> tags,
            Random rnd) {
        String unique = id;
        for (int i = 2; !ids.add(unique); i++) unique = id + "-" + i; // a variant that numbers a paragraph twice
        String author = "u" + (1 + rnd.nextInt(AUTHORS));
        Instant at = END.minusSeconds(rnd.nextInt((int) Duration.ofDays(30).toSeconds()));
        return new EvalPost(
                unique,
                lang,
                code,
                code + ":" + p.article() + ":" + p.paragraph(),
                text,
                prose,
                List.copyOf(tags),
                author,
                at);
    }

    long count(String lang) {
        return posts.stream().filter(p -> p.lang().equals(lang)).count();
    }
}
