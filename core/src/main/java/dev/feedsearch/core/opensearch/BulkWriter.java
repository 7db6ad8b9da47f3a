package dev.feedsearch.core.opensearch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code _bulk} requests and sorts every item into done, conflict (an external version that is not newer:
 * the write was stale, not an error) or rejected for good. Items answered 429 or 5xx, and whole requests that
 * fail on the wire or with 429/5xx, are retried with exponential backoff and full jitter; when the attempts run
 * out the call fails, so the caller does not checkpoint past writes that never landed.
 */
final class BulkWriter {
    private static final Logger log = LoggerFactory.getLogger(BulkWriter.class);

    enum Outcome {
        DONE,
        CONFLICT,
        REJECTED
    }

    /** What happened to one operation; {@code reason} is set for REJECTED. */
    record Result(Outcome outcome, String reason) {}

    private final OpenSearchClient client;
    private final OpenSearchConfig cfg;
    private final Sleeper sleeper;
    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();

    /** Waits between attempts; a seam so the retry test need not sleep for real. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    BulkWriter(OpenSearchClient client, OpenSearchConfig cfg) {
        this(client, cfg, Thread::sleep);
    }

    BulkWriter(OpenSearchClient client, OpenSearchConfig cfg, Sleeper sleeper) {
        this.client = client;
        this.cfg = cfg;
        this.sleeper = sleeper;
    }

    /**
     * Results in the order of {@code ops}. With {@code wait_for}, the chunks go out together: each waits for the
     * next scheduled refresh of the shards it wrote, so one after the other would wait one refresh interval per
     * chunk, while together they share one. That is safe because an apply sends each (index, id) once, so no two
     * chunks order the same document (and external versions would order them if they did).
     */
    List<Result> write(List<BulkOperation> ops, Refresh refresh) throws IOException {
        Result[] results = new Result[ops.size()];
        int chunks = (ops.size() + cfg.bulkBatch() - 1) / cfg.bulkBatch();
        if (refresh != Refresh.WaitFor || chunks < 2) {
            for (int from = 0; from < ops.size(); from += cfg.bulkBatch()) {
                writeChunk(ops, from, Math.min(ops.size(), from + cfg.bulkBatch()), results, refresh);
            }
            return List.of(results);
        }
        try (ExecutorService together = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>(chunks);
            for (int from = 0; from < ops.size(); from += cfg.bulkBatch()) {
                int f = from, to = Math.min(ops.size(), from + cfg.bulkBatch());
                sent.add(together.submit(() -> {
                    writeChunk(ops, f, to, results, refresh);
                    return null;
                }));
            }
            IOException failed = null;
            for (Future<?> chunk : sent) { // every chunk settles before the apply answers, failed or not
                try {
                    chunk.get();
                } catch (ExecutionException e) {
                    IOException why = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                    if (failed == null) failed = why;
                    else failed.addSuppressed(why);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while bulk chunks were in flight");
                }
            }
            if (failed != null) throw failed;
        }
        return List.of(results);
    }

    private void writeChunk(List<BulkOperation> ops, int from, int to, Result[] results, Refresh refresh)
            throws IOException {
        List<Integer> pending = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) pending.add(i);
        String lastError = null;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                if (attempt > cfg.maxAttempts()) {
                    throw new IOException(pending.size() + " bulk items still failing after " + cfg.maxAttempts()
                            + " attempts; last error: " + lastError);
                }
                retries.incrementAndGet();
                backoff(attempt);
            }
            List<BulkOperation> batch = pending.stream().map(ops::get).toList();
            BulkResponse resp;
            try {
                resp = client.bulk(b -> b.operations(batch).refresh(refresh));
            } catch (OpenSearchException e) {
                if (!retryable(e.status())) throw new IOException("bulk request rejected: " + e.getMessage(), e);
                lastError = e.getMessage();
                continue;
            } catch (IOException e) { // TransportException included
                lastError = e.toString(); // connection refused, reset, timeout: the whole request again
                continue;
            }
            List<Integer> retry = new ArrayList<>();
            List<BulkResponseItem> items = resp.items();
            for (int k = 0; k < items.size(); k++) {
                BulkResponseItem item = items.get(k);
                int i = pending.get(k);
                int status = item.status();
                ErrorCause err = item.error();
                if (err == null || (status == 404 && isDelete(ops.get(i)))) {
                    results[i] = new Result(Outcome.DONE, null); // deleting what is not there is done
                } else if (status == 409) {
                    results[i] = new Result(Outcome.CONFLICT, null);
                } else if (retryable(status)) {
                    retry.add(i);
                    lastError = status + " " + err.type() + ": " + err.reason();
                } else {
                    results[i] = new Result(Outcome.REJECTED, status + " " + err.type() + ": " + err.reason());
                }
            }
            if (!retry.isEmpty())
                log.warn("bulk: {} of {} items to retry ({})", retry.size(), pending.size(), lastError);
            pending = retry;
        }
    }

    private static boolean isDelete(BulkOperation op) {
        return op.isDelete();
    }

    /** A request of the write path that may be re-sent as is. */
    interface Call<T> {
        T call() throws IOException;
    }

    /**
     * Runs a whole request of the write path (the version lookup before a bulk) with the same retry policy:
     * overload (429), server errors and wire failures are retried with backoff, anything else fails at once.
     */
    <T> T retrying(String what, Call<T> call) throws IOException {
        String lastError = null;
        for (int attempt = 1; attempt <= cfg.maxAttempts(); attempt++) {
            if (attempt > 1) {
                retries.incrementAndGet();
                backoff(attempt);
            }
            try {
                return call.call();
            } catch (OpenSearchException e) {
                if (!retryable(e.status())) throw new IOException(what + " rejected: " + e.getMessage(), e);
                lastError = e.getMessage();
            } catch (IOException e) {
                lastError = e.getMessage(); // a 429/5xx answer the client reports as ResponseException, or the wire
            }
        }
        throw new IOException(
                what + " still failing after " + cfg.maxAttempts() + " attempts; last error: " + lastError);
    }

    /** Attempts made after a first one failed (per chunk), since start. */
    long retries() {
        return retries.get();
    }

    static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    private void backoff(int attempt) throws IOException {
        long cap = cfg.backoff().toMillis() << Math.min(attempt - 2, 10);
        try {
            sleeper.sleep(ThreadLocalRandom.current().nextLong(cap + 1)); // full jitter: spread retries of many writers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while backing off", e);
        }
    }
}
