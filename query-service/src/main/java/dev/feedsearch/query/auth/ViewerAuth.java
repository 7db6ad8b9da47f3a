package dev.feedsearch.query.auth;

import io.javalin.http.Context;

/**
 * Who a request reads as: the one place that decides whether the {@code viewer} a caller names may be believed.
 * Visibility rules are only as good as this answer, since a viewer sees that viewer's private and followers-only posts.
 */
@FunctionalInterface
public interface ViewerAuth {
    /**
     * @param requested the {@code viewer} parameter as given (null when absent)
     * @return the viewer the request acts as, or null for an anonymous request (public posts only)
     * @throws dev.feedsearch.query.ApiException 401 when credentials are missing or wrong, 403 when they do not
     *                                           allow the requested viewer
     */
    String viewer(Context ctx, String requested);

    /** Believes the parameter: only for a service bound to a loopback address (the demo, local tests). */
    ViewerAuth NONE = (ctx, requested) -> requested;
}
