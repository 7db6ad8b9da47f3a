package dev.feedsearch.core.analysis;

import static dev.feedsearch.core.analysis.LuceneComponent.lucene;
import static dev.feedsearch.core.analysis.LuceneComponent.noParams;

import dev.feedsearch.core.analysis.LuceneComponent.Translation;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** OpenSearch tokenizer types → the Lucene tokenizer factories OpenSearch itself builds for them. */
final class TokenizerTranslations {

    private TokenizerTranslations() {}

    static final Map<String, Translation> TOKENIZERS = Map.of(
            "standard",
            (p, r) -> lucene("standard", "maxTokenLength", p.intOrNull("max_token_length")),
            "whitespace",
            (p, r) -> lucene("whitespace", "maxTokenLen", p.intOrNull("max_token_length")),
            "keyword",
            noParams("keyword"),
            "thai",
            noParams("thai"),
            "icu_tokenizer",
            (p, r) -> lucene("icu", "cjkAsWords", true, "myanmarAsWords", true),
            "kuromoji_tokenizer",
            TokenizerTranslations::kuromojiTokenizer,
            "nori_tokenizer",
            TokenizerTranslations::noriTokenizer,
            "smartcn_tokenizer",
            noParams("hmmChinese"));

    private static LuceneComponent kuromojiTokenizer(ComponentParams p, InlineResources r) {
        String mode = p.oneOf("mode", "search", "search", "normal", "extended");
        boolean discardPunctuation = p.bool("discard_punctuation", true);
        // OpenSearch defaults discard_compound_token to false, Lucene's factory to true: always pass it
        boolean discardCompound = p.bool("discard_compound_token", false);
        String dictionary = userDictionary(p, r);
        return lucene(
                "japanese",
                "mode",
                mode.toUpperCase(Locale.ROOT),
                "discardPunctuation",
                discardPunctuation,
                "discardCompoundToken",
                discardCompound,
                "userDictionary",
                dictionary,
                "userDictionaryEncoding",
                dictionary == null ? null : "UTF-8");
    }

    private static LuceneComponent noriTokenizer(ComponentParams p, InlineResources r) {
        String mode = p.oneOf("decompound_mode", "discard", "none", "discard", "mixed");
        boolean discardPunctuation = p.bool("discard_punctuation", true);
        String dictionary = userDictionary(p, r);
        // OpenSearch's nori_tokenizer never outputs unknown-word unigrams
        return lucene(
                "korean",
                "decompoundMode",
                mode.toUpperCase(Locale.ROOT),
                "outputUnknownUnigrams",
                false,
                "discardPunctuation",
                discardPunctuation,
                "userDictionary",
                dictionary,
                "userDictionaryEncoding",
                dictionary == null ? null : "UTF-8");
    }

    private static String userDictionary(ComponentParams p, InlineResources r) {
        if (!p.has("user_dictionary_rules")) {
            return null;
        }
        if (!p.def.path("user_dictionary_rules").isArray()) {
            // OpenSearch would split a plain string at commas, which breaks CSV rules
            throw p.fail("user_dictionary_rules", "must be an array of rules");
        }
        return r.add(p.list("user_dictionary_rules", List.of()), p, "user_dictionary_rules");
    }
}
