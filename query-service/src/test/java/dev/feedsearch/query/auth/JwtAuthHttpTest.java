package dev.feedsearch.query.auth;

import static dev.feedsearch.query.auth.AuthTestServer.get;
import static dev.feedsearch.query.auth.AuthTestServer.listing;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.feedsearch.query.auth.AuthTestServer.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --auth jwt} over real HTTP: tokens signed with locally generated RSA and EC keys, verified against a JWKS the
 * test serves over HTTP, by a real server over a real embedded index.
 */
class JwtAuthHttpTest {
    static final String ISSUER = "https://idp.test/pool-1", AUDIENCE = "feedsearch-app";
    static RSAKey rsa;
    static ECKey ec;
    static JwksEndpoint jwks;
    static AuthTestServer posts;
    static JwtAuth auth;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        jwks = new JwksEndpoint(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
        posts = new AuthTestServer();
        auth = new JwtAuth(jwks.url(), ISSUER, AUDIENCE);
        port = posts.serve(auth);
    }

    @AfterAll
    static void stop() throws Exception {
        posts.close();
        auth.close();
        jwks.close();
    }

    static JWTClaimsSet.Builder claims(String sub) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(sub)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    static String rs256(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        return sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims, new RSASSASigner(key));
    }

    static String es256(JWTClaimsSet claims) throws JOSEException {
        return sign(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims, new ECDSASigner(ec));
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void aValidTokenReadsAsItsSubjectWithRs256AndEs256() throws Exception {
        for (String token :
                List.of(rs256(claims("u1").build(), rsa), es256(claims("u1").build()))) {
            assertThat(get(port, "/v1/posts/priv", bearer(token)).status()).isEqualTo(200);
            assertThat(get(port, "/v1/posts/priv?viewer=u1", bearer(token)).status())
                    .isEqualTo(200);
            assertThat(listing(port, "", bearer(token))).containsExactlyInAnyOrder("pub", "priv");
            assertThat(get(port, "/v1/feed?limit=5", bearer(token)).status()).isEqualTo(200);
        }
        // another user's valid token does not see u1's private post
        assertThat(get(port, "/v1/posts/priv", bearer(rs256(claims("u2").build(), rsa)))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void withoutATokenARequestIsAnonymousAndCannotNameAViewer() throws Exception {
        assertThat(get(port, "/v1/posts/pub", null).status()).isEqualTo(200);
        assertThat(get(port, "/v1/posts/priv", null).status()).isEqualTo(404);
        assertThat(listing(port, "", null)).containsExactly("pub");
        Response named = get(port, "/v1/posts/priv?viewer=u1", null);
        assertThat(named.status()).isEqualTo(401);
        assertThat(named.field()).isEqualTo("Authorization");
        assertThat(named.json().at("/error/message").asText()).contains("viewer");
        assertThat(named.challenge()).isEqualTo("Bearer");
        assertThat(get(port, "/v1/search?sort=recent&viewer=u1", null).status()).isEqualTo(401);
        assertThat(get(port, "/v1/feed?viewer=u1", null).status()).isEqualTo(401);
    }

    @Test
    void aSearchRenderedForOneCallerIsNeverServedToAnother() throws Exception {
        String u1 = bearer(rs256(claims("u1").build(), rsa)),
                u2 = bearer(rs256(claims("u2").build(), rsa));
        for (int i = 0; i < 2; i++) { // the second time, the rendered bodies
            assertThat(listing(port, "&limit=7", u1)).containsExactlyInAnyOrder("pub", "priv");
            assertThat(listing(port, "&limit=7&viewer=u1", u1)).containsExactlyInAnyOrder("pub", "priv");
        }
        // the very same query strings from other callers
        assertThat(listing(port, "&limit=7", u2)).containsExactly("pub");
        assertThat(listing(port, "&limit=7", null)).containsExactly("pub");
        String named = "/v1/search?sort=recent&author=u1&limit=7&viewer=u1";
        assertThat(get(port, named, null).status()).isEqualTo(401);
        assertThat(get(port, named, u2).status()).isEqualTo(403);
        assertThat(get(port, named, "Bearer not-a-jwt").status()).isEqualTo(401);
    }

    @Test
    void aViewerOtherThanTheSubjectIsForbidden() throws Exception {
        String token = bearer(rs256(claims("u2").build(), rsa));
        Response r = get(port, "/v1/posts/priv?viewer=u1", token);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.field()).isEqualTo("viewer");
        assertThat(get(port, "/v1/search?sort=recent&author=u1&viewer=u1", token)
                        .status())
                .isEqualTo(403);
        assertThat(get(port, "/v1/feed?viewer=u1", token).status()).isEqualTo(403);
    }

    @Test
    void tokensThatDoNotVerifyAre401() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, other key
        RSAKey unpublished = new RSAKeyGenerator(2048).keyID("rsa-unknown").generate();
        List<Bad> bad = List.of(
                new Bad(
                        "expired",
                        rs256(
                                claims("u1")
                                        .issueTime(Date.from(past))
                                        .expirationTime(Date.from(past.plusSeconds(60)))
                                        .build(),
                                rsa)),
                new Bad("no expiry", rs256(claims("u1").expirationTime(null).build(), rsa)),
                new Bad(
                        "wrong issuer",
                        rs256(claims("u1").issuer("https://idp.test/other-pool").build(), rsa)),
                new Bad(
                        "wrong audience",
                        rs256(claims("u1").audience("another-app").build(), rsa)),
                new Bad("no subject", rs256(claims(null).build(), rsa)),
                new Bad("bad signature", rs256(claims("u1").build(), impostor)),
                new Bad("unknown kid", rs256(claims("u1").build(), unpublished)),
                new Bad("alg none", new PlainJWT(claims("u1").build()).serialize()),
                // the classic confusion: HS256 keyed with the RSA public key the server publishes
                new Bad(
                        "HS256 with the public key",
                        sign(
                                new JWSHeader.Builder(JWSAlgorithm.HS256)
                                        .keyID("rsa-1")
                                        .build(),
                                claims("u1").build(),
                                new MACSigner(rsa.toPublicKey().getEncoded()))),
                new Bad(
                        "tampered payload",
                        tamper(rs256(claims("u2").build(), rsa), p -> p.replace("\"sub\":\"u2\"", "\"sub\":\"u1\""))),
                new Bad("not a JWT", "opaque-token-value"));
        for (Bad b : bad) {
            Response r = get(port, "/v1/posts/priv", bearer(b.token()));
            assertThat(r.status()).as(b.what()).isEqualTo(401);
            assertThat(r.field()).as(b.what()).isEqualTo("Authorization");
            assertThat(r.challenge()).as(b.what()).contains("invalid_token");
            assertThat(get(port, "/v1/posts/pub", bearer(b.token())).status())
                    .as(b.what() + ": a bad token is not anonymous")
                    .isEqualTo(401);
        }
        Response basic = get(port, "/v1/posts/pub", "Basic dTE6cGFzc3dvcmQ=");
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.challenge()).contains("invalid_request");
    }

    record Bad(String what, String token) {}

    /** Rewrites the payload of a compact JWS, keeping the signature made over the original. */
    static String tamper(String jws, UnaryOperator<String> payload) {
        String[] parts = jws.split("\\.");
        String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String changed = payload.apply(json);
        if (changed.equals(json)) throw new IllegalStateException("nothing tampered in " + json);
        return parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(changed.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
    }

    @Test
    void cognitoAccessTokensCarryTheAudienceInClientId() throws Exception {
        JWTClaimsSet access = claims("u1")
                .audience((String) null)
                .claim("client_id", AUDIENCE)
                .claim("token_use", "access")
                .build();
        assertThat(get(port, "/v1/posts/priv", bearer(rs256(access, rsa))).status())
                .isEqualTo(200);
        JWTClaimsSet other = claims("u1")
                .audience((String) null)
                .claim("client_id", "another-app")
                .build();
        assertThat(get(port, "/v1/posts/priv", bearer(rs256(other, rsa))).status())
                .isEqualTo(401);
        JWTClaimsSet neither = claims("u1").audience((String) null).build();
        assertThat(get(port, "/v1/posts/priv", bearer(rs256(neither, rsa))).status())
                .isEqualTo(401);
    }

    @Test
    void keysAreCachedAndARotatedKeyIsFetchedWhenATokenNamesIt() throws Exception {
        RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        try (JwksEndpoint rotating = new JwksEndpoint(List.of(rsa.toPublicJWK()));
                JwtAuth own = new JwtAuth(rotating.url(), ISSUER, AUDIENCE)) {
            int p = posts.serve(own);
            for (int i = 0; i < 5; i++)
                assertThat(get(p, "/v1/posts/priv", bearer(rs256(claims("u1").build(), rsa)))
                                .status())
                        .isEqualTo(200);
            assertThat(rotating.fetches()).as("one fetch serves many requests").isEqualTo(1);
            rotating.publish(List.of(rsa.toPublicJWK(), next.toPublicJWK()));
            assertThat(get(p, "/v1/posts/priv", bearer(rs256(claims("u1").build(), next)))
                            .status())
                    .isEqualTo(200);
            assertThat(rotating.fetches())
                    .as("the unknown kid fetched the set again")
                    .isEqualTo(2);
        }
    }
}
