package dev.feedsearch.query;

import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.model.Hashtags;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.query.rank.RelevanceWindow;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/** Turns /v1/search query parameters into a validated {@link SearchQuery}; every refusal names its field. */
public final class SearchParams {
    public static final int MAX_Q_CHARS = 1_000;
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;

    private final Set<String> languages;
    private final QueryGroups queryGroups;
    private final CursorCodec cursors;

    /**
     * @param languages   language codes accepted by {@code lang} (the supported set plus "und")
     * @param queryGroups decides which language groups a query's text is written in
     * @param cursors     opens the cursors of later pages
     */
    SearchParams(Set<String> languages, QueryGroups queryGroups, CursorCodec cursors) {
        this.languages = Set.copyOf(languages);
        this.queryGroups = queryGroups;
        this.cursors = cursors;
    }

    /**
     * A parsed search: the query, and for {@code sort=relevance} where its page starts (null: the first page) and the
     * client's language (Accept-Language, canonical; null if none or unsupported). A relevance page after the first
     * keeps the query's language groups and the client's language its cursor carries; a first page's groups are
     * pending until {@link #resolve}.
     */
    public record Parsed(
            SearchQuery query,
            RelevanceWindow.Position relevanceAfter,
            String clientLanguage,
            String acceptLanguage,
            boolean groupsPending) {}

    /** @param viewer who the request reads as, as {@link dev.feedsearch.query.auth.ViewerAuth} decided */
    public Parsed parse(Context ctx, String viewer) {
        SortOrder sort = SortOrder.RELEVANCE;
        String s = ctx.queryParam("sort");
        if (s != null) {
            sort = SortOrder.parse(s);
            if (sort == null)
                throw ApiException.badRequest("sort", "sort must be relevance or recent, got '" + s + "'");
        }
        String q = ctx.queryParam("q");
        if (q != null) {
            q = q.strip();
            if (q.isEmpty()) throw ApiException.badRequest("q", "q must not be empty");
            if (q.length() > MAX_Q_CHARS) {
                throw ApiException.badRequest(
                        "q", "q is longer than " + MAX_Q_CHARS + " characters (" + q.length() + ")");
            }
        } else if (sort == SortOrder.RELEVANCE) {
            throw ApiException.badRequest("q", "q is required (it may be omitted only with sort=recent)");
        }
        SearchQuery.Builder b = SearchQuery.builder()
                .sort(sort)
                .viewer(viewer)
                .limit(limit(ctx.queryParam("limit")))
                .tag(id(ctx, "tag"));
        String author = id(ctx, "author"), lang = lang(ctx.queryParam("lang"), "lang");
        Instant since = time(ctx.queryParam("since"), "since", false),
                until = time(ctx.queryParam("until"), "until", true);
        if (q != null) {
            QuerySyntax.Parsed p = QuerySyntax.parse(q);
            if (p.plain()) {
                // no operators: read exactly as before they existed, #tags written in q being tag filters
                String text = Hashtags.strip(q);
                b.tags(Hashtags.in(q)).text(text.isEmpty() ? null : text);
            } else {
                b.tags(p.tags())
                        .mentions(p.mentions())
                        .reply(p.reply())
                        .syntax(p.query())
                        .replyTo(p.to() == null ? null : idInQ(p.to(), "to:"))
                        .text(p.query() == null ? null : p.query().positiveText());
            }
            // filters written in q and given as parameters must agree; either alone applies
            author = agree("author", author, p.from() == null ? null : idInQ(p.from(), "from:"));
            lang = agree("lang", lang, p.lang() == null ? null : lang(p.lang(), "q"));
            since = agree("since", since, p.since() == null ? null : time(p.since(), "q", false));
            until = agree("until", until, p.until() == null ? null : time(p.until(), "q", true));
        }
        b.author(author).lang(lang).since(since).until(until);
        SearchQuery query = b.build();
        if (query.since() != null && query.until() != null && query.since().isAfter(query.until())) {
            throw ApiException.badRequest("since", "since must not be after until");
        }
        String cursor = ctx.queryParam("cursor");
        if (sort == SortOrder.RECENT) {
            if (cursor != null)
                query = query.toBuilder().after(cursors.decode(cursor, query)).build();
            return new Parsed(query, null, null, null, false);
        }
        if (cursor != null) {
            CursorCodec.Relevance r = cursors.decodeRelevance(cursor, query);
            return new Parsed(
                    query.toBuilder().queryGroups(r.queryGroups()).build(),
                    r.position(),
                    r.clientLanguage(),
                    null,
                    false);
        }
        String acceptLanguage = ctx.header("Accept-Language");
        return new Parsed(query, null, queryGroups.clientLanguage(acceptLanguage), acceptLanguage, true);
    }

    /**
     * The parsed search with its query's language groups decided, for a first relevance page (they look at the
     * index, so this runs where the engine work runs); later pages keep the groups their cursor carries.
     */
    public Parsed resolve(Parsed p) throws IOException {
        if (!p.groupsPending()) return p;
        SearchQuery q = p.query().toBuilder()
                .queryGroups(queryGroups.of(p.query().text(), p.acceptLanguage()))
                .build();
        return new Parsed(q, null, p.clientLanguage(), p.acceptLanguage(), false);
    }

    /** The value a filter has when given in q, as a parameter, or both with the same value; a 400 naming it if they differ. */
    private static <T> T agree(String field, T param, T inQ) {
        if (param != null && inQ != null && !param.equals(inQ)) {
            throw ApiException.badRequest(field, field + " is '" + param + "' but q asks for '" + inQ + "'");
        }
        return param != null ? param : inQ;
    }

    private static String idInQ(String v, String operator) {
        if (v.isEmpty() || v.length() > PostJson.MAX_ID_CHARS) {
            throw ApiException.badRequest("q", operator + " takes 1 to " + PostJson.MAX_ID_CHARS + " characters");
        }
        return v;
    }

    private String lang(String v, String field) {
        if (v == null) return null;
        String primary = v.toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
        if (!languages.contains(primary)) {
            throw ApiException.badRequest(
                    field,
                    "lang '" + v + "' is not a supported language; use one of "
                            + languages.stream().sorted().toList());
        }
        return primary;
    }

    /** An optional id-like parameter (viewer, author, tag): 1 to 256 characters when present. */
    static String id(Context ctx, String field) {
        String v = ctx.queryParam(field);
        if (v == null) return null;
        if (v.isEmpty() || v.length() > PostJson.MAX_ID_CHARS) {
            throw ApiException.badRequest(field, field + " must be 1 to " + PostJson.MAX_ID_CHARS + " characters");
        }
        return v;
    }

    /** An optional boolean flag: absent = false; only "true" / "false" accepted. */
    static boolean flag(Context ctx, String field) {
        String v = ctx.queryParam(field);
        if (v == null || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw ApiException.badRequest(field, field + " must be true or false, got '" + v + "'");
    }

    static int limit(String v) {
        if (v == null) return DEFAULT_LIMIT;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw ApiException.badRequest("limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + v + "'");
    }

    /** ISO-8601 instant, or a date (whole day: since = its start, until = its end), within the years 1970 to 2200. */
    private static Instant time(String v, String field, boolean endOfDay) {
        if (v == null) return null;
        Instant t;
        try {
            t = Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                LocalDate d = LocalDate.parse(v);
                if (d.getYear() < 1970 || d.getYear() > 2200) throw outOfRange(field, v);
                t = endOfDay
                        ? d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)
                        : d.atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw ApiException.badRequest(
                        field,
                        field + " must be an ISO-8601 instant (2026-11-01T12:00:00Z) or date (2026-11-01), got '" + v
                                + "'");
            }
        }
        // the range post times are validated to: a filter outside it can match nothing and may not fit the engines
        if (t.isBefore(PostJson.MIN_TIME) || !t.isBefore(PostJson.MAX_TIME_EXCLUSIVE)) throw outOfRange(field, v);
        return t;
    }

    private static ApiException outOfRange(String field, String v) {
        return ApiException.badRequest(field, field + " must be within the years 1970 to 2200, got '" + v + "'");
    }
}
