package dev.feedsearch.app;

import dev.feedsearch.indexer.IngestReport;
import dev.feedsearch.query.FeedsearchServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Embedded engine with the bundled multilingual sample, served on 127.0.0.1.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7070", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--live", description = "Keep changing posts (needs the change-stream indexer; not in this build yet)")
    boolean live;

    @Override
    public Integer call() throws Exception {
        if (live) throw new IllegalArgumentException("--live needs the change-stream indexer, which this build does not have yet");
        Path dir = Files.createTempDirectory("feedsearch-demo-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        Path sample = dir.resolve("posts.jsonl");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/sample/posts.jsonl")) {
            if (in == null) throw new IllegalStateException("the bundled sample is missing from this build");
            Files.copy(in, sample, StandardCopyOption.REPLACE_EXISTING);
        }
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dir.resolve("data"), null)) {
            IngestReport r = IngestCommand.load(rt, sample, 1_000, System.err);
            try (FeedsearchServer server = FeedsearchServer.builder().index(rt.index).languages(rt.filterLanguages())
                    .port(port).build().start()) {
                String base = "http://127.0.0.1:" + server.port();
                System.out.printf("%nfeedsearch demo: %d posts and %d follow edges from the bundled UDHR sample, embedded engine%n",
                        r.posts(), r.follows());
                System.out.println("try:");
                System.out.println("  curl -s '" + base + "/v1/search?q=%E4%BA%BA%E6%A8%A9'                    # 人権 (Japanese: human rights)");
                System.out.println("  curl -s '" + base + "/v1/search?q=%E0%B8%AA%E0%B8%B4%E0%B8%97%E0%B8%98%E0%B8%B4'  # สิทธิ (Thai: rights)");
                System.out.println("  curl -s '" + base + "/v1/search?q=Menschenrechte&lang=de'          # German, stemmed");
                System.out.println("  curl -s '" + base + "/v1/search?q=freedom&sort=recent&limit=5'");
                System.out.println("  curl -s '" + base + "/v1/posts/p1'");
                System.out.println("  curl -s '" + base + "/openapi.json'");
                System.out.println("Ctrl-C stops the demo.");
                ServeCommand.awaitShutdown();
            }
        }
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp dir left behind is harmless
        }
    }
}
