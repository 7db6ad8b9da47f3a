package dev.feedsearch.bench;

import java.util.List;

/** Queries used by every search benchmark: words that occur in the UDHR-derived corpus, across scripts. */
public final class BenchQueries {
    public static final List<String> QUERIES = List.of(
            "freedom",
            "rights",
            "education",
            "family marriage",
            "Würde",
            "Menschenrechte",
            "droits",
            "libertad",
            "liberdade",
            "diritto",
            "право",
            "свобода",
            "人権",
            "自由",
            "权利",
            "권리",
            "สิทธิ",
            "حقوق",
            "الحرية",
            "δικαιώματα",
            "özgürlük",
            "prawo",
            "vapaus",
            "jogok",
            "अधिकार");

    private BenchQueries() {}
}
