package dev.feedsearch.bench;

import static dev.feedsearch.bench.RelevanceEval.TARGET_MRR;
import static dev.feedsearch.bench.RelevanceEval.TARGET_MRR_PER_LANGUAGE;
import static dev.feedsearch.bench.RelevanceEval.TARGET_PROSE_SHARE;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.bench.EvalCorpus.EvalPost;
import dev.feedsearch.bench.EvalQueries.EvalQuery;
import dev.feedsearch.bench.EvalQueries.Kind;
import dev.feedsearch.bench.RelevanceEval.Options;
import dev.feedsearch.bench.RelevanceMetrics.Hit;
import dev.feedsearch.bench.RelevanceMetrics.Scored;
import dev.feedsearch.bench.RelevanceMetrics.Summary;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The markdown table, the JSON and the console summary of one {@link RelevanceEval} run. */
record RelevanceReport(Options options, EvalCorpus corpus, Map<String, String> detected, List<Scored> scored) {

    List<Scored> half(String split) {
        return scored.stream().filter(s -> s.query().split().equals(split)).toList();
    }

    static <K extends Comparable<K>> Map<K, Summary> by(List<Scored> scored, Function<Scored, K> key) {
        Map<K, List<Scored>> groups =
                scored.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.toList()));
        Map<K, Summary> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, Summary.of(v)));
        return out;
    }

    /** Share of a language's posts the product detected as that language. */
    double detectedRight(String lang) {
        List<EvalPost> posts =
                corpus.posts().stream().filter(p -> p.lang().equals(lang)).toList();
        return (double) posts.stream()
                        .filter(p -> lang.equals(detected.get(p.id())))
                        .count()
                / Math.max(1, posts.size());
    }

    record Target(String name, String measured, boolean met) {}

    List<Target> targets() {
        List<Scored> test = half("test");
        Summary all = Summary.of(test);
        Map<String, Summary> perLang = by(test, s -> s.query().lang());
        List<String> below = perLang.entrySet().stream()
                .filter(e -> !(e.getValue().mrr() >= TARGET_MRR_PER_LANGUAGE))
                .map(e -> String.format(
                        Locale.ROOT, "%s %.2f", e.getKey(), e.getValue().mrr()))
                .toList();
        String lowest = perLang.entrySet().stream()
                .min(Comparator.comparingDouble(e -> e.getValue().mrr()))
                .map(e -> String.format(
                        Locale.ROOT, "lowest %s %.3f", e.getKey(), e.getValue().mrr()))
                .orElse("no queries");
        Summary cjk = Summary.of(
                test.stream().filter(s -> s.query().kind() == Kind.CJK).toList());
        return List.of(
                new Target(
                        String.format(Locale.ROOT, "MRR@10 overall ≥ %.1f", TARGET_MRR),
                        f3(all.mrr()),
                        all.mrr() >= TARGET_MRR),
                new Target(
                        String.format(Locale.ROOT, "MRR@10 ≥ %.1f in every language", TARGET_MRR_PER_LANGUAGE),
                        below.isEmpty() ? lowest : lowest + "; below: " + String.join(", ", below),
                        below.isEmpty()),
                new Target(
                        String.format(Locale.ROOT, "prose share ≥ %.1f", TARGET_PROSE_SHARE),
                        f3(all.proseShare()),
                        all.proseShare() >= TARGET_PROSE_SHARE),
                new Target(
                        "0 CJK violations",
                        cjk.violations() + " in " + cjk.queriesWithViolations() + " of " + cjk.queries()
                                + " CJK queries",
                        cjk.violations() == 0 && cjk.errors() == 0),
                new Target(
                        "tag-only share of hits (a hashtag carrier where prose was asked for) ≈ 0",
                        f3(all.tagOnlyShare()),
                        all.tagOnlyShare() < 0.01));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        List<Scored> test = half("test"), dev = half("dev");
        long english = corpus.count("en"),
                tagged =
                        corpus.posts().stream().filter(p -> !p.tags().isEmpty()).count();
        long others = corpus.posts().size() - english;
        md.append("# Relevance of `/v1/search`, ")
                .append(options.engine())
                .append(" engine")
                .append(options.hint() ? ", with the client's language (Accept-Language: the query's language)" : "")
                .append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Corpus: %,d posts from the UDHR (`%s`, seed %d): one variant per supported language, a paragraph a post; "
                        + "English %.0f%% of all posts (%,d: paragraphs, their sentences, quoted excerpts); %.0f%% of the other posts end with 1–2 "
                        + "English hashtags (%s). No language hint: every post's language is detected. Missing languages (no UDHR variant): %s.%n%n",
                corpus.posts().size(),
                options.udhr().getFileName(),
                options.seed(),
                100.0 * english / corpus.posts().size(),
                english,
                100.0 * tagged / Math.max(1, others),
                String.join(", ", corpus.tagWords()),
                corpus.missing().isEmpty() ? "none" : String.join(", ", corpus.missing())));
        md.append(String.format(
                Locale.ROOT,
                "Queries: %,d (%,d test, %,d dev), kinds %s; each sent as `GET /v1/search?q=…&limit=10` to an in-process "
                        + "server over HTTP (no `lang`, no viewer"
                        + (options.hint() ? "; `Accept-Language` is the query's language" : ", no `Accept-Language`")
                        + "). The server's clock is a year after the newest post and engagement is 0, so "
                        + "recency and engagement do not reorder hits. Relevant: posts of the query's language whose prose (text without "
                        + "#hashtags) holds the word (grade 2) or another form of its family (grade 1). Prose share: of the top min(10, R, returned) hits, "
                        + "R the posts of any language whose prose holds the query word or a form of it, the share that do (so a hashtag carrier "
                        + "or another language's cognate in a slot a prose match could fill counts against it). Tag-only share: top-10 hits "
                        + "holding the query only as a #hashtag. CJK violations: pairs in a CJK/Thai top 10 where a post without the query string ranks above "
                        + "one with it. Judgment details: Chinese containment folds Traditional to Simplified; Han query strings are "
                        + "2–3 characters on ICU word boundaries; a family is forms sharing a prefix of max(5, 70%% of the shorter) "
                        + "(Arabic, Hebrew: differing by a suffix only); stripping diacritics keeps Cyrillic й and ї.%n%n",
                scored.size(),
                test.size(),
                dev.size(),
                Stream.of(Kind.values()).map(Kind::wire).collect(Collectors.joining(", "))));

        int errors = (int) scored.stream().filter(s -> s.error() != null).count();
        if (errors > 0)
            md.append(String.format(
                    Locale.ROOT,
                    "**%d of %d requests failed** (counted as empty result pages; see `error` in the JSON).%n%n",
                    errors,
                    scored.size()));
        md.append("## Test half (headline)\n\n");
        md.append(
                "| lang | variant | posts | detected right | queries | MRR@10 | nDCG@10 | prose share | no relevant in top 10 | CJK violations |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        by(test, s -> s.query().lang())
                .forEach((lang, s) -> md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %,d | %.1f%% | %s |%n",
                        lang,
                        String.join(" + ", corpus.variants().getOrDefault(lang, List.of())),
                        corpus.count(lang),
                        100 * detectedRight(lang),
                        cells(s))));
        md.append(String.format(
                Locale.ROOT,
                "| **all** | | %,d | %.1f%% | %s |%n%n",
                corpus.posts().size(),
                100.0
                        * corpus.posts().stream()
                                .filter(p -> p.lang().equals(detected.get(p.id())))
                                .count()
                        / corpus.posts().size(),
                bold(Summary.of(test))));

        md.append("## Test half by kind\n\n");
        kindTable(md, test);
        md.append("## Dev half (tune on this one)\n\n");
        kindTable(md, dev);
        md.append("Dev half by language, MRR@10: ")
                .append(by(dev, s -> s.query().lang()).entrySet().stream()
                        .map(e -> e.getKey() + " " + f2(e.getValue().mrr()))
                        .collect(Collectors.joining(", ")))
                .append("\n\n");

        md.append("## Targets (test half)\n\n| target | measured | |\n|---|---|---|\n");
        for (Target t : targets())
            md.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(t.measured())
                    .append(" | ")
                    .append(t.met() ? "met" : "**not met**")
                    .append(" |\n");

        md.append(
                "\n## Weakest test queries\n\nFirst relevant hit not at rank 1, worst first (up to 30): query, relevant posts, the top 3 hits "
                        + "as id (detected language, grade, prose match or not).\n\n");
        test.stream()
                .filter(s -> s.reciprocalRank() < 1)
                .sorted(Comparator.comparingDouble(Scored::reciprocalRank)
                        .thenComparingDouble(Scored::ndcg)
                        .thenComparing(s -> s.query().lang())
                        .thenComparing(s -> s.query().text()))
                .limit(30)
                .forEach(s -> md.append("- ").append(describe(s)).append('\n'));
        return md.toString();
    }

    private void kindTable(StringBuilder md, List<Scored> half) {
        md.append(
                "| kind | queries | MRR@10 | nDCG@10 | prose share | no relevant in top 10 | CJK violations |\n|---|---|---|---|---|---|---|\n");
        by(half, s -> s.query().kind())
                .forEach((k, s) -> md.append("| ")
                        .append(k.wire())
                        .append(" | ")
                        .append(cells(s))
                        .append(" |\n"));
        md.append("| **all** | ").append(bold(Summary.of(half))).append(" |\n\n");
    }

    static String cells(Summary s) {
        return String.format(
                Locale.ROOT,
                "%d | %s | %s | %s | %d | %d",
                s.queries(),
                f3(s.mrr()),
                f3(s.ndcg()),
                f3(s.proseShare()),
                s.zeroRelevant(),
                s.violations());
    }

    static String bold(Summary s) {
        return String.format(
                Locale.ROOT,
                "**%d** | **%s** | **%s** | **%s** | **%d** | **%d**",
                s.queries(),
                f3(s.mrr()),
                f3(s.ndcg()),
                f3(s.proseShare()),
                s.zeroRelevant(),
                s.violations());
    }

    String describe(Scored s) {
        EvalQuery q = s.query();
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%s %s `%s` (RR %.2f, nDCG %.2f, %d relevant):",
                q.lang(),
                q.kind().wire(),
                q.text(),
                s.reciprocalRank(),
                s.ndcg(),
                q.grades().size()));
        if (s.error() != null) return sb.append(" error ").append(s.error()).toString();
        if (s.hits().isEmpty()) return sb.append(" no hits").toString();
        for (int i = 0; i < Math.min(3, s.hits().size()); i++) {
            Hit h = s.hits().get(i);
            sb.append(i == 0 ? " " : ", ")
                    .append(h.id())
                    .append(" (")
                    .append(h.lang())
                    .append(", ")
                    .append(s.grades().get(i))
                    .append(s.prose().get(i) ? ", prose" : ", not in prose")
                    .append(')');
        }
        return sb.toString();
    }

    ObjectNode json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("engine", options.engine());
        root.put("seed", options.seed());
        root.put("udhr", options.udhr().getFileName().toString());
        ObjectNode c = root.putObject("corpus");
        c.put("posts", corpus.posts().size());
        c.put("english_share", (double) corpus.count("en") / corpus.posts().size());
        c.set("tag_words", mapper.valueToTree(corpus.tagWords()));
        c.set("missing_languages", mapper.valueToTree(corpus.missing()));
        ObjectNode langs = c.putObject("languages");
        corpus.variants().forEach((lang, codes) -> {
            ObjectNode l = langs.putObject(lang);
            l.set("variants", mapper.valueToTree(codes));
            l.put("posts", corpus.count(lang));
            l.put("detected_right", detectedRight(lang));
        });
        ObjectNode summary = root.putObject("summary");
        for (String split : List.of("test", "dev")) {
            List<Scored> half = half(split);
            ObjectNode h = summary.putObject(split);
            h.set("overall", summaryJson(mapper, Summary.of(half)));
            ObjectNode bl = h.putObject("by_language");
            by(half, s -> s.query().lang()).forEach((k, v) -> bl.set(k, summaryJson(mapper, v)));
            ObjectNode bk = h.putObject("by_kind");
            by(half, s -> s.query().kind()).forEach((k, v) -> bk.set(k.wire(), summaryJson(mapper, v)));
            ObjectNode blk = h.putObject("by_language_and_kind");
            by(half, s -> s.query().lang() + "/" + s.query().kind().wire())
                    .forEach((k, v) -> blk.set(k, summaryJson(mapper, v)));
        }
        ArrayNode targets = root.putArray("targets");
        for (Target t : targets())
            targets.addObject()
                    .put("target", t.name())
                    .put("measured", t.measured())
                    .put("met", t.met());
        ArrayNode qs = root.putArray("queries");
        for (Scored s : scored) {
            EvalQuery q = s.query();
            ObjectNode n = qs.addObject()
                    .put("lang", q.lang())
                    .put("kind", q.kind().wire())
                    .put("split", q.split())
                    .put("q", q.text())
                    .put("relevant", q.grades().size())
                    .put("prose_slots", s.proseSlots())
                    .put("rr", round(s.reciprocalRank()))
                    .put("ndcg", round(s.ndcg()))
                    .put("violations", s.violations());
            if (s.error() != null) n.put("error", s.error());
            ArrayNode hits = n.putArray("hits");
            for (int i = 0; i < s.hits().size(); i++) {
                hits.addObject()
                        .put("id", s.hits().get(i).id())
                        .put("lang", s.hits().get(i).lang())
                        .put("grade", s.grades().get(i))
                        .put("prose", s.prose().get(i));
            }
        }
        return root;
    }

    private static ObjectNode summaryJson(ObjectMapper mapper, Summary s) {
        ObjectNode n = mapper.createObjectNode().put("queries", s.queries());
        putMetric(n, "mrr_at_10", s.mrr());
        putMetric(n, "ndcg_at_10", s.ndcg());
        putMetric(n, "prose_share", s.proseShare());
        putMetric(n, "tag_only_share", s.tagOnlyShare());
        return n.put("hits", s.hits())
                .put("no_relevant_in_top_10", s.zeroRelevant())
                .put("cjk_violations", s.violations())
                .put("queries_with_cjk_violations", s.queriesWithViolations())
                .put("errors", s.errors());
    }

    private static void putMetric(ObjectNode n, String name, double v) {
        if (Double.isNaN(v)) n.putNull(name);
        else n.put(name, round(v));
    }

    String stdout() {
        StringBuilder sb = new StringBuilder();
        Summary test = Summary.of(half("test")), dev = Summary.of(half("dev"));
        sb.append(String.format(
                Locale.ROOT,
                "%s engine, test half: %d queries, MRR@10 %s, nDCG@10 %s, prose share %s, tag-only share %s, %d without a relevant hit, %d CJK violations%n",
                options.engine(),
                test.queries(),
                f3(test.mrr()),
                f3(test.ndcg()),
                f3(test.proseShare()),
                f3(test.tagOnlyShare()),
                test.zeroRelevant(),
                test.violations()));
        sb.append(String.format(
                Locale.ROOT,
                "dev half: %d queries, MRR@10 %s, nDCG@10 %s, prose share %s%n",
                dev.queries(),
                f3(dev.mrr()),
                f3(dev.ndcg()),
                f3(dev.proseShare())));
        for (Target t : targets())
            sb.append(t.met() ? "  met      " : "  NOT MET  ")
                    .append(t.name())
                    .append(": ")
                    .append(t.measured())
                    .append('\n');
        if (test.errors() + dev.errors() > 0)
            sb.append("  requests that failed: ")
                    .append(test.errors() + dev.errors())
                    .append('\n');
        return sb.toString();
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }
}
