package dev.feedsearch.app;

import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterReplayer;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.query.admin.IndexerView;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The operations endpoints' view of this process's change streams and dead-letter file. */
final class IndexerViews implements IndexerView {
    /** A raw record is shown up to this many characters: enough to recognise it, not a 64 MiB line in a poll. */
    private static final int RAW_CHARS = 2_000;

    private final EngineRuntime rt;
    private final ChangeStreams streams;

    IndexerViews(EngineRuntime rt, ChangeStreams streams) {
        this.rt = rt;
        this.streams = streams;
    }

    @Override
    public List<Stream> streams() throws IOException {
        return streams.views();
    }

    @Override
    public long deadLetterCount() throws IOException {
        long[] n = {0};
        rt.deadLetters.scan(line -> n[0]++);
        return n[0];
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) throws IOException {
        // one pass keeping only the last lines: a large file is never held whole
        ArrayDeque<JsonlDeadLetterStore.StoredLine> last = new ArrayDeque<>(limit + 1);
        rt.deadLetters.scan(line -> {
            last.addLast(line);
            if (last.size() > limit) last.removeFirst();
        });
        List<DeadLetter> out = new ArrayList<>();
        for (Iterator<JsonlDeadLetterStore.StoredLine> it = last.descendingIterator(); it.hasNext(); ) {
            JsonlDeadLetterStore.StoredLine l = it.next();
            DeadLetterEntry e = l.entry();
            if (e == null) {
                out.add(new DeadLetter(l.number(), null, null, null, null, "unreadable line: " + l.problem(), null));
            } else {
                String raw = e.raw() == null || e.raw().length() <= RAW_CHARS
                        ? e.raw()
                        : e.raw().substring(0, RAW_CHARS) + "…";
                out.add(new DeadLetter(l.number(), e.at(), e.source(), e.position(), e.field(), e.reason(), raw));
            }
        }
        return out;
    }

    @Override
    public Replay replayDeadLetters() throws IOException {
        DeadLetterReplayer.Report r = DeadLetterReplayer.replay(rt.deadLetters, rt.changes, rt.index);
        return new Replay(r.replayed(), r.remaining(), r.unreadable());
    }
}
