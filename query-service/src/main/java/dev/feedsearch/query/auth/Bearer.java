package dev.feedsearch.query.auth;

import dev.feedsearch.query.ApiException;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/** {@code Authorization: Bearer <token>} (RFC 6750): reading it, and the 401s that tell a client how to send it. */
public final class Bearer {
    private Bearer() {}

    /**
     * @return the token, or empty when the request has no {@code Authorization} header
     * @throws ApiException 401 when the header is there but is not a bearer token
     */
    public static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) return Optional.empty();
        // the scheme is case-insensitive (RFC 7235 section 2.1)
        if (header.length() <= 7
                || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")
                || header.substring(7).isBlank()) {
            throw invalidRequest(ctx, "Authorization must be: Bearer <token>");
        }
        return Optional.of(header.substring(7).trim());
    }

    /** No credentials where they are needed: 401 with a bare challenge. */
    public static ApiException missing(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer");
        return new ApiException(401, "unauthorized", "Authorization", message);
    }

    /** A token that was sent but does not verify: 401 with {@code error="invalid_token"}. */
    public static ApiException invalidToken(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return new ApiException(401, "unauthorized", "Authorization", message);
    }

    private static ApiException invalidRequest(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer error=\"invalid_request\"");
        return new ApiException(401, "unauthorized", "Authorization", message);
    }
}
