package dev.feedsearch.query.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.feedsearch.query.ApiException;
import io.javalin.http.Context;
import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --auth jwt}: the viewer is the {@code sub} of a JWT the client's identity provider signed (RS256 or
 * ES256), checked against the provider's JWKS (fetched over HTTP and cached; an unknown {@code kid} fetches it again,
 * at most twice in 30 s), its issuer, its audience and its expiry. A {@code viewer} parameter may only repeat the
 * {@code sub}; without a token the request is anonymous (public posts only), and naming a viewer then is a 401.
 *
 * <p>The audience is the token's {@code aud}, or, for a token without {@code aud}, its {@code client_id}: Amazon Cognito
 * puts the app client id in an ID token's {@code aud} and in an access token's {@code client_id}, so both verify.
 */
public final class JwtAuth implements ViewerAuth, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwtAuth.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final int HTTP_TIMEOUT_MS = 2_000, JWKS_MAX_BYTES = 64 * 1024;

    private final JWKSource<SecurityContext> keys;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * @param jwks     the provider's JWKS, e.g. {@code https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json}
     * @param issuer   the exact {@code iss} of its tokens, e.g. {@code https://cognito-idp.<region>.amazonaws.com/<pool>}
     * @param audience this API's audience (Cognito: the app client id)
     */
    public JwtAuth(URL jwks, String issuer, String audience) {
        Objects.requireNonNull(jwks, "jwks");
        if (issuer == null || issuer.isBlank()) throw new IllegalArgumentException("the JWT issuer is required");
        if (audience == null || audience.isBlank()) throw new IllegalArgumentException("the JWT audience is required");
        // the defaults cache keys for 5 minutes and rate-limit fetches; the timeouts are longer than the default 500 ms
        this.keys = JWKSourceBuilder.create(
                        jwks, new DefaultResourceRetriever(HTTP_TIMEOUT_MS, HTTP_TIMEOUT_MS, JWKS_MAX_BYTES))
                .retrying(true)
                .build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new Claims(issuer, audience));
    }

    @Override
    public String viewer(Context ctx, String requested) {
        Optional<String> token = Bearer.token(ctx);
        if (token.isEmpty()) {
            if (requested == null) return null;
            throw Bearer.missing(ctx, "viewer '" + requested + "' needs credentials: send Authorization: Bearer <JWT>");
        }
        String sub = subject(ctx, token.get());
        if (requested != null && !requested.equals(sub)) {
            throw new ApiException(403, "forbidden", "viewer", "viewer must be the token's subject or absent");
        }
        return sub;
    }

    private String subject(Context ctx, String token) {
        try {
            return processor.process(token, null).getSubject();
        } catch (ParseException e) {
            throw Bearer.invalidToken(ctx, "the bearer token is not a JWT");
        } catch (RateLimitReachedException e) {
            // the JWKS was just fetched again for an unknown kid: the key is not there
            throw Bearer.invalidToken(ctx, "invalid token: no key matches its kid");
        } catch (KeySourceException e) {
            log.warn("JWKS unavailable: {}", e.getMessage());
            throw new ApiException(
                    503,
                    "auth_unavailable",
                    "Authorization",
                    "the identity provider's keys cannot be fetched; try again");
        } catch (BadJOSEException | JOSEException e) {
            throw Bearer.invalidToken(ctx, "invalid token: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        if (keys instanceof Closeable c) c.close();
    }

    /** Issuer exact, {@code sub} and {@code exp} required, time checked (60 s skew); audience from aud or client_id. */
    private static final class Claims extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final String audience;

        Claims(String issuer, String audience) {
            super(new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"));
            this.audience = audience;
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            List<String> aud = claims.getAudience();
            Object clientId = claims.getClaim("client_id");
            boolean ok = aud.isEmpty() ? audience.equals(clientId) : aud.contains(audience);
            if (!ok)
                throw new BadJWTException(
                        "JWT audience rejected: " + (aud.isEmpty() ? "client_id " + clientId : "aud " + aud));
        }
    }
}
