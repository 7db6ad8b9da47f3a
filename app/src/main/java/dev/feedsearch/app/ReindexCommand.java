package dev.feedsearch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.reindex.ReindexJson;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The admin reindex job from the command line. The job runs inside the serving process (it owns the index and
 * its writes), so these commands talk to that process's admin API with its bearer token.
 */
@Command(
        name = "reindex",
        mixinStandardHelpOptions = true,
        description =
                "Blue/green rebuild of language groups with the current mappings, through a running serve's admin API.",
        subcommands = {
            ReindexCommand.Start.class,
            ReindexCommand.Status.class,
            ReindexCommand.ListJobs.class,
            ReindexCommand.Act.Pause.class,
            ReindexCommand.Act.Resume.class,
            ReindexCommand.Act.Cancel.class,
            ReindexCommand.Act.Rollback.class
        })
final class ReindexCommand {

    static final class Server {
        @Option(
                names = "--server",
                defaultValue = "http://127.0.0.1:7070",
                description = "The serving process (default: ${DEFAULT-VALUE})")
        String server;

        @Option(names = "--token", description = "Admin bearer token (default: $FEEDSEARCH_ADMIN_TOKEN)")
        String token;

        JsonNode call(String method, String path, String body) throws Exception {
            String t = token != null ? token : System.getenv("FEEDSEARCH_ADMIN_TOKEN");
            if (t == null || t.isBlank())
                throw new IllegalArgumentException("the admin API needs a token: --token or $FEEDSEARCH_ADMIN_TOKEN");
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.replaceAll("/$", "") + path))
                    .header("Authorization", "Bearer " + t)
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r;
            try {
                r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new IllegalArgumentException(
                        "no feedsearch serve answering at " + server + " (start one, or pass --server)");
            }
            JsonNode json = ReindexJson.MAPPER.readTree(r.body());
            if (r.statusCode() >= 300) {
                JsonNode err = json.path("error");
                String field =
                        err.path("field").isMissingNode() || err.path("field").isNull()
                                ? ""
                                : " (" + err.path("field").asText() + ")";
                throw new IllegalArgumentException(
                        r.statusCode() + " " + err.path("message").asText(r.body()) + field);
            }
            return json;
        }
    }

    static String line(JsonNode j) {
        StringBuilder s = new StringBuilder(String.format(
                "%s %-11s groups=%s copied=%d/%d regrouped=%d",
                j.path("job").asText(),
                j.path("state").asText(),
                j.at("/request/groups"),
                j.path("copied").asLong(),
                j.path("total").asLong(),
                j.path("regrouped").asLong()));
        if (j.hasNonNull("retain_until"))
            s.append(" previous kept until ").append(j.get("retain_until").asText());
        if (j.hasNonNull("report")) s.append("\n  ").append(j.get("report").asText());
        return s.toString();
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Start a job and follow its progress until it swaps (or fails).")
    static final class Start implements Callable<Integer> {
        @Mixin
        Server server;

        @Option(names = "--groups", split = ",", description = "Language groups to rebuild, e.g. ja,ko")
        List<String> groups;

        @Option(names = "--all", description = "Rebuild every language group")
        boolean all;

        @Option(
                names = "--from",
                defaultValue = "index",
                description =
                        "index: copy from the serving version (default); source: read the source of truth (serve --source)")
        String from;

        @Option(names = "--throttle", defaultValue = "0", description = "At most N posts/s copied (0: unthrottled)")
        int throttle;

        @Option(
                names = "--batch",
                defaultValue = "500",
                description = "Posts per copy batch (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(
                names = "--retain-minutes",
                defaultValue = "60",
                description = "Keep the previous version this long for rollback (default: ${DEFAULT-VALUE})")
        int retain;

        @Option(names = "--no-wait", description = "Return once the job has started")
        boolean noWait;

        @Override
        public Integer call() throws Exception {
            if (all == (groups != null && !groups.isEmpty()))
                throw new IllegalArgumentException("give either --groups g1,g2 or --all");
            ObjectNode body = ReindexJson.MAPPER.createObjectNode();
            if (all) body.put("groups", "all");
            else body.set("groups", ReindexJson.MAPPER.valueToTree(groups));
            body.put("from", from).put("throttle", throttle).put("batch", batch).put("retain_minutes", retain);
            JsonNode job = server.call("POST", "/admin/reindex", body.toString());
            System.out.println("started " + job.path("job").asText());
            if (noWait) return 0;
            String id = job.path("job").asText();
            try (ProgressBar bar =
                    Progress.bar("reindex", Math.max(1, job.path("total").asLong()), " posts", 1)) {
                while (true) {
                    job = server.call("GET", "/admin/reindex/" + id, null);
                    if (job.path("total").asLong() > 0)
                        bar.maxHint(job.path("total").asLong()); // from the source: counted by the job
                    bar.stepTo(job.path("copied").asLong());
                    String state = job.path("state").asText();
                    if (!state.equals("RUNNING")) break;
                    Thread.sleep(500);
                }
            }
            System.out.println(line(job));
            return job.path("state").asText().equals("SWAPPED")
                            || job.path("state").asText().equals("DONE")
                    ? 0
                    : 5;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "One job's state and progress, as JSON.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Server server;

        @Parameters(paramLabel = "JOB")
        String job;

        @Override
        public Integer call() throws Exception {
            System.out.println(ReindexJson.MAPPER
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(server.call("GET", "/admin/reindex/" + job, null)));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every job of the serving process, newest first.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        Server server;

        @Override
        public Integer call() throws Exception {
            for (JsonNode j : server.call("GET", "/admin/reindex", null).path("jobs")) System.out.println(line(j));
            return 0;
        }
    }

    abstract static class Act implements Callable<Integer> {
        @Mixin
        Server server;

        @Parameters(paramLabel = "JOB")
        String job;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            System.out.println(line(server.call("POST", "/admin/reindex/" + job + "/" + action(), null)));
            return 0;
        }

        @Command(
                name = "pause",
                mixinStandardHelpOptions = true,
                description = "Stop copying; resume continues from the last batch.")
        static final class Pause extends Act {
            String action() {
                return "pause";
            }
        }

        @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a paused job.")
        static final class Resume extends Act {
            String action() {
                return "resume";
            }
        }

        @Command(
                name = "cancel",
                mixinStandardHelpOptions = true,
                description = "Stop before the swap and drop what was built; the live version is untouched.")
        static final class Cancel extends Act {
            String action() {
                return "cancel";
            }
        }

        @Command(
                name = "rollback",
                mixinStandardHelpOptions = true,
                description = "Swap back to the previous version (within its retention).")
        static final class Rollback extends Act {
            String action() {
                return "rollback";
            }
        }
    }
}
