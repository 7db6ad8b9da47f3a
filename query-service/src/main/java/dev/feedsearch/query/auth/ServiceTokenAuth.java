package dev.feedsearch.query.auth;

import dev.feedsearch.query.ApiException;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code serve --auth service-token}: the app's backend, which has authenticated its user itself, presents a shared
 * secret and is then believed about {@code viewer}. A request without credentials is anonymous (public posts only);
 * one that names a viewer without them is refused, so a private post is never one guessed id away.
 */
public record ServiceTokenAuth(SharedSecret token) implements ViewerAuth {
    public ServiceTokenAuth {
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String viewer(Context ctx, String requested) {
        Optional<String> given = Bearer.token(ctx);
        if (given.isEmpty()) {
            if (requested == null) return null;
            throw Bearer.missing(
                    ctx, "viewer '" + requested + "' needs credentials: send Authorization: Bearer <service token>");
        }
        if (!token.matches(given.get()))
            throw new ApiException(403, "forbidden", "Authorization", "wrong service token");
        return requested;
    }
}
