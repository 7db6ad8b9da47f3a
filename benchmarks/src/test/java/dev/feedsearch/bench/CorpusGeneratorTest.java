package dev.feedsearch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator on a small made-up UDHR file (the real corpus is not needed). */
class CorpusGeneratorTest {

    @TempDir
    Path dir;

    /** Three paragraphs per variant the generator uses, tagged with the variant so texts can be traced. */
    private Path fakeUdhr() throws IOException {
        Set<String> variants = new LinkedHashSet<>();
        for (CorpusGenerator.Lang l : CorpusGenerator.LANGS) variants.addAll(l.variants());
        List<String> lines = new ArrayList<>();
        for (String v : variants) {
            for (int p = 1; p <= 3; p++) {
                String text = v.startsWith("jpn") || v.startsWith("cmn")
                        ? "第" + p + "条。人は生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。"
                        : ("Paragraph " + p + " of " + v + " has several plain words, enough to cut a post from it. ")
                                .repeat(3);
                lines.add(PostJson.MAPPER.writeValueAsString(
                        Map.of("code", v, "article", String.valueOf(p), "text", text)));
            }
        }
        lines.add(PostJson.MAPPER.writeValueAsString(Map.of("code", "xyz", "text", "a variant nobody asked for")));
        Path f = dir.resolve("udhr.jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    private void generate(Path udhr, Path out, Path truth, int posts, long seed) throws IOException {
        var o = CorpusGenerator.Options.parse(new String[] {
            "--udhr",
            udhr.toString(),
            "--out",
            out.toString(),
            "--truth",
            truth.toString(),
            "--posts",
            String.valueOf(posts),
            "--authors",
            "60",
            "--seed",
            String.valueOf(seed)
        });
        new CorpusGenerator(o, CorpusGenerator.loadUdhr(udhr)).write();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherCorpus() throws IOException {
        Path udhr = fakeUdhr();
        generate(udhr, dir.resolve("a.jsonl"), dir.resolve("a.tsv"), 500, 7);
        generate(udhr, dir.resolve("b.jsonl"), dir.resolve("b.tsv"), 500, 7);
        generate(udhr, dir.resolve("c.jsonl"), dir.resolve("c.tsv"), 500, 8);
        assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("b.jsonl")));
        assertThat(Files.readAllBytes(dir.resolve("a.tsv"))).isEqualTo(Files.readAllBytes(dir.resolve("b.tsv")));
        assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isNotEqualTo(Files.readAllBytes(dir.resolve("c.jsonl")));
    }

    @Test
    void writesTheContract() throws Exception {
        Path out = dir.resolve("posts.jsonl"), truthFile = dir.resolve("truth.tsv");
        generate(fakeUdhr(), out, truthFile, 2000, 42);

        Map<String, String> truth = new HashMap<>();
        for (String line : Files.readAllLines(truthFile, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            assertThat(f).hasSize(2);
            truth.put(f[0], f[1]);
        }

        List<String> postKeys = List.of(
                "id",
                "author_id",
                "text",
                "lang",
                "created_at",
                "visibility",
                "tags",
                "mentions",
                "reply_to",
                "likes",
                "reposts",
                "replies",
                "version",
                "deleted");
        List<String> followKeys = List.of("follower_id", "followee_id", "created_at", "version", "deleted");
        Instant end = Instant.parse("2026-11-01T00:00:00Z");
        Instant start = end.minusSeconds(30L * 24 * 3600);
        Set<String> publicIds = new HashSet<>();
        Map<Visibility, Integer> visibility = new HashMap<>();
        Set<String> langs = new HashSet<>();
        int posts = 0, follows = 0, unfollows = 0, hinted = 0;
        Instant previous = Instant.MIN;
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            JsonNode n = PostJson.MAPPER.readTree(line);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) keys.add(it.next());
            if (n.has("follower_id")) {
                assertThat(keys).isEqualTo(followKeys);
                var e = PostJson.decodeFollow(n);
                assertThat(e.followerId()).isNotEqualTo(e.followeeId());
                follows++;
                if (e.deleted()) unfollows++;
                continue;
            }
            assertThat(keys).isEqualTo(postKeys);
            Post p = PostJson.decodePost(n);
            posts++;
            assertThat(p.id()).isEqualTo("p" + posts);
            assertThat(truth).containsKey(p.id());
            langs.add(truth.get(p.id()));
            assertThat(p.createdAt()).isBetween(start, end).isAfterOrEqualTo(previous);
            previous = p.createdAt();
            assertThat(p.text().codePointCount(0, p.text().length()))
                    .isBetween(CorpusGenerator.CJK_MIN_CHARS, CorpusGenerator.MAX_CHARS);
            assertThat(p.mentions()).doesNotContain(p.authorId());
            if (p.replyTo() != null) assertThat(publicIds).contains(p.replyTo());
            if (p.visibility() == Visibility.PUBLIC) publicIds.add(p.id());
            visibility.merge(p.visibility(), 1, Integer::sum);
            if (p.lang() != null) hinted++;
            assertThat(p.version()).isBetween(1L, 4L);
            assertThat(p.deleted()).isFalse();
        }
        assertThat(posts).isEqualTo(2000);
        assertThat(truth).hasSize(2000);
        assertThat(langs)
                .contains("en", "ja", "zh", "ko", "th", "ar", "de", "und")
                .hasSizeGreaterThanOrEqualTo(26);
        assertThat(visibility.get(Visibility.PUBLIC)).isBetween(1600, 1800);
        assertThat(visibility.get(Visibility.FOLLOWERS)).isBetween(120, 280);
        assertThat(visibility.get(Visibility.PRIVATE)).isBetween(50, 150);
        assertThat(hinted).isBetween(500, 700);
        assertThat(follows).isGreaterThan(60 * 5);
        assertThat(unfollows).isPositive();
    }

    @Test
    void refusesBadOptionsAndMissingVariants() throws IOException {
        assertThatThrownBy(() -> CorpusGenerator.Options.parse(new String[] {"--out", "x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--udhr");
        assertThatThrownBy(() -> CorpusGenerator.Options.parse(new String[] {"--udhr", "u", "--out", "x", "--posts"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a value");
        Path partial = dir.resolve("partial.jsonl");
        Files.writeString(partial, "{\"code\":\"eng\",\"text\":\"All human beings are born free and equal.\"}\n");
        assertThatThrownBy(() -> CorpusGenerator.loadUdhr(partial))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not found");
    }
}
