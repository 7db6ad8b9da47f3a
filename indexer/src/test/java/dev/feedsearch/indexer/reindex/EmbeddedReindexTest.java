package dev.feedsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.embedded.EmbeddedPostIndex;
import dev.feedsearch.core.index.PostIndex;
import dev.feedsearch.core.reindex.Rebuildable;
import dev.feedsearch.core.reindex.ReindexStatus.State;
import dev.feedsearch.mappings.Mappings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reindex job on the embedded engine: a new version of a group is a new set of text fields in the same Lucene index. */
class EmbeddedReindexTest extends ReindexContract {

    record LuceneEngine(EmbeddedPostIndex lucene, GroupAnalyzers analyzers) implements Engine {
        public PostIndex index() {
            return lucene;
        }

        public Rebuildable rebuild() {
            return lucene.rebuilds().orElseThrow();
        }

        public void close() throws IOException {
            try {
                lucene.close();
            } finally {
                analyzers.close();
            }
        }
    }

    private Path indexDir() {
        return tmp.resolve("index");
    }

    private LuceneEngine open(Mappings mappings) throws IOException {
        GroupAnalyzers analyzers = GroupAnalyzers.build(mappings);
        try {
            return new LuceneEngine(EmbeddedPostIndex.open(indexDir(), analyzers), analyzers);
        } catch (IOException | RuntimeException e) {
            analyzers.close();
            throw e;
        }
    }

    @Override
    protected Engine openEmpty(Mappings mappings) throws IOException {
        return open(mappings);
    }

    @Override
    protected Engine reopen(Engine old, Mappings mappings) throws IOException {
        old.close();
        return open(mappings);
    }

    @Test
    void theVersionsAndTheirAnalysisSurviveARestartWithOtherMappings() throws Exception {
        engine = openEmpty(Mappings.load());
        write(List.of(en("r1", 1, "the rivers are wide")));
        Mappings unstemmed = withoutEnglishStemmer(Mappings.load());
        engine = reopen(engine, unstemmed);
        jobs = openJobs(unstemmed, "jobs");
        await(jobs.start(request(100, 0, "en")).job(), State.SWAPPED);
        jobs.close();
        jobs = null;

        // the bundled (stemmed) mappings are deployed again: the serving version keeps the definition it was built with
        engine = reopen(engine, Mappings.load());
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(2);
        assertThat(hits("river"))
                .as("v2 is unstemmed whatever the mappings say now")
                .isZero();
        write(List.of(en("r2", 1, "rivers flow")));
        assertThat(hits("river"))
                .as("new posts too are analysed by v2's own definition")
                .isZero();
        assertThat(hits("rivers")).isEqualTo(2);
        assertThat(engine.rebuild().digest("en", 2)).isEqualTo(engine.rebuild().registryDigest("en"));

        // the retained v1 (stemmed) kept receiving writes across the restart: rolling back finds both posts by stem
        engine.rebuild().whileWritesPaused(() -> {
            engine.rebuild().swap("en", 1);
            return null;
        });
        engine.rebuild().drop("en", 2);
        assertThat(hits("river")).isEqualTo(2);
        engine = reopen(engine, unstemmed);
        assertThat(engine.rebuild().servingVersion("en")).isEqualTo(1);
        assertThat(hits("river"))
                .as("v1 is stemmed whatever the mappings say now")
                .isEqualTo(2);
        assertMatchesSource();
    }
}
