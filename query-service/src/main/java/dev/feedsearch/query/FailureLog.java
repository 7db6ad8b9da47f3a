package dev.feedsearch.query;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an unexpected failure's stack trace once a minute per route and exception type, and a one-line summary in
 * between: every 500 is still counted and seen, but a client repeating one cannot flood the log with traces.
 */
final class FailureLog {
    private static final Logger log = LoggerFactory.getLogger(FeedsearchServer.class);
    private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ConcurrentHashMap<String, Long> lastTrace = new ConcurrentHashMap<>();

    void log(String route, Exception e) {
        String key = route + ' ' + e.getClass().getName();
        long now = System.nanoTime();
        boolean[] trace = {false};
        lastTrace.compute(key, (k, last) -> {
            if (last == null || now - last >= EVERY_NANOS) {
                trace[0] = true;
                return now;
            }
            return last;
        });
        if (trace[0]) {
            log.error("request {} failed", route, e);
        } else {
            log.error("request {} failed: {} (stack trace logged at most once a minute)", route, e.toString());
        }
        if (lastTrace.size() > 10_000) lastTrace.clear(); // paths with ids in them: keep the map bounded
    }
}
