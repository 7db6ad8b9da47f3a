package dev.feedsearch.query.auth;

import static dev.feedsearch.query.auth.AuthTestServer.get;
import static dev.feedsearch.query.auth.AuthTestServer.listing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feedsearch.query.auth.AuthTestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code --auth service-token} over real HTTP against a real server: the backend's secret makes {@code viewer} believed. */
class ServiceTokenAuthHttpTest {
    static final String TOKEN = "backend-secret-0123456789";
    static AuthTestServer posts;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        posts = new AuthTestServer();
        port = posts.serve(new ServiceTokenAuth(SharedSecret.of("FEEDSEARCH_SERVICE_TOKEN", TOKEN)));
    }

    @AfterAll
    static void stop() throws Exception {
        posts.close();
    }

    @Test
    void theRightTokenMakesTheViewerBelieved() throws Exception {
        assertThat(get(port, "/v1/posts/priv?viewer=u1", "Bearer " + TOKEN).status())
                .isEqualTo(200);
        assertThat(get(port, "/v1/posts/priv?viewer=u1", "bearer " + TOKEN).status())
                .as("the scheme is case-insensitive")
                .isEqualTo(200);
        assertThat(listing(port, "&viewer=u1", "Bearer " + TOKEN)).containsExactlyInAnyOrder("pub", "priv");
        assertThat(get(port, "/v1/feed?viewer=u1", "Bearer " + TOKEN).status()).isEqualTo(200);
        // the backend asking without a viewer is anonymous
        assertThat(get(port, "/v1/posts/priv", "Bearer " + TOKEN).status()).isEqualTo(404);
    }

    @Test
    void aWrongTokenIsForbiddenEvenWithoutAViewer() throws Exception {
        for (String wrong : new String[] {"backend-secret-012345678", "backend-secret-0123456789x", "x"}) {
            Response r = get(port, "/v1/posts/priv?viewer=u1", "Bearer " + wrong);
            assertThat(r.status()).as(wrong).isEqualTo(403);
            assertThat(r.field()).isEqualTo("Authorization");
            assertThat(get(port, "/v1/posts/pub", "Bearer " + wrong).status())
                    .as(wrong)
                    .isEqualTo(403);
        }
        assertThat(get(port, "/v1/posts/pub", "Basic " + TOKEN).status()).isEqualTo(401);
    }

    @Test
    void noTokenIsAnonymousAndNamingAViewerThenIs401() throws Exception {
        assertThat(get(port, "/v1/posts/pub", null).status()).isEqualTo(200);
        assertThat(get(port, "/v1/posts/priv", null).status()).isEqualTo(404);
        assertThat(listing(port, "", null)).containsExactly("pub");
        Response r = get(port, "/v1/posts/priv?viewer=u1", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.field()).isEqualTo("Authorization");
        assertThat(r.json().at("/error/message").asText()).contains("viewer");
        assertThat(r.challenge()).isEqualTo("Bearer");
        assertThat(get(port, "/v1/search?sort=recent&author=u1&viewer=u1", null).status())
                .isEqualTo(401);
    }

    @Test
    void aShortSecretIsRefusedWhenConfigured() {
        assertThatThrownBy(() -> SharedSecret.of("FEEDSEARCH_SERVICE_TOKEN", "fifteen-chars-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FEEDSEARCH_SERVICE_TOKEN")
                .hasMessageContaining("16");
        assertThatThrownBy(() -> SharedSecret.of("FEEDSEARCH_SERVICE_TOKEN", "sixteen chars ok"))
                .hasMessageContaining("whitespace");
        assertThat(SharedSecret.of("X", "sixteen-chars-ok").matches("sixteen-chars-ok"))
                .isTrue();
        assertThat(SharedSecret.of("X", "sixteen-chars-ok").toString()).doesNotContain("sixteen");
    }
}
