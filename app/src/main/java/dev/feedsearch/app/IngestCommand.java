package dev.feedsearch.app;

import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.indexer.JsonlIngester;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Bulk-load posts and follow edges from a JSONL file (bad lines go to the dead-letter file).")
final class IngestCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Option(names = "--dead-letter", description = "Dead-letter file (default: <data-dir>/dead-letter.jsonl)")
    Path deadLetter;

    @Option(
            names = "--batch",
            defaultValue = "2000",
            description = "Changes per index batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    WriterOptions writer;

    @Parameters(paramLabel = "FILE.jsonl")
    Path file;

    @Override
    public Integer call() throws Exception {
        engine.embedded(); // a bad --engine is named before anything else
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        try (EngineRuntime rt = EngineRuntime.open(engine, deadLetter)) {
            rt.becomeWriter(writer, "ingest " + file.getFileName());
            IngestReport r = load(rt, file, batch);
            System.out.printf(
                    "ingested %s: %d lines, %d posts, %d follow edges, %d deletes, %d stale, %d dead-lettered, %d blank%n",
                    file, r.lines(), r.posts(), r.follows(), r.deletes(), r.stale(), r.deadLettered(), r.blank());
            if (r.deadLettered() > 0)
                System.out.println("dead letters (line number and reason) in " + rt.deadLetters.file());
            return 0;
        }
    }

    static IngestReport load(EngineRuntime rt, Path file, int batch) throws Exception {
        JsonlIngester ingester = new JsonlIngester(rt.changes, rt.index, rt.deadLetters, batch);
        try (ProgressBar bar = Progress.bar("ingest", Files.size(file), " KiB", 1024)) {
            return ingester.ingest(file, bar::stepTo);
        }
    }
}
