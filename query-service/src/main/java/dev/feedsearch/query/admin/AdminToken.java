package dev.feedsearch.query.admin;

import dev.feedsearch.query.ApiException;
import dev.feedsearch.query.auth.Bearer;
import dev.feedsearch.query.auth.SharedSecret;
import io.javalin.http.Context;
import java.util.Optional;

/** The admin API's bearer token ({@code FEEDSEARCH_ADMIN_TOKEN}); without one configured, every admin call is 403. */
final class AdminToken {
    private final SharedSecret token;

    /** @throws IllegalArgumentException when the token is shorter than {@link SharedSecret#MIN_CHARS} */
    AdminToken(String token) {
        this.token = SharedSecret.optional("FEEDSEARCH_ADMIN_TOKEN", token);
    }

    boolean configured() {
        return token != null;
    }

    /** Throws the 401/403 the request earns unless it carries the token. */
    void check(Context ctx) {
        if (token == null) {
            throw new ApiException(
                    403, "admin_disabled", null, "the admin API is off: start serve with FEEDSEARCH_ADMIN_TOKEN set");
        }
        Optional<String> given = Bearer.token(ctx);
        if (given.isEmpty()) throw Bearer.missing(ctx, "send Authorization: Bearer <admin token>");
        if (!token.matches(given.get())) throw new ApiException(403, "forbidden", "Authorization", "wrong admin token");
    }
}
