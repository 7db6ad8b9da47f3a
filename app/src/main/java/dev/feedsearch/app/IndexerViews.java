package dev.feedsearch.app;

import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterReplayer;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import dev.feedsearch.query.admin.IndexerView;

import java.io.IOException;
import java.util.ArrayList;
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
        return rt.deadLetters.lines().size();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) throws IOException {
        List<JsonlDeadLetterStore.StoredLine> lines = rt.deadLetters.lines();
        List<DeadLetter> out = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && out.size() < limit; i--) {
            JsonlDeadLetterStore.StoredLine l = lines.get(i);
            DeadLetterEntry e = l.entry();
            if (e == null) {
                out.add(new DeadLetter(l.number(), null, null, null, null, "unreadable line: " + l.problem(), null));
            } else {
                String raw = e.raw() == null || e.raw().length() <= RAW_CHARS ? e.raw() : e.raw().substring(0, RAW_CHARS) + "…";
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
