package dev.feedsearch.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.mappings.Mappings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzz (fixed seed, 2,000 lines): valid records mutated at random (bytes flipped, cut, doubled, keys
 * repeated, hostile values spliced in) never abort an ingest, and every line ends up exactly one of indexed,
 * dead-lettered or blank, each dead letter under its own line number.
 */
class JsonlFuzzTest {
    static final int LINES = 2_000;
    static final String[] HOSTILE = {
        "\"+292278995-01-01T00:00:00Z\"",
        "\"-999999999-01-01T00:00:00Z\"",
        "\"1969-12-31T23:59:59Z\"",
        "4611686018427387904",
        "9223372036854775807",
        "-1",
        "1e400",
        "-0",
        "123456789012345678901234567890",
        "\"\\ud800\"",
        "\"\\udfff x\"",
        "null",
        "true",
        "[]",
        "{}",
        "\"\"",
        "\"\\u0000\"",
        "[\"\\ud83d\"]",
        "\"" + "q".repeat(10_001) + "\"",
        "{\"a\":{\"a\":{\"a\":[[[[1]]]]}}}"
    };
    static final String[] FIELDS = {
        "id",
        "author_id",
        "text",
        "created_at",
        "visibility",
        "version",
        "likes",
        "reposts",
        "replies",
        "tags",
        "mentions",
        "deleted",
        "lang",
        "reply_to",
        "follower_id",
        "followee_id",
        "relation"
    };

    @TempDir
    Path dir;

    @Test
    void randomAndMutatedLinesNeverAbortAnIngestAndEveryLineIsAccountedFor() throws Exception {
        Random rnd = new Random(20_261_206L);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < LINES; i++) {
            byte[] line = mutate(rnd, valid(rnd, i).getBytes(StandardCharsets.UTF_8));
            for (byte b : line) if (b != '\n') file.write(b); // a mutation must not add lines: the count is checked
            file.write('\n');
        }
        Path in = dir.resolve("fuzz.jsonl");
        Files.write(in, file.toByteArray());

        Mappings m = Mappings.load();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("idx"), GroupAnalyzers.build(m));
                JsonlDeadLetterStore dlq = new JsonlDeadLetterStore(dir.resolve("dlq.jsonl"))) {
            IngestReport r = new JsonlIngester(new ChangeFactory(new ScriptFirstDetector(), m), index, dlq, 250)
                    .ingest(in, b -> {});

            assertThat(r.lines()).isEqualTo(LINES);
            assertThat(r.posts() + r.follows() + r.deletes() + r.deadLettered() + r.blank())
                    .isEqualTo(LINES);
            List<DeadLetterEntry> dead = dlq.list();
            assertThat(dead).hasSize((int) r.deadLettered());
            Set<String> positions = new HashSet<>();
            dead.forEach(e -> positions.add(e.position()));
            assertThat(positions).hasSize(dead.size());
            // the mix is a real one: plenty of both outcomes
            assertThat(r.posts() + r.follows() + r.deletes()).isGreaterThan(LINES / 10);
            assertThat(r.deadLettered()).isGreaterThan(LINES / 10);
        }
    }

    /** A valid post, follow edge or delete. */
    static String valid(Random rnd, int i) {
        return switch (rnd.nextInt(6)) {
            case 0 ->
                "{\"follower_id\":\"u" + rnd.nextInt(50) + "\",\"followee_id\":\"u" + rnd.nextInt(50)
                        + "\",\"version\":" + (i + 1) + "}";
            case 1 -> "{\"id\":\"p" + rnd.nextInt(LINES) + "\",\"version\":" + (i + 1) + ",\"deleted\":true}";
            default ->
                "{\"id\":\"p" + rnd.nextInt(LINES) + "\",\"author_id\":\"u" + rnd.nextInt(50) + "\",\"text\":\"harbour "
                        + (rnd.nextBoolean() ? "morning news number " : "東京の朝のニュース ") + i
                        + "\",\"created_at\":\"2026-11-01T12:00:00Z\","
                        + "\"visibility\":\"public\",\"tags\":[\"t" + rnd.nextInt(9) + "\"],\"likes\":"
                        + rnd.nextInt(100) + ",\"version\":" + (i + 1) + "}";
        };
    }

    /** One in four lines stays valid; the rest get one to three mutations. */
    static byte[] mutate(Random rnd, byte[] line) {
        if (rnd.nextInt(4) == 0) return line;
        byte[] b = line;
        for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
            String s = new String(b, StandardCharsets.UTF_8);
            b = switch (rnd.nextInt(9)) {
                case 0 -> { // flip a byte: broken JSON or broken UTF-8
                    byte[] c = b.clone();
                    if (c.length > 0) c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
                    yield c;
                }
                case 1 -> java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rnd.nextInt(b.length)); // cut short
                case 2 ->
                    (s + (rnd.nextBoolean() ? s : " trailing"))
                            .getBytes(StandardCharsets.UTF_8); // a second object, garbage
                case 3 ->
                    s.replaceFirst(
                                    "\\{",
                                    "{\"" + FIELDS[rnd.nextInt(FIELDS.length)] + "\":"
                                            + HOSTILE[rnd.nextInt(HOSTILE.length)] + ",")
                            .getBytes(
                                    StandardCharsets.UTF_8); // a hostile value, maybe under a key the line already has
                case 4 ->
                    s.replace("\"2026-11-01T12:00:00Z\"", HOSTILE[rnd.nextInt(4)])
                            .getBytes(StandardCharsets.UTF_8);
                case 5 ->
                    s.replace("\"public\"", rnd.nextBoolean() ? "\"private\",\"visibility\":\"public\"" : "\"PUBLIC\"")
                            .getBytes(StandardCharsets.UTF_8);
                case 6 ->
                    (rnd.nextBoolean() ? "\r" + s : s.replace(",", ",\r")).getBytes(StandardCharsets.UTF_8); // bare CRs
                case 7 -> { // raw bytes: a BOM mid-file, an encoded surrogate, an overlong form, a lone continuation
                    // byte
                    byte[][] junk = {
                        {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xC0, (byte) 0xAF},
                        {(byte) 0x80}
                    };
                    byte[] j = junk[rnd.nextInt(junk.length)];
                    int at = rnd.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + j.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(j, 0, c, at, j.length);
                    System.arraycopy(b, at, c, at + j.length, b.length - at);
                    yield c;
                }
                default ->
                    s.replace("harbour", "harbour \\ud83d").getBytes(StandardCharsets.UTF_8); // a lone surrogate escape
            };
        }
        return b;
    }
}
