package dev.feedsearch.query;

import static dev.feedsearch.query.SampleServer.enc;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal of /v1/search: a 400 whose JSON body names the field at fault. */
class SearchValidationTest {
    static SampleServer s;

    @BeforeAll
    static void start() throws Exception {
        s = SampleServer.get();
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "q=                                   | q",
                "q=%20%20                             | q",
                "lang=en                              | q",
                "q=rights&limit=0                     | limit",
                "q=rights&limit=101                   | limit",
                "q=rights&limit=ten                   | limit",
                "q=rights&limit=-5                    | limit",
                "q=rights&sort=popular                | sort",
                "q=rights&since=yesterday             | since",
                "q=rights&until=2026-13-45            | until",
                "q=rights&since=2026-11-02&until=2026-11-01 | since",
                "q=rights&lang=klingon                | lang",
                "q=rights&cursor=@@@                  | cursor",
                "q=rights&cursor=bm90LWEtY3Vyc29y     | cursor",
                "q=rights&viewer=                     | viewer",
            })
    void badRequestsNameTheirField(String query, String field) throws Exception {
        SampleServer.Response r = s.get("/v1/search?" + query.strip());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("invalid_parameter");
        assertThat(r.json().at("/error/field").asText()).isEqualTo(field);
        assertThat(r.json().at("/error/message").asText()).isNotBlank();
    }

    @Test
    void queryLongerThan1000CharactersIsRefused() throws Exception {
        SampleServer.Response r = s.get("/v1/search?q=" + "a".repeat(1001));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("q");
        assertThat(s.get("/v1/search?q=" + "a".repeat(1000)).status()).isEqualTo(200);
    }

    @Test
    void cursorFromAnotherQueryOrViewerIsRefused() throws Exception {
        SampleServer.Response first = s.get("/v1/search?q=" + enc("freedom") + "&limit=1");
        String cursor = first.json().get("next_cursor").asText();
        assertThat(s.get("/v1/search?q=freedom&limit=1&cursor=" + enc(cursor)).status())
                .isEqualTo(200);
        SampleServer.Response other = s.get("/v1/search?q=liberty&limit=1&cursor=" + enc(cursor));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().at("/error/field").asText()).isEqualTo("cursor");
        SampleServer.Response otherViewer = s.get("/v1/search?q=freedom&limit=1&viewer=u2&cursor=" + enc(cursor));
        assertThat(otherViewer.status()).isEqualTo(400);
    }

    @Test
    void unknownRouteAndUnknownPostAreJsonErrors() throws Exception {
        SampleServer.Response route = s.get("/v1/nothing-here");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.json().at("/error/code").asText()).isEqualTo("no_route");
        SampleServer.Response post = s.get("/v1/posts/does-not-exist");
        assertThat(post.status()).isEqualTo(404);
        assertThat(post.json().at("/error/code").asText()).isEqualTo("not_found");
    }
}
