package dev.feedsearch.app;

import dev.feedsearch.query.auth.JwtAuth;
import dev.feedsearch.query.auth.ServiceTokenAuth;
import dev.feedsearch.query.auth.SharedSecret;
import dev.feedsearch.query.auth.ViewerAuth;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * {@code serve --auth none|service-token|jwt}: who may pass {@code viewer}. Secrets come from the environment only
 * (a command line shows in {@code ps}); the rest from flags, each defaulting to an environment variable.
 */
final class AuthOptions {
    @Option(
            names = "--auth",
            defaultValue = "${env:FEEDSEARCH_AUTH:-none}",
            description =
                    "Who may pass viewer: none (believed; loopback only), service-token (the app backend sends "
                            + "Authorization: Bearer $FEEDSEARCH_SERVICE_TOKEN) or jwt (viewer = the token's sub) (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(
            names = "--jwt-jwks-url",
            defaultValue = "${env:FEEDSEARCH_JWT_JWKS_URL}",
            description =
                    "With --auth jwt: the identity provider's JWKS, e.g. https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json")
    String jwksUrl;

    @Option(
            names = "--jwt-issuer",
            defaultValue = "${env:FEEDSEARCH_JWT_ISSUER}",
            description =
                    "With --auth jwt: the tokens' exact iss, e.g. https://cognito-idp.<region>.amazonaws.com/<pool>")
    String issuer;

    @Option(
            names = "--jwt-audience",
            defaultValue = "${env:FEEDSEARCH_JWT_AUDIENCE}",
            description =
                    "With --auth jwt: this API's audience, matched against aud (or client_id when a token has no aud; Cognito: the app client id)")
    String audience;

    @Option(
            names = "--insecure-no-auth",
            description = "Allow --auth none on a non-loopback --host: only behind a gateway that alone sets viewer")
    boolean insecureNoAuth;

    /**
     * @param host the address the server binds
     * @param env  the environment ({@code System::getenv}; a map in tests)
     * @throws IllegalArgumentException saying what is missing or unsafe, before anything is opened
     */
    ViewerAuth viewerAuth(String host, UnaryOperator<String> env) {
        return switch (mode) {
            case "none" -> {
                if (!loopback(host) && !insecureNoAuth) {
                    throw new IllegalArgumentException(
                            "--host " + host + " is reachable from other machines, and with --auth none anyone who "
                                    + "reaches it can read any user's private posts by naming them in viewer: use --auth service-token or "
                                    + "--auth jwt, or --insecure-no-auth if a gateway in front sets viewer itself");
                }
                yield ViewerAuth.NONE;
            }
            case "service-token" ->
                new ServiceTokenAuth(
                        SharedSecret.of("FEEDSEARCH_SERVICE_TOKEN", env.apply("FEEDSEARCH_SERVICE_TOKEN")));
            case "jwt" ->
                new JwtAuth(
                        url(required(jwksUrl, "--jwt-jwks-url")),
                        required(issuer, "--jwt-issuer"),
                        required(audience, "--jwt-audience"));
            default ->
                throw new IllegalArgumentException("--auth must be none, service-token or jwt, got '" + mode + "'");
        };
    }

    private static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            return false; // the bind fails later anyway; never call an unknown name safe
        }
    }

    private static String required(String value, String flag) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("--auth jwt needs " + flag);
        return value;
    }

    private static URL url(String value) {
        try {
            URI uri = URI.create(value);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()))
                throw new IllegalArgumentException("not http(s)");
            return uri.toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new IllegalArgumentException("--jwt-jwks-url must be an http(s) URL, got '" + value + "'");
        }
    }
}
