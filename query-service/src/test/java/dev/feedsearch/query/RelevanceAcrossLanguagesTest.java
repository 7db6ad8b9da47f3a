package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.Hashtags;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Relevance across languages on the committed sample, over HTTP: what a new user tried first. English words
 * that foreign posts carry as hashtags, a Chinese word that Korean posts once matched through their Hangul
 * reading, and a hashtag query.
 */
class RelevanceAcrossLanguagesTest {
    static SampleServer s;

    @BeforeAll
    static void load() throws Exception {
        s = SampleServer.get();
    }

    record Hit(String id, String lang, String text) {
        String prose() {
            return Hashtags.strip(text).toLowerCase(Locale.ROOT);
        }
    }

    static List<Hit> search(String query, String acceptLanguage, int limit) throws Exception {
        return search(query, "", acceptLanguage, limit);
    }

    static List<Hit> search(String query, String moreParams, String acceptLanguage, int limit) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + s.server.port() + "/v1/search?limit=" + limit + "&q=" + enc(query) + moreParams));
        if (acceptLanguage != null) req.header("Accept-Language", acceptLanguage);
        HttpResponse<String> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Hit> hits = new ArrayList<>();
        for (JsonNode h :
                dev.feedsearch.core.model.PostJson.MAPPER.readTree(r.body()).get("hits")) {
            hits.add(new Hit(
                    h.get("id").asText(), h.get("lang").asText(), h.get("text").asText()));
        }
        return hits;
    }

    @Test
    void anEnglishWordFindsEnglishProseBeforeForeignPostsThatCarryItAsAHashtag() throws Exception {
        for (String word : List.of("rights", "freedom")) {
            List<Hit> hits = search(word, null, 50);
            assertThat(hits).as("q=%s", word).hasSizeGreaterThanOrEqualTo(10);
            // every English post in the sample whose prose has the word's stem, then the rest
            int english =
                    (int) hits.stream().takeWhile(h -> h.lang().equals("en")).count();
            assertThat(english)
                    .as("q=%s: English posts first, got %s", word, hits)
                    .isGreaterThanOrEqualTo(5);
            for (Hit h : hits.subList(0, english)) {
                assertThat(h.prose())
                        .as("q=%s: %s matched in its prose", word, h.id())
                        .contains(word.substring(0, 5));
            }
            // a post that has the word only as a hashtag comes after every prose match
            boolean tagOnlySeen = false;
            for (Hit h : hits) {
                boolean prose = h.prose().contains(word.substring(0, 5));
                if (!prose) tagOnlySeen = true;
                else if (h.lang().equals("en"))
                    assertThat(tagOnlySeen)
                            .as("q=%s: %s (prose) after a tag-only hit", word, h.id())
                            .isFalse();
            }
        }
    }

    @Test
    void aChineseWordFindsPostsContainingItsCharactersFirst() throws Exception {
        for (String word : List.of("自由", "平等")) {
            List<Hit> hits = search(word, null, 40);
            assertThat(hits).as("q=%s", word).isNotEmpty();
            for (Hit h : hits) {
                // Korean posts that write 자유 (the Hangul reading) no longer match at all
                assertThat(h.text())
                        .as("q=%s: every hit contains the characters: %s", word, h)
                        .contains(word);
            }
            // Han without kana: Chinese and Japanese both write it, and both lead (the sample has both)
            assertThat(hits.subList(0, 10))
                    .extracting(Hit::lang)
                    .as("q=%s", word)
                    .contains("zh", "ja");
            assertThat(hits).extracting(Hit::lang).as("q=%s", word).doesNotContain("ko");
        }
    }

    @Test
    void aHashtagQueryAsksForTheTag() throws Exception {
        List<Hit> hits = search("#rights", null, 100);
        assertThat(hits).isNotEmpty();
        for (Hit h : hits) {
            JsonNode post = s.get("/v1/posts/" + h.id()).json();
            List<String> tags = new ArrayList<>();
            post.get("tags").forEach(t -> tags.add(t.asText().toLowerCase(Locale.ROOT)));
            boolean inText = Hashtags.in(h.text()).contains("rights");
            assertThat(tags.contains("rights") || inText)
                    .as("%s carries #rights", h)
                    .isTrue();
        }
        // and the foreign posts that carry it are found, whatever their language
        assertThat(hits.stream().map(Hit::lang).distinct().count()).isGreaterThan(1);
    }

    @Test
    void theClientsLanguageDecidesWhatTheWordLeavesOpen() throws Exception {
        // "information" is an English and a French word: the hint decides which comes first
        java.time.Instant t = java.time.Instant.parse("2030-01-01T00:00:00Z");
        s.index.apply(List.of(
                s.changes.fromPost(new dev.feedsearch.core.model.Post(
                        "rel-en",
                        "rel-hint",
                        "Access to information is a right of every person",
                        null,
                        t,
                        dev.feedsearch.core.model.Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        1,
                        false)),
                s.changes.fromPost(new dev.feedsearch.core.model.Post(
                        "rel-fr",
                        "rel-hint",
                        "Le droit à l'information est reconnu à toute personne",
                        null,
                        t,
                        dev.feedsearch.core.model.Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        null,
                        0,
                        0,
                        0,
                        1,
                        false))));
        List<Hit> fr = search("information", "&author=rel-hint", "fr-FR,fr;q=0.9", 10);
        List<Hit> en = search("information", "&author=rel-hint", "en-GB", 10);
        assertThat(fr).extracting(Hit::id).containsExactly("rel-fr", "rel-en");
        assertThat(en).extracting(Hit::id).containsExactly("rel-en", "rel-fr");
    }

    @Test
    void aShortQueryIsTakenInTheLanguageThatWritesItMost() throws Exception {
        // lingua reads "Würde" as Hungarian and "freedom" as Vietnamese; the network's own posts say otherwise
        assertThat(search("Würde", null, 5)).extracting(Hit::lang).first().isEqualTo("de");
        assertThat(search("freedom", null, 5)).extracting(Hit::lang).containsOnly("en");
    }
}
