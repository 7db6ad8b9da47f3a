package dev.feedsearch.app;

import dev.feedsearch.indexer.DeadLetterEntry;
import dev.feedsearch.indexer.DeadLetterReplayer;
import dev.feedsearch.indexer.JsonlDeadLetterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Inspect and replay the dead-letter file of a data directory (replay writes to the chosen engine). */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Inspect and replay dead-lettered records.",
        subcommands = {DlqCommand.ListCmd.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand {

    static class Location {
        @Option(
                names = "--data-dir",
                defaultValue = "data",
                description = "Embedded data directory (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Option(names = "--dead-letter", description = "Dead-letter file (default: <data-dir>/dead-letter.jsonl)")
        Path file;

        Path file() {
            return file != null ? file : dataDir.resolve("dead-letter.jsonl");
        }

        /**
         * Visits every readable entry with its number (as list numbers them), one at a time: a file of many large
         * entries is never held whole. Returns how many lines hold no entry (kept as they are; replay keeps them too).
         */
        int forEach(EntryVisitor visitor) throws Exception {
            Path f = file();
            if (!Files.exists(f)) return 0;
            int[] n = {0}, unreadable = {0};
            JsonlDeadLetterStore.read(f, line -> {
                if (line.readable()) visitor.visit(++n[0], line.entry());
                else unreadable[0]++;
            });
            return unreadable[0];
        }
    }

    @FunctionalInterface
    interface EntryVisitor {
        void visit(int number, DeadLetterEntry e) throws IOException;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "One line per dead letter: number, time, source, position, field, reason.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        Location loc;

        @Override
        public Integer call() throws Exception {
            int[] count = {0};
            int unreadable = loc.forEach((i, e) -> {
                count[0] = i;
                System.out.printf(
                        "%d\t%s\t%s\t%s\t%s\t%s%n",
                        i, e.at(), e.source(), e.position(), e.field() == null ? "-" : e.field(), e.reason());
            });
            System.err.println(count[0] + " dead letters in " + loc.file()
                    + (unreadable == 0
                            ? ""
                            : " (and " + unreadable + " lines that hold no readable entry, kept as they are)"));
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Everything about dead letter N (as numbered by list), raw record included.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Location loc;

        @Parameters(paramLabel = "N")
        int n;

        @Override
        public Integer call() throws Exception {
            DeadLetterEntry[] found = {null};
            int[] count = {0};
            loc.forEach((i, e) -> {
                count[0] = i;
                if (i == n) found[0] = e;
            });
            if (found[0] == null)
                throw new IllegalArgumentException("no dead letter " + n + " (there are " + count[0] + ")");
            DeadLetterEntry e = found[0];
            System.out.printf(
                    "at:       %s%nsource:   %s%nposition: %s%nfield:    %s%nreason:   %s%nraw:      %s%nrecord:   %s%n",
                    e.at(),
                    e.source(),
                    e.position(),
                    e.field(),
                    e.reason(),
                    e.raw(),
                    e.record() == null ? "(the raw record)" : e.record());
            return 0;
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description =
                    "Re-submit every dead letter (fix the file or the code first); those that now pass are indexed and removed.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Option(names = "--dead-letter", description = "Dead-letter file (default: <data-dir>/dead-letter.jsonl)")
        Path file;

        @Mixin
        WriterOptions writer;

        @Override
        public Integer call() throws Exception {
            try (EngineRuntime rt = EngineRuntime.open(engine, file)) {
                rt.becomeWriter(writer, "dlq replay");
                DeadLetterReplayer.Report r = DeadLetterReplayer.replay(rt.deadLetters, rt.changes, rt.index);
                System.out.printf(
                        "replayed %d, %d still failing (see dlq list)%s%n",
                        r.replayed(),
                        r.remaining(),
                        r.unreadable() == 0
                                ? ""
                                : "; " + r.unreadable() + " lines hold no readable entry and were kept as they are");
                return r.remaining() == 0 ? 0 : 3;
            }
        }
    }
}
