package dev.feedsearch.app;

import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterReplayer;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Inspect and replay the dead-letter file of a data directory (replay writes to the chosen engine). */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay dead-lettered records.",
        subcommands = {DlqCommand.ListCmd.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand {

    static class Location {
        @Option(names = "--data-dir", defaultValue = "data", description = "Embedded data directory (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--dead-letter", description = "Dead-letter file (default: <data-dir>/dead-letter.jsonl)")
        Path file;

        Path file() {
            return file != null ? file : dataDir.resolve("dead-letter.jsonl");
        }

        List<DeadLetterEntry> entries() throws Exception {
            Path f = file();
            if (!Files.exists(f)) return List.of();
            try (JsonlDeadLetterStore s = new JsonlDeadLetterStore(f)) {
                return s.list();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per dead letter: number, time, source, position, field, reason.")
    static final class ListCmd implements Callable<Integer> {
        @picocli.CommandLine.Mixin Location loc;

        @Override
        public Integer call() throws Exception {
            List<DeadLetterEntry> entries = loc.entries();
            for (int i = 0; i < entries.size(); i++) {
                DeadLetterEntry e = entries.get(i);
                System.out.printf("%d\t%s\t%s\t%s\t%s\t%s%n", i + 1, e.at(), e.source(), e.position(),
                        e.field() == null ? "-" : e.field(), e.reason());
            }
            System.err.println(entries.size() + " dead letters in " + loc.file());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything about dead letter N (as numbered by list), raw record included.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin Location loc;

        @Parameters(paramLabel = "N")
        int n;

        @Override
        public Integer call() throws Exception {
            List<DeadLetterEntry> entries = loc.entries();
            if (n < 1 || n > entries.size()) throw new IllegalArgumentException("no dead letter " + n + " (there are " + entries.size() + ")");
            DeadLetterEntry e = entries.get(n - 1);
            System.out.printf("at:       %s%nsource:   %s%nposition: %s%nfield:    %s%nreason:   %s%nraw:      %s%nrecord:   %s%n",
                    e.at(), e.source(), e.position(), e.field(), e.reason(), e.raw(), e.record());
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Re-submit every dead letter (fix the file or the code first); those that now pass are indexed and removed.")
    static final class Replay implements Callable<Integer> {
        @picocli.CommandLine.Mixin EngineOptions engine;

        @Option(names = "--dead-letter", description = "Dead-letter file (default: <data-dir>/dead-letter.jsonl)")
        Path file;

        @Override
        public Integer call() throws Exception {
            try (EngineRuntime rt = EngineRuntime.open(engine, file)) {
                DeadLetterReplayer.Report r = DeadLetterReplayer.replay(rt.deadLetters, rt.changes, rt.index);
                System.out.printf("replayed %d, %d still failing (see dlq list)%n", r.replayed(), r.remaining());
                return r.remaining() == 0 ? 0 : 3;
            }
        }
    }
}
