package dev.feedsearch.core.reindex;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** What operators can do with reindex jobs: the seam between the job (indexer) and its front ends (HTTP, CLI). */
public interface ReindexControl {
    ReindexStatus start(ReindexRequest request) throws ReindexException, IOException;

    Optional<ReindexStatus> status(String job);

    /** Every job this process knows, newest first. */
    List<ReindexStatus> list();

    ReindexStatus pause(String job) throws ReindexException, IOException;

    ReindexStatus resume(String job) throws ReindexException, IOException;

    ReindexStatus cancel(String job) throws ReindexException, IOException;

    ReindexStatus rollback(String job) throws ReindexException, IOException;
}
