package dev.feedsearch.query.admin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.feedsearch.core.reindex.ReindexControl;
import dev.feedsearch.core.reindex.ReindexException;
import dev.feedsearch.core.reindex.ReindexJson;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import dev.feedsearch.query.ApiException;
import dev.feedsearch.query.auth.SharedSecret;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API for reindex jobs: {@code POST /admin/reindex}, {@code GET /admin/reindex[/{job}]},
 * {@code POST /admin/reindex/{job}/pause|resume|cancel|rollback}. Every call needs {@code Authorization: Bearer
 * <token>}; without a configured token the admin API is off.
 */
public final class AdminRoutes {
    /** The fields of {@code POST /admin/reindex}: any other is a typo that must not start a job with defaults. */
    private static final Set<String> START_FIELDS = Set.of("groups", "from", "throttle", "batch", "retain_minutes");
    /** A key given twice is refused, not silently the last one; so is anything after the object. */
    private static final ObjectReader STRICT = ReindexJson.MAPPER
            .reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ReindexControl jobs;
    private final AdminToken token;

    /**
     * @param token the bearer token; null or blank turns the admin API off (every call answers 403)
     * @throws IllegalArgumentException when the token is shorter than {@link SharedSecret#MIN_CHARS}, so the server
     *                                  refuses to start with it
     */
    public AdminRoutes(ReindexControl jobs, String token) {
        this.jobs = jobs;
        this.token = new AdminToken(token);
    }

    /** Checked first by every handler here. */
    private void authorize(Context ctx) {
        if (jobs == null) {
            throw new ApiException(
                    403, "admin_disabled", null, "the admin API is off: start serve with FEEDSEARCH_ADMIN_TOKEN set");
        }
        token.check(ctx);
    }

    public void start(Context ctx) throws IOException {
        authorize(ctx);
        JsonNode body = strictObject(ctx.bodyAsBytes());
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!START_FIELDS.contains(f)) {
                throw ApiException.badRequest(
                        f, "unknown field '" + f + "': expected groups, from, throttle, batch, retain_minutes");
            }
        }
        ReindexRequest r = new ReindexRequest(
                groups(body.get("groups")),
                text(body, "from", "index"),
                integer(body, "throttle", 0),
                integer(body, "batch", 500),
                integer(body, "retain_minutes", 60));
        ReindexStatus s = call(() -> jobs.start(r));
        ctx.status(202).result(ReindexJson.MAPPER.writeValueAsString(s));
    }

    public void list(Context ctx) throws IOException {
        authorize(ctx);
        ctx.result(ReindexJson.MAPPER.writeValueAsString(Map.of("jobs", jobs.list())));
    }

    public void status(Context ctx) throws IOException {
        authorize(ctx);
        String job = ctx.pathParam("job");
        ReindexStatus s = jobs.status(job).orElseThrow(() -> ApiException.notFound("no reindex job '" + job + "'"));
        ctx.result(ReindexJson.MAPPER.writeValueAsString(s));
    }

    public void action(Context ctx) throws IOException {
        authorize(ctx);
        String job = ctx.pathParam("job"), action = ctx.pathParam("action");
        ReindexStatus s = switch (action) {
            case "pause" -> call(() -> jobs.pause(job));
            case "resume" -> call(() -> jobs.resume(job));
            case "cancel" -> call(() -> jobs.cancel(job));
            case "rollback" -> call(() -> jobs.rollback(job));
            default ->
                throw new ApiException(
                        404,
                        "no_route",
                        "action",
                        "unknown action '" + action + "': pause, resume, cancel or rollback");
        };
        ctx.result(ReindexJson.MAPPER.writeValueAsString(s));
    }

    /** The body as one JSON object with no key twice; a duplicate is a 400 naming that key. */
    private static JsonNode strictObject(byte[] bytes) {
        JsonNode body;
        try {
            body = STRICT.readTree(bytes);
        } catch (IOException e) {
            String duplicate = duplicateKey(e);
            if (duplicate != null) throw ApiException.badRequest(duplicate, "field '" + duplicate + "' is given twice");
            throw ApiException.badRequest(
                    "body",
                    "the body must be a JSON object: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) throw ApiException.badRequest("body", "the body must be a JSON object");
        return body;
    }

    /** The key that STRICT_DUPLICATE_DETECTION stopped at: the parser's current name when it threw. */
    private static String duplicateKey(IOException e) {
        if (e instanceof JsonParseException p
                && p.getOriginalMessage().startsWith("Duplicate field")
                && p.getProcessor() instanceof JsonParser parser) {
            try {
                return parser.currentName();
            } catch (IOException | RuntimeException ignored) {
                return null;
            }
        }
        return null;
    }

    private interface JobCall {
        ReindexStatus run() throws ReindexException, IOException;
    }

    private static ReindexStatus call(JobCall c) throws IOException {
        try {
            return c.run();
        } catch (ReindexException e) {
            int status = switch (e.kind()) {
                case BAD_REQUEST -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            };
            String code = switch (e.kind()) {
                case BAD_REQUEST -> "invalid_parameter";
                case NOT_FOUND -> "not_found";
                case CONFLICT -> "conflict";
            };
            throw new ApiException(status, code, e.field(), e.getMessage());
        }
    }

    /** {@code "groups": ["ja","ko"]} or {@code "all"}. */
    private static List<String> groups(JsonNode n) {
        if (n == null || n.isNull())
            throw ApiException.badRequest("groups", "groups is required: a list of language groups, or \"all\"");
        if (n.isTextual() && n.asText().equals("all")) {
            List<String> all = new ArrayList<>();
            for (LanguageGroup g : Mappings.load().groups()) all.add(g.name());
            return all;
        }
        if (!n.isArray())
            throw ApiException.badRequest("groups", "groups must be a list of language group names, or \"all\"");
        List<String> out = new ArrayList<>();
        for (JsonNode g : n) {
            if (!g.isTextual()) throw ApiException.badRequest("groups", "groups must hold strings");
            out.add(g.asText());
        }
        return out;
    }

    private static String text(JsonNode body, String field, String dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw ApiException.badRequest(field, field + " must be a string");
        return n.asText();
    }

    private static int integer(JsonNode body, String field, int dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber() || !n.canConvertToInt())
            throw ApiException.badRequest(field, field + " must be an integer");
        return n.asInt();
    }
}
