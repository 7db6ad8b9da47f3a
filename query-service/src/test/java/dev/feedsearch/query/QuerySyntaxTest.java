package dev.feedsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.core.index.ParsedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grammar of {@code q}, input to parsed query. The parsed form is written compactly: required clauses as
 * {@code w(words)} and {@code p(phrase)}, an OR group as {@code a|b}, clauses separated by {@code " & "};
 * exclusions after {@code " - "}; then each filter present as {@code name=value}.
 */
class QuerySyntaxTest {

    @ParameterizedTest(name = "{0}  ->  {1}")
    @CsvSource(
            delimiter = '→',
            quoteCharacter = '`',
            value = {
                // plain words: no operators, read as before (plain=true)
                "human rights                      → w(human) & w(rights) plain",
                "#rights                           → tags=[rights] plain",
                "dignity #equality                 → w(dignity) tags=[equality] plain",
                "10:30                             → w(10:30) plain",
                "https://example.org/x             → w(https://example.org/x) plain",
                "foo:bar baz                       → w(foo:bar) & w(baz) plain",
                "e-mail                            → w(e-mail) plain",
                "or                                → w(or) plain",
                "- rights                          → w(-) & w(rights) plain",
                // phrases: straight, curly and national quotes
                "`\"human rights\" now`            → p(human rights) & w(now)",
                "“human rights”                    → p(human rights)",
                "„Würde des Menschen“              → p(Würde des Menschen)",
                "„prawa człowieka”                 → p(prawa człowieka)",
                "« droits de l'homme »             → p(droits de l'homme)",
                "»menneskerettigheder«             → p(menneskerettigheder)",
                "「労働組合」                        → p(労働組合)",
                "彼は「労働組合」と                   → w(彼は) & p(労働組合) & w(と)",
                "『人権』                           → p(人権)",
                "`\"unbalanced phrase`             → p(unbalanced phrase)",
                "`\"a b\"c`                        → p(a b) & w(c)",
                "`don\"t`                          → w(don\"t) plain",
                // exclusions
                "rights -abuse                     → w(rights) - w(abuse)",
                "`rights -\"human abuse\"`         → w(rights) - p(human abuse)",
                "rights -「労働組合」                → w(rights) - p(労働組合)",
                // OR
                "cats OR dogs                      → w(cats)|w(dogs)",
                "cats OR dogs OR birds food        → w(cats)|w(dogs)|w(birds) & w(food)",
                "`\"human rights\" OR dignity`     → p(human rights)|w(dignity)",
                "OR cats                           → w(OR) & w(cats) plain",
                "cats OR                           → w(cats) & w(OR) plain",
                "cats or dogs                      → w(cats) & w(or) & w(dogs) plain",
                "cats OR -dogs                     → w(cats) & w(OR) - w(dogs)",
                // filters
                "from:alice rights                 → w(rights) from=alice",
                "from:@alice                       → from=alice",
                "FROM:alice                        → from=alice",
                "@bob rights                       → w(rights) mentions=[bob]",
                "lang:de Würde                     → w(Würde) lang=de",
                "since:2026-11-01 until:2026-11-02 → since=2026-11-01 until=2026-11-02",
                "is:reply rights                   → w(rights) reply=true",
                "-is:reply rights                  → w(rights) reply=false",
                "from:alice from:alice x           → w(x) from=alice",
                "to:alice thanks                   → w(thanks) to=alice",
                "to:@alice                         → to=alice",
                "from:                             → w(from:) plain",
                "-rights from:alice                → - w(rights) from=alice",
                "-rights #tag                      → - w(rights) tags=[tag]",
                // escapes: a backslash makes the next character text
                "`\\\"not a phrase\\\"`            → w(\"not) & w(a) & w(phrase\")",
                "`\\-rights`                       → w(-rights)",
                "`from\\:alice`                    → w(from:alice)",
                "`\\OR`                            → w(OR)",
                "`a \\OR b`                        → w(a) & w(OR) & w(b)",
                "`\\@bob`                          → w(@bob)",
                "`\"a \\\" b\"`                    → p(a \" b)",
            })
    void parses(String q, String expected) {
        assertThat(render(QuerySyntax.parse(q.strip()))).isEqualTo(expected.strip());
    }

    @ParameterizedTest(name = "{0} -> 400 q")
    @CsvSource(
            delimiter = '→',
            quoteCharacter = '`',
            value = {
                "-rights                 → only exclusions",
                "-rights -\"a b\"        → only exclusions",
                "`\"\"`                  → nothing to search",
                "“ ”                     → nothing to search",
                "`\"`                    → nothing to search",
                "is:quote                → is: takes only reply",
                "is:reply -is:reply      → at once",
                "-from:alice x           → only is:reply can be negated",
                "-@bob x                 → only is:reply can be negated",
                "-#tag x                 → only is:reply can be negated",
                "from:a from:b x         → twice",
                "lang:de lang:fr         → twice",
                "to:a to:b x             → twice",
            })
    void refusals(String q, String message) {
        assertThatThrownBy(() -> QuerySyntax.parse(q.strip())).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo("q");
            assertThat(e.getMessage()).contains(message.strip());
        });
    }

    @Test
    void moreThanThirtyTwoPhrasesOrAlternativesOrExclusionsAreRefused() {
        String ok = "x " + "-a ".repeat(QuerySyntax.MAX_UNITS);
        assertThat(QuerySyntax.parse(ok).query().excluded()).hasSize(QuerySyntax.MAX_UNITS);
        assertThatThrownBy(() -> QuerySyntax.parse(ok + "-b")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> QuerySyntax.parse("a" + " OR a".repeat(QuerySyntax.MAX_UNITS)))
                .isInstanceOf(ApiException.class);
    }

    /** Random Unicode (quotes, operators and surrogate pairs over-represented): a result or a 400, nothing else. */
    @Test
    void randomInputParsesOrIsA400() {
        Random random = new Random(19);
        String[] pieces = {
            "\"", "“", "”", "„", "«", "»", "「", "」", "-", "OR", " ", ":", "from:", "is:", "@", "#", "\\", "lang:",
            "since:", "😀", "人", "é", "\u200b", "\u3000", "x"
        };
        for (int i = 0; i < 5_000; i++) {
            StringBuilder q = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int j = 0; j < n; j++) {
                if (random.nextBoolean()) q.append(pieces[random.nextInt(pieces.length)]);
                else q.appendCodePoint(random.nextInt(0x2FFFF));
            }
            try {
                QuerySyntax.parse(q.toString());
            } catch (ApiException e) {
                assertThat(e.status()).as(q.toString()).isEqualTo(400);
                assertThat(e.field()).isEqualTo("q");
            }
        }
    }

    private static String render(QuerySyntax.Parsed p) {
        List<String> out = new ArrayList<>();
        ParsedQuery q = p.query();
        if (q != null) {
            List<String> clauses = q.required().stream()
                    .map(c -> String.join(
                            "|", c.anyOf().stream().map(QuerySyntaxTest::unit).toList()))
                    .toList();
            if (!clauses.isEmpty()) out.add(String.join(" & ", clauses));
            if (!q.excluded().isEmpty())
                out.add("- "
                        + String.join(
                                " ",
                                q.excluded().stream().map(QuerySyntaxTest::unit).toList()));
        }
        if (p.from() != null) out.add("from=" + p.from());
        if (p.to() != null) out.add("to=" + p.to());
        if (!p.mentions().isEmpty()) out.add("mentions=" + new TreeSet<>(p.mentions()));
        if (!p.tags().isEmpty()) out.add("tags=" + new TreeSet<>(p.tags()));
        if (p.lang() != null) out.add("lang=" + p.lang());
        if (p.since() != null) out.add("since=" + p.since());
        if (p.until() != null) out.add("until=" + p.until());
        if (p.reply() != null) out.add("reply=" + p.reply());
        if (p.plain()) out.add("plain");
        return String.join(" ", out);
    }

    private static String unit(ParsedQuery.Unit u) {
        return (u instanceof ParsedQuery.Phrase ? "p(" : "w(") + u.text() + ")";
    }
}
