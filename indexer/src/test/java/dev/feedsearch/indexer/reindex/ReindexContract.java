package dev.feedsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortOrder;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.Post;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.model.Visibility;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.core.reindex.ReindexException;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.core.reindex.ReindexStatus.State;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.Reconciler;
import dev.feedsearch.indexer.dynamodb.DynamoDbSnapshot;
import dev.feedsearch.indexer.dynamodb.DynamoDbTables;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import dev.feedsearch.mappings.LanguageGroup;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The reindex job on a real engine (a subclass per engine): rebuild the English group while a writer inserts,
 * edits and deletes posts in it and a reader keeps searching; then the index must match what was written
 * (0 missing, 0 stale, 0 resurrected) and no search may have failed. Plus: a job abandoned mid-copy resumes,
 * cancel leaves the live version alone, rollback restores the previous one, an analyzer change shows only
 * after the swap, and bad requests are refused with the field at fault.
 */
public abstract class ReindexContract {
    protected static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    /** An engine that is both a PostIndex and Rebuildable. */
    protected interface Engine extends AutoCloseable {
        PostIndex index();

        Rebuildable rebuild();

        @Override
        void close() throws IOException;
    }

    /** Opens an EMPTY engine analysing with {@code mappings}. */
    protected abstract Engine openEmpty(Mappings mappings) throws IOException;

    /** Opens the same data again with {@code mappings} (a restart with a new deploy of the mappings). */
    protected abstract Engine reopen(Engine old, Mappings mappings) throws IOException;

    @TempDir
    protected Path tmp;

    protected Engine engine;
    protected ReindexJobs jobs;

    @AfterEach
    void closeAll() throws IOException {
        if (jobs != null) jobs.close();
        if (engine != null) engine.close();
    }

    /** The indexer's real detector: the job detects every copied post's language again. */
    static final ScriptFirstDetector DETECTOR = new ScriptFirstDetector();

    ReindexJobs openJobs(Mappings mappings, String dirName) throws IOException {
        return ReindexJobs.open(
                engine.rebuild(),
                mappings,
                new ChangeFactory(DETECTOR, mappings)::fromPost,
                tmp.resolve(dirName),
                Clock.systemUTC());
    }

    static PostChange en(String id, long version, String text) {
        Post p = new Post(
                id,
                "u" + (Math.abs(id.hashCode()) % 13),
                text,
                null,
                T0.plusSeconds(Math.abs(id.hashCode()) % 100_000),
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                version,
                false);
        return PostChange.upsert(p, "en", "en");
    }

    /** The source of truth the writer keeps, as the app's database would: id → (version, deleted). */
    final Map<String, Reconciler.SourceRow> source = new ConcurrentHashMap<>();

    void write(List<PostChange> changes) throws IOException {
        engine.index().apply(changes);
        for (PostChange c : changes) source.put(c.id(), new Reconciler.SourceRow(c.id(), c.version(), c.deleted()));
    }

    void seed(int n) throws IOException {
        List<PostChange> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(en("s" + i, 1, "seed post " + i + " about rivers and mountains"));
        for (int i = 0; i < batch.size(); i += 500) write(batch.subList(i, Math.min(batch.size(), i + 500)));
    }

    ReindexRequest request(int batch, int throttle, String... groups) {
        return new ReindexRequest(List.of(groups), "index", throttle, batch, 60);
    }

    ReindexStatus await(String job, State... states) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            ReindexStatus s = jobs.status(job).orElseThrow();
            for (State st : states) if (s.state() == st) return s;
            if (s.state() == State.FAILED) throw new AssertionError("job failed: " + s.report());
            Thread.sleep(20);
        }
        throw new AssertionError("job " + job + " never reached " + List.of(states) + ": "
                + jobs.status(job).orElseThrow());
    }

    void assertMatchesSource() throws IOException {
        Reconciler.Report r = Reconciler.compare(source.values(), engine.index());
        assertThat(r.clean()).as(r.toString()).isTrue();
    }

    long hits(String text) throws IOException {
        return engine.index()
                .search(SearchQuery.builder()
                        .text(text)
                        .sort(SortOrder.RECENT)
                        .limit(5000)
                        .build())
                .hits()
                .size();
    }

    @Test
    void rebuildsAGroupWhileWritesAndSearchesGoOnLosingNothing() throws Exception {
        engine = openEmpty(Mappings.load());
        seed(2000);
        jobs = openJobs(Mappings.load(), "jobs");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong searches = new AtomicLong(), failures = new AtomicLong();
        List<Throwable> writerErrors = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    if (hits("rivers") == 0) failures.incrementAndGet(); // the seed posts are never all deleted
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
                searches.incrementAndGet();
            }
        });
        Thread writer = new Thread(() -> {
            Random rnd = new Random(7);
            int next = 0;
            try {
                while (!stop.get()) {
                    List<PostChange> batch = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                        int op = rnd.nextInt(3);
                        if (op == 0) batch.add(en("w" + next++, 1, "written during the rebuild " + next + " rivers"));
                        else {
                            String id = "s" + rnd.nextInt(2000);
                            Reconciler.SourceRow row = source.get(id);
                            long v = row.version() + 1;
                            batch.add(
                                    op == 1
                                            ? en(id, v, "edited during the rebuild rivers " + v)
                                            : PostChange.delete(id, v));
                            source.put(
                                    id, new Reconciler.SourceRow(id, v, op == 2)); // claim the version before writing
                        }
                    }
                    // keep only the newest change per id in a batch, as a source's ordering would
                    Map<String, PostChange> newest = new java.util.LinkedHashMap<>();
                    for (PostChange c : batch) newest.merge(c.id(), c, (a, b) -> b.version() >= a.version() ? b : a);
                    write(new ArrayList<>(newest.values()));
                    Thread.sleep(5);
                }
            } catch (Throwable e) {
                writerErrors.add(e);
            }
        });
        reader.start();
        writer.start();
        ReindexStatus s = jobs.start(request(100, 0, "en"));
        ReindexStatus done = await(s.job(), State.SWAPPED);
        Thread.sleep(200); // writes after the swap land on the new version (and the retained old one)
        stop.set(true);
        writer.join();
        reader.join();
        assertThat(writerErrors).isEmpty();
        assertThat(done.fromVersion()).containsEntry("en", 1);
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(2);
        assertThat(searches.get()).isPositive();
        assertThat(failures.get())
                .as("searches that failed or found nothing during the job")
                .isZero();
        assertMatchesSource();
    }

    @Test
    void aJobAbandonedMidCopyResumesFromItsLastPosition() throws Exception {
        engine = openEmpty(Mappings.load());
        seed(1500);
        jobs = openJobs(Mappings.load(), "jobs");
        ReindexStatus s = jobs.start(request(50, 1000, "en")); // throttled: ~1.5 s of copying
        while (jobs.status(s.job()).orElseThrow().copied() < 300) Thread.sleep(10);
        jobs.close(); // the process dies: its threads stop mid-copy, nothing is saved beyond the last batch
        write(List.of(en("late", 1, "written while no job ran rivers"), PostChange.delete("s3", 2)));
        ReindexStatus persisted = openJobs(Mappings.load(), "jobs-peek").list().stream()
                .findFirst()
                .orElse(null);
        assertThat(persisted).isNull(); // (another directory sees nothing: state lives in the job directory)
        jobs = openJobs(Mappings.load(), "jobs"); // restart resumes
        ReindexStatus done = await(s.job(), State.SWAPPED);
        assertThat(done.copied()).isGreaterThanOrEqualTo(1500);
        assertMatchesSource();
        assertThat(hits("rivers")).isEqualTo(1500 - 1 + 1);
    }

    @Test
    void cancelLeavesTheLiveVersionAloneAndRollbackRestoresThePreviousOne() throws Exception {
        engine = openEmpty(Mappings.load());
        seed(600);
        jobs = openJobs(Mappings.load(), "jobs");
        ReindexStatus slow = jobs.start(request(20, 200, "en"));
        await(slow.job(), State.RUNNING);
        assertThat(jobs.cancel(slow.job()).state()).isEqualTo(State.CANCELLED);
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(1);
        assertThat(hits("rivers")).isEqualTo(600);

        ReindexStatus s = jobs.start(request(200, 0, "en"));
        await(s.job(), State.SWAPPED);
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(2);
        write(List.of(en("after-swap", 1, "written after the swap rivers")));
        assertThat(jobs.rollback(s.job()).state()).isEqualTo(State.ROLLED_BACK);
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(1);
        assertThat(hits("rivers"))
                .as("the previous version kept receiving writes")
                .isEqualTo(601);
        assertMatchesSource();
    }

    @Test
    void anAnalyzerChangeShowsInSearchOnlyAfterTheSwap() throws Exception {
        engine = openEmpty(Mappings.load());
        write(List.of(en("r1", 1, "the rivers are wide")));
        assertThat(hits("river")).as("English stemming: river matches rivers").isEqualTo(1);

        // a new deploy drops the stemmer from English: "river" should no longer match "rivers", but not before the swap
        Mappings unstemmed = withoutEnglishStemmer(Mappings.load());
        engine = reopen(engine, unstemmed);
        assertThat(hits("river"))
                .as("the live version still has the old analysis")
                .isEqualTo(1);
        jobs = openJobs(unstemmed, "jobs");
        ReindexStatus s = jobs.start(request(100, 0, "en"));
        await(s.job(), State.SWAPPED);
        assertThat(hits("river")).as("after the swap the new analysis answers").isZero();
        assertThat(hits("rivers")).isEqualTo(1);
    }

    @Test
    void anIndexBuiltWithYesterdaysAnalysisIsUpgradedInPlaceWhileSearchesGoOn() throws Exception {
        // yesterday: English prose kept #tags as words, and Korean read Hanja as Hangul
        Mappings yesterday = yesterdaysEnglishAndKorean(Mappings.load());
        engine = openEmpty(yesterday);
        Post tagged = new Post(
                "ko-tag",
                "u1",
                "모든 사람은 권리를 가진다 #rights",
                null,
                T0,
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false);
        Post hangul = new Post(
                "ko-hangul",
                "u2",
                "모든 사람은 자유를 누린다",
                null,
                T0,
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                null,
                0,
                0,
                0,
                1,
                false);
        write(List.of(
                en("en-prose", 1, "human rights for everyone"),
                en("en-tag", 1, "a quiet evening #rights"),
                PostChange.upsert(tagged, "ko", "ko"),
                PostChange.upsert(hangul, "ko", "ko")));
        assertThat(proseHits("rights")).as("yesterday: a #tag was prose").contains("en-prose", "en-tag", "ko-tag");
        assertThat(proseHits("自由")).as("yesterday: 自由 read as 자유").contains("ko-hangul");

        // today's deploy: the live versions keep answering with yesterday's analysis until their swap
        engine = reopen(engine, Mappings.load());
        assertThat(proseHits("自由")).contains("ko-hangul");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong searches = new AtomicLong(), failures = new AtomicLong(), empty = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    // the English prose post matches under both analyses: never missing during the upgrade
                    if (!proseHits("rights").contains("en-prose")) empty.incrementAndGet();
                    searches.incrementAndGet();
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
        });
        reader.start();
        jobs = openJobs(Mappings.load(), "jobs");
        ReindexStatus s = jobs.start(request(2, 0, "en", "ko"));
        await(s.job(), State.SWAPPED);
        stop.set(true);
        reader.join();
        assertThat(failures.get()).as("failed searches during the upgrade").isZero();
        assertThat(empty.get()).as("searches that lost the prose match").isZero();
        assertThat(searches.get()).isPositive();

        // today: a #tag is a tag (matched after prose, at MatchBoosts.TAG_ONLY), and Hanja is not read as Hangul
        assertThat(proseHits("rights")).containsExactly("en-prose");
        assertThat(ids(SearchQuery.builder().text("rights"))).contains("en-prose", "en-tag", "ko-tag");
        assertThat(proseHits("自由")).doesNotContain("ko-hangul");
        assertMatchesSource();
    }

    /** Posts whose text (not a tag alone) matched {@code text}: scored above {@link dev.feedsearch.core.index.MatchBoosts#TAG_ONLY}. */
    List<String> proseHits(String text) throws IOException {
        return engine.index().search(SearchQuery.builder().text(text).limit(100).build()).hits().stream()
                .filter(h -> h.score() > dev.feedsearch.core.index.MatchBoosts.TAG_ONLY)
                .map(h -> h.post().post().id())
                .toList();
    }

    /** The English and Korean analysis as bundled before 2026-12-07: no hashtag char filter, nori_readingform. */
    static Mappings yesterdaysEnglishAndKorean(Mappings m) {
        for (String g : List.of("en", "ko")) {
            LanguageGroup group = m.group(g);
            ObjectNode analysis = (ObjectNode) group.analysis().deepCopy();
            analysis.remove("char_filter");
            analysis.path("analyzer").forEach(a -> ((ObjectNode) a).remove("char_filter"));
            if (g.equals("ko")) {
                var filters = (com.fasterxml.jackson.databind.node.ArrayNode)
                        analysis.path("analyzer").path("fs_ko").path("filter");
                filters.insert(0, "nori_readingform");
            }
            m = m.withGroup(
                    new LanguageGroup(group.name(), group.languages(), group.plugins(), analysis, group.fields()));
        }
        return m;
    }

    @Test
    void theCopyDetectsLanguagesAgainAndMovesPostsToTheirGroup() throws Exception {
        engine = openEmpty(Mappings.load());
        // as an older detector filed them: Japanese and Korean text in the English group
        write(List.of(
                en("ja1", 3, "世界人権宣言は、すべての人間が生まれながらにして自由であると述べている。"),
                en("ko1", 2, "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다"),
                en("en1", 1, "the rivers are wide and the mountains are high")));
        assertThat(ids(SearchQuery.builder().text("人権").lang("ja")))
                .as("filed as English before the job")
                .isEmpty();

        jobs = openJobs(Mappings.load(), "jobs");
        ReindexStatus done = await(jobs.start(request(100, 0, "en")).job(), State.SWAPPED);

        assertThat(done.regrouped()).isEqualTo(2);
        assertThat(groupAndLang("ja1")).containsExactly("ja", "ja");
        assertThat(groupAndLang("ko1")).containsExactly("ko", "ko");
        assertThat(groupAndLang("en1")).containsExactly("en", "en");
        assertThat(ids(SearchQuery.builder().text("人権").lang("ja"))).containsExactly("ja1");
        assertThat(ids(SearchQuery.builder().text("자유로우며").lang("ko"))).containsExactly("ko1");
        assertThat(ids(SearchQuery.builder().text("rivers").lang("en"))).containsExactly("en1");

        // the version registry moved with the posts: a stale edit is refused, a delete finds them in their new group
        write(List.of(en("ja1", 2, "an older English version rivers")));
        source.put("ja1", new Reconciler.SourceRow("ja1", 3, false)); // what the app's table still holds
        assertThat(groupAndLang("ja1")).containsExactly("ja", "ja");
        write(List.of(PostChange.delete("ja1", 4), PostChange.delete("ko1", 3)));
        assertThat(engine.index().get("ja1", null)).isEmpty();
        assertThat(engine.index().get("ko1", null)).isEmpty();
        assertThat(ids(SearchQuery.builder().text("人権"))).isEmpty();
        assertMatchesSource();
    }

    @Test
    void rebuildsFromTheSourceOfTruthWhileTheAppKeepsWriting() throws Exception {
        engine = openEmpty(Mappings.load());
        AmazonDynamoDBLocal local = startDynamoDbLocal();
        try {
            DynamoDbClient ddb = local.dynamoDbClient();
            DynamoDbTables.createPosts(ddb, "posts");
            // the stream path detects every change's language: so does this test, except where it says otherwise
            ChangeFactory stream = new ChangeFactory(DETECTOR, Mappings.load());
            // the table, and the index as the stream left it: in step for most posts, except
            List<PostChange> table = seedTable(ddb, stream, 400, "rivers and mountains");
            write(table.subList(0, 398)); // t398, t399: the stream has not delivered them yet
            PostChange newer = stream.fromPost(
                    en("t5", 2, "table post 5 edited about rivers").post());
            putPost(ddb, newer); // t5 v2: not streamed yet
            source.put("t5", new Reconciler.SourceRow("t5", 2, false));
            source.put("t398", new Reconciler.SourceRow("t398", 1, false));
            source.put("t399", new Reconciler.SourceRow("t399", 1, false));
            // an older detector filed this Japanese post as English
            PostChange ja = en("t-ja", 1, "世界人権宣言は、すべての人間が生まれながらにして自由であると述べている。");
            putPost(ddb, ja);
            write(List.of(ja));

            jobs = ReindexJobs.open(
                    engine.rebuild(),
                    Mappings.load(),
                    new ChangeFactory(DETECTOR, Mappings.load()),
                    new DynamoDbSnapshot(ddb, "posts"),
                    tmp.resolve("jobs"),
                    Clock.systemUTC());
            // the app keeps writing (table first, then its stream reaches the index) while the job reads the table
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> errors = new ArrayList<>();
            Thread app = new Thread(() -> {
                Random rnd = new Random(7);
                int next = 0;
                try {
                    while (!stop.get()) {
                        PostChange c = stream.fromPost((rnd.nextBoolean()
                                        ? en("app" + next++, 1, "written by the app " + next + " rivers")
                                        : en(
                                                "t" + (100 + rnd.nextInt(298)),
                                                10 + next++,
                                                "edited by the app rivers " + next))
                                .post());
                        putPost(ddb, c);
                        write(List.of(c));
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            app.start();
            ReindexStatus started = jobs.start(new ReindexRequest(List.of("en"), "source", 0, 50, 60));
            assertThat(started.total())
                    .as("the job counts the rows itself, not the request")
                    .isEqualTo(-1);
            ReindexStatus done = await(started.job(), State.SWAPPED);
            assertThat(done.total()).as("progress counts the table's rows").isGreaterThanOrEqualTo(401);
            stop.set(true);
            app.join();
            assertThat(errors).isEmpty();

            assertThat(done.regrouped())
                    .as("the Japanese post moved to its group")
                    .isEqualTo(1);
            assertThat(groupAndLang("t-ja")).containsExactly("ja", "ja");
            assertThat(engine.index().get("t5", null))
                    .get()
                    .extracting(p -> p.post().version())
                    .as("the table's newer version, which the stream had not delivered")
                    .isEqualTo(2L);
            assertThat(engine.index().get("t399", null))
                    .as("a row the stream had not delivered")
                    .isPresent();
            assertMatchesSource();
            assertThat(hits("rivers")).isGreaterThanOrEqualTo(400);
            assertThat(ids(SearchQuery.builder().text("人権").lang("ja"))).containsExactly("t-ja");
        } finally {
            local.shutdownNow();
        }
    }

    @Test
    void aSourceJobRestartedWithoutItsSourceWaitsPausedAndCancelDropsWhatItBuilt() throws Exception {
        engine = openEmpty(Mappings.load());
        AmazonDynamoDBLocal local = startDynamoDbLocal();
        try {
            DynamoDbClient ddb = local.dynamoDbClient();
            DynamoDbTables.createPosts(ddb, "posts");
            ChangeFactory stream = new ChangeFactory(DETECTOR, Mappings.load());
            write(seedTable(ddb, stream, 300, "rivers"));
            jobs = ReindexJobs.open(
                    engine.rebuild(),
                    Mappings.load(),
                    stream,
                    new DynamoDbSnapshot(ddb, "posts"),
                    tmp.resolve("jobs"),
                    Clock.systemUTC());
            ReindexStatus s = jobs.start(new ReindexRequest(List.of("en"), "source", 100, 20, 60)); // throttled: ~3 s
            while (jobs.status(s.job()).orElseThrow().copied() < 40) Thread.sleep(10);
            assertThat(jobs.status(s.job()).orElseThrow().total()).isEqualTo(300);
            jobs.close(); // the process dies mid-copy ...

            jobs = openJobs(Mappings.load(), "jobs"); // ... and comes back without --source
            ReindexStatus paused = await(s.job(), State.PAUSED);
            assertThat(paused.report()).contains("source of truth");
            assertThat(jobs.cancel(s.job()).state()).isEqualTo(State.CANCELLED);
            assertThat(engine.rebuild().servingVersion("en")).isEqualTo(1);
            write(List.of(en("after", 1, "written after the cancel rivers")));
            assertThat(hits("rivers")).isEqualTo(301);
            assertMatchesSource();
        } finally {
            local.shutdownNow();
        }
    }

    /** Posts t0..t(n-1) about {@code about}, put in the app's posts table as the stream path detects them. */
    static List<PostChange> seedTable(DynamoDbClient ddb, ChangeFactory stream, int n, String about) {
        List<PostChange> table = new ArrayList<>();
        for (int i = 0; i < n; i++)
            table.add(stream.fromPost(
                    en("t" + i, 1, "table post " + i + " about " + about).post()));
        table.forEach(c -> putPost(ddb, c));
        return table;
    }

    /** As the app writes a post: PutItem into its posts table. */
    static void putPost(DynamoDbClient ddb, PostChange c) {
        ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(PostJson.encode(c.post()))));
    }

    static AmazonDynamoDBLocal startDynamoDbLocal() {
        try {
            return DynamoDBEmbedded.create(true); // true: telemetry off
        } catch (Throwable t) {
            throw new AssertionError("DynamoDB Local (embedded) could not start: " + t, t);
        }
    }

    List<String> ids(SearchQuery.Builder q) throws IOException {
        return engine.index().search(q.sort(SortOrder.RECENT).limit(100).build()).hits().stream()
                .map(h -> h.post().post().id())
                .toList();
    }

    List<String> groupAndLang(String id) throws IOException {
        var p = engine.index().get(id, null).orElseThrow(() -> new AssertionError(id + " is not in the index"));
        return List.of(p.group(), p.lang());
    }

    static Mappings withoutEnglishStemmer(Mappings m) {
        LanguageGroup en = m.group("en");
        ObjectNode analysis = (ObjectNode) en.analysis();
        var filters = (com.fasterxml.jackson.databind.node.ArrayNode)
                analysis.path("analyzer").path("fs_en").path("filter");
        for (int i = filters.size() - 1; i >= 0; i--)
            if (filters.get(i).asText().equals("en_stem")) filters.remove(i);
        return m.withGroup(new LanguageGroup(en.name(), en.languages(), en.plugins(), analysis, en.fields()));
    }

    @Test
    void badRequestsNameTheFieldAtFault() throws Exception {
        engine = openEmpty(Mappings.load());
        seed(300);
        jobs = openJobs(Mappings.load(), "jobs");
        assertThatThrownBy(() -> jobs.start(request(100, 0, "klingon")))
                .isInstanceOfSatisfying(ReindexException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ReindexException.Kind.BAD_REQUEST);
                    assertThat(e.field()).isEqualTo("groups");
                });
        assertThatThrownBy(() -> jobs.start(new ReindexRequest(List.of("en"), "source", 0, 100, 60)))
                .as("this process reads no source of truth")
                .isInstanceOfSatisfying(
                        ReindexException.class, e -> assertThat(e.field()).isEqualTo("from"));
        assertThatThrownBy(() -> jobs.start(new ReindexRequest(List.of("en"), "elsewhere", 0, 100, 60)))
                .isInstanceOfSatisfying(
                        ReindexException.class, e -> assertThat(e.field()).isEqualTo("from"));
        ReindexStatus running = jobs.start(request(10, 100, "en"));
        assertThatThrownBy(() -> jobs.start(request(100, 0, "de", "en")))
                .isInstanceOfSatisfying(
                        ReindexException.class, e -> assertThat(e.kind()).isEqualTo(ReindexException.Kind.CONFLICT))
                .hasMessageContaining(running.job());
        assertThatThrownBy(() -> jobs.rollback(running.job()))
                .isInstanceOfSatisfying(
                        ReindexException.class, e -> assertThat(e.kind()).isEqualTo(ReindexException.Kind.CONFLICT));
        assertThatThrownBy(() -> jobs.status("nope").orElseThrow())
                .isInstanceOf(java.util.NoSuchElementException.class);
        jobs.cancel(running.job());
    }
}
