package dev.feedsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.lang.ScriptFirstDetector;
import dev.feedsearch.core.model.IndexChange;
import dev.feedsearch.core.model.PostChange;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.core.reindex.ReindexRequest;
import dev.feedsearch.core.reindex.ReindexStatus;
import dev.feedsearch.indexer.ChangeFactory;
import dev.feedsearch.indexer.reindex.ReindexJobs;
import dev.feedsearch.mappings.Mappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The reindex job on the embedded engine: the same posts first ingested through {@code apply} in batches (the
 * ingest ceiling of this run), then every group rebuilt while searches run; docs/s against that ceiling, and
 * search p50/p99 during the rebuild against idle. Usage: EmbeddedReindexRun CORPUS.jsonl POSTS OUT.md
 */
public final class EmbeddedReindexRun {
    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        int posts = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Mappings m = Mappings.load();
        ChangeFactory factory = new ChangeFactory(new ScriptFirstDetector(), m);
        List<PostChange> changes = new ArrayList<>();
        for (String line : Files.readAllLines(corpus)) {
            if (changes.size() == posts) break;
            JsonNode n = PostJson.MAPPER.readTree(line);
            if (PostJson.kindOf(n) != PostJson.Kind.POST || n.path("deleted").asBoolean(false)) continue;
            IndexChange c = factory.fromJson(n);
            if (c instanceof PostChange pc) changes.add(pc);
        }
        Path dir = Files.createTempDirectory("reindex-embedded");
        GroupAnalyzers analyzers = GroupAnalyzers.build(m);
        analyzers.warmUp();
        try (EmbeddedPostIndex index = EmbeddedPostIndex.open(dir.resolve("index"), analyzers);
                ReindexJobs jobs = ReindexJobs.open(
                        index.rebuilds().orElseThrow(), m, factory::fromPost, dir.resolve("jobs"), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < changes.size(); i += 1000)
                index.apply(changes.subList(i, Math.min(changes.size(), i + 1000)));
            index.commit();
            double ingest = changes.size() / ((System.nanoTime() - t0) / 1e9);

            List<SearchQuery> qs = new ArrayList<>();
            for (String q : BenchQueries.QUERIES)
                qs.add(SearchQuery.builder().text(q).limit(20).build());
            Histogram idle = new Histogram(3), during = new Histogram(3);
            for (int r = 0; r < 40; r++) for (SearchQuery q : qs) time(index, q, r < 10 ? null : idle);
            List<String> groups = new ArrayList<>();
            m.groups().forEach(g -> groups.add(g.name()));
            long t1 = System.nanoTime();
            ReindexStatus job = jobs.start(new ReindexRequest(groups, "index", 0, 1000, 0));
            int i = 0;
            while (jobs.status(job.job()).orElseThrow().state() == ReindexStatus.State.RUNNING)
                time(index, qs.get(i++ % qs.size()), during);
            double seconds = (System.nanoTime() - t1) / 1e9;
            ReindexStatus done = jobs.status(job.job()).orElseThrow();
            if (done.state() != ReindexStatus.State.SWAPPED && done.state() != ReindexStatus.State.DONE) {
                throw new IllegalStateException("reindex ended " + done.state() + ": " + done.report());
            }
            double rate = done.copied() / seconds;
            String md = String.format(
                    Locale.ROOT,
                    """
                    ## Reindex on the embedded engine (%,d posts, every group, verified and swapped), searches running throughout

                    | what | value |
                    |---|---|
                    | reindex docs/s (copy + verify + swap) | %,.0f |
                    | ingest ceiling of this run: the same posts through `apply`, batches of 1000 | %,.0f |
                    | reindex ÷ ingest | %.0f%% |
                    | search p50 / p99 idle (ms) | %.2f / %.2f |
                    | search p50 / p99 during the reindex (ms) | %.2f / %.2f (%d searches) |
                    """,
                    done.copied(),
                    rate,
                    ingest,
                    100 * rate / ingest,
                    idle.getValueAtPercentile(50) / 1000.0,
                    idle.getValueAtPercentile(99) / 1000.0,
                    during.getValueAtPercentile(50) / 1000.0,
                    during.getValueAtPercentile(99) / 1000.0,
                    during.getTotalCount());
            Files.writeString(out, md);
            System.out.print(md);
        }
    }

    private static void time(EmbeddedPostIndex index, SearchQuery q, Histogram h) throws Exception {
        long t0 = System.nanoTime();
        index.search(q);
        if (h != null) h.recordValue((System.nanoTime() - t0) / 1000);
    }
}
