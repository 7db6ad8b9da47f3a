package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI wired end to end, in-process: real index, real files. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void ingestLoadsGoodLinesAndDeadLettersBadOnesThatDlqListsAndShows() throws Exception {
        Path file = dir.resolve("posts.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"id\":\"a\",\"author_id\":\"u1\",\"text\":\"Die Würde des Menschen ist unantastbar\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}",
                        "{\"id\":\"b\",\"author_id\":\"u1\",\"text\":\"no visibility\",\"created_at\":\"2026-11-01T12:00:00Z\",\"version\":1}",
                        "{\"follower_id\":\"u2\",\"followee_id\":\"u1\",\"version\":1}"));
        Path data = dir.resolve("data");
        Run ingest = run("ingest", "--data-dir", data.toString(), file.toString());
        assertThat(ingest.code()).as(ingest.err()).isZero();
        assertThat(ingest.out()).contains("1 posts", "1 follow edges", "1 dead-lettered");

        Run list = run("dlq", "list", "--data-dir", data.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("line 2").contains("visibility");
        Run show = run("dlq", "show", "1", "--data-dir", data.toString());
        assertThat(show.out()).contains("no visibility");
        assertThat(run("dlq", "show", "7", "--data-dir", data.toString()).code())
                .isEqualTo(1);
    }

    /**
     * The dead-letter file that lost records: a line past Jackson's default 20M-character string limit was
     * stored twice, listed as nothing, appended again on every run, and replay emptied the file.
     */
    @Test
    void aHugeDeadLetterIsStoredOnceListedNotAppendedAgainAndSurvivesAReplay() throws Exception {
        Path file = dir.resolve("posts.jsonl");
        String huge = "{\"id\":\"h\",\"author_id\":\"u1\",\"text\":\"" + "w".repeat(21_000_000)
                + "\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}";
        Files.write(
                file,
                List.of(
                        "{\"id\":\"a\",\"author_id\":\"u1\",\"text\":\"Die Würde des Menschen ist unantastbar\",\"created_at\":\"2026-11-01T12:00:00Z\",\"visibility\":\"public\",\"version\":1}",
                        huge));
        Path data = dir.resolve("data"), dlq = data.resolve("dead-letter.jsonl");
        assertThat(run("ingest", "--data-dir", data.toString(), file.toString()).out())
                .contains("1 posts", "1 dead-lettered");
        long size = Files.size(dlq);
        assertThat(size).as("the raw line once").isBetween((long) huge.length(), huge.length() + 1_000L);

        Run list = run("dlq", "list", "--data-dir", data.toString());
        assertThat(list.out()).startsWith("1\t").contains("line 2", "text", "longer than 10000");
        assertThat(run("ingest", "--data-dir", data.toString(), file.toString()).code())
                .isZero();
        assertThat(Files.size(dlq))
                .as("the same bad line, seen again, is not appended again")
                .isEqualTo(size);

        Run replay = run("dlq", "replay", "--data-dir", data.toString());
        assertThat(replay.code()).isEqualTo(3);
        assertThat(replay.out()).contains("replayed 0, 1 still failing");
        assertThat(run("dlq", "show", "1", "--data-dir", data.toString()).out()).contains("w".repeat(1_000));
        assertThat(Files.size(dlq)).isGreaterThan((long) huge.length());
    }

    @Test
    void planWritesTemplatesAndTerraformVariables() throws Exception {
        Run plan = run(
                "plan",
                "--posts",
                "100000000",
                "--languages",
                "en=0.5,ja=0.3,ko=0.2",
                "--peak-qps",
                "300",
                "--out-dir",
                dir.toString());
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("cost/month", "posts-ja");
        assertThat(plan.out()).containsPattern("service: [0-9]+ query replicas × 2 vCPU behind a load balancer");
        assertThat(plan.out()).contains("indexer: 1 process");
        assertThat(dir.resolve("index-templates/posts-ko.json")).exists();
        assertThat(dir.resolve("indices/feedsearch-checkpoints.json")).exists();
        assertThat(Files.readString(dir.resolve("indices/feedsearch-feed-sessions.json")))
                .contains("\"binary\"");
        assertThat(Files.readString(dir.resolve("terraform.tfvars"))).contains("dedicated_master_count   = 3");
    }

    @Test
    void badInvocationsSayWhatIsWrongInOneLine() {
        Run noJdbc = run("serve", "--data-dir", dir.resolve("d").toString(), "--source", "postgres", "--port", "0");
        assertThat(noJdbc.code()).isEqualTo(1);
        assertThat(noJdbc.err()).contains("--jdbc-url");
        Run engine = run("ingest", "--engine", "elastic", dir.resolve("x.jsonl").toString());
        assertThat(engine.err()).contains("--engine must be embedded or opensearch");
    }
}
