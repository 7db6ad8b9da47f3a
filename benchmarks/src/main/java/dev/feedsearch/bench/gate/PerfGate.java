package dev.feedsearch.bench.gate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The performance gate (run by bin/perf, which prepares the corpus, the index and an OpenSearch node). Every probe
 * measures its ratios in rounds, the probes' rounds interleaved, and the gate judges each ratio's median against
 * benchmarks/gate.json and the accepted levels. Exit status 1 when any metric fails, 2 on a usage error.
 */
@Command(
        name = "bin/perf",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Measures each gated ratio against a baseline in the same run and fails on a limit or a regression.")
public final class PerfGate implements Callable<Integer> {

    /** Every probe, in the order their rounds run. */
    static final List<Supplier<Probe>> PROBES = List.of(
            SearchProbe::new,
            HttpProbe::new,
            RankingProbe::new,
            DetectionProbe::new,
            IngestProbe::new,
            OpenSearchProbe::new);

    @Option(names = "--quick", description = "CI mode: smaller data, 3 short rounds (at most 8 minutes on 2 cores)")
    boolean quick;

    @Option(
            names = "--list",
            description =
                    "Print each gated metric (NAME <= VALUE or NAME >= VALUE) with its reason, then what is recorded but not gated")
    boolean list;

    @Option(
            names = "--threshold",
            paramLabel = "NAME=VALUE",
            description = "Override one metric's threshold for this run (repeatable)")
    Map<String, Double> overrides = new LinkedHashMap<>();

    @Option(
            names = "--baseline",
            paramLabel = "FILE",
            description = "Accepted levels (default: benchmarks/results/gate-baseline.json)")
    Path baseline;

    @Option(names = "--update-baseline", description = "Accept this run's medians and spreads as the new levels")
    boolean updateBaseline;

    @Option(
            names = "--only",
            paramLabel = "PROBE",
            split = ",",
            description = "Run only these probes (by name; see --list)")
    List<String> only = new ArrayList<>();

    @Option(names = "--rounds", description = "Rounds per probe (default: 3 quick, 5 full; at least 3)")
    Integer rounds;

    @Option(names = "--seconds", description = "Seconds per side of a ratio in one round (default: 2 quick, 4 full)")
    Double seconds;

    @Option(names = "--corpus", description = "The generated corpus (JSONL)")
    Path corpus;

    @Option(names = "--index", description = "An embedded index built from the corpus by ingest")
    Path index;

    @Option(names = "--posts", description = "How many posts the corpus holds")
    int posts;

    @Option(names = "--gate", description = "Thresholds (default: benchmarks/gate.json)")
    Path gateFile;

    @Option(names = "--out", description = "Results directory (default: benchmarks/results)")
    Path out;

    @Option(names = "--root", description = "Repository root (default: .)")
    Path root = Path.of(".");

    public static void main(String[] args) {
        int code = new CommandLine(new PerfGate()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        root = root.toAbsolutePath().normalize();
        Path gatePath = gateFile != null ? gateFile : root.resolve("benchmarks/gate.json");
        Path baselinePath = baseline != null ? baseline : root.resolve("benchmarks/results/gate-baseline.json");
        Path outDir = out != null ? out : root.resolve("benchmarks/results");
        String mode = quick ? "quick" : "full";
        GateFiles.GateSpec spec = GateFiles.readGate(gatePath);

        List<Probe> probes = new ArrayList<>();
        for (Supplier<Probe> s : PROBES) probes.add(s.get());
        for (Probe p : probes)
            for (String m : p.metrics()) {
                if (!spec.thresholds().containsKey(m))
                    return usage("probe " + p.name() + " yields " + m + ", which has no threshold in " + gatePath);
            }
        Map<String, Threshold> thresholds = new LinkedHashMap<>(spec.thresholds());
        for (var o : overrides.entrySet()) {
            Threshold t = thresholds.get(o.getKey());
            if (t == null) return usage("--threshold " + o.getKey() + ": no such metric (see --list)");
            thresholds.put(o.getKey(), t.withLimit(o.getValue()));
        }
        if (list) {
            for (Threshold t : thresholds.values()) System.out.println(t.rule() + "\t" + t.reason());
            for (var e : spec.notGated().entrySet())
                System.out.println(e.getKey() + " (recorded, not gated)\t" + e.getValue());
            return 0;
        }
        for (String name : only) {
            if (probes.stream().noneMatch(p -> p.name().equals(name))) {
                return usage("--only " + name + ": no such probe; probes: "
                        + String.join(", ", probes.stream().map(Probe::name).toList()));
            }
        }
        if (!only.isEmpty()) probes.removeIf(p -> !only.contains(p.name()));
        if (corpus == null || index == null || posts <= 0)
            return usage("--corpus, --index and --posts are required (bin/perf passes them)");
        int roundCount = rounds != null ? rounds : quick ? 3 : 5;
        if (roundCount < 3) return usage("--rounds must be at least 3: a median of fewer is not one");
        Duration perTarget = Duration.ofMillis((long) (1000 * (seconds != null ? seconds : quick ? 2 : 4)));
        Path work = root.resolve("benchmarks/target/perf-work");
        Files.createDirectories(work);
        Files.createDirectories(outDir);
        SharedEngine engine = new SharedEngine(index);
        GateContext ctx = new GateContext(
                root,
                work,
                quick,
                corpus,
                posts,
                index,
                engine,
                Optional.ofNullable(System.getenv("FEEDSEARCH_OPENSEARCH_URL")).filter(u -> !u.isBlank()),
                perTarget);

        // the probes' rounds, interleaved: round 1 of every probe, then round 2, ...
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>(), figures = new TreeMap<>();
        List<Probe> live = new ArrayList<>();
        for (Probe p : probes) {
            long t0 = System.nanoTime();
            try {
                p.open(ctx);
                live.add(p);
                log("%s: ready in %.0f s", p.name(), (System.nanoTime() - t0) / 1e9);
            } catch (Exception | Error e) {
                errors.put(p.name(), describe(e));
                log("%s: could not start: %s", p.name(), describe(e));
                closeQuietly(p);
            }
        }
        for (int r = 1; r <= roundCount; r++) {
            for (Probe p : List.copyOf(live)) {
                long t0 = System.nanoTime();
                try {
                    Round round = p.round(r);
                    round.ratios()
                            .forEach((k, v) -> ratios.computeIfAbsent(k, x -> new ArrayList<>())
                                    .add(v));
                    round.figures()
                            .forEach((k, v) -> figures.computeIfAbsent(k, x -> new ArrayList<>())
                                    .add(v));
                    log(
                            "%s: round %d/%d in %.0f s %s",
                            p.name(), r, roundCount, (System.nanoTime() - t0) / 1e9, new TreeMap<>(round.ratios()));
                } catch (Exception | Error e) {
                    errors.put(p.name(), "round " + r + ": " + describe(e));
                    log("%s: round %d failed: %s", p.name(), r, describe(e));
                    live.remove(p);
                    closeQuietly(p);
                    for (String m : p.metrics()) ratios.remove(m); // a probe with missing rounds has no median to judge
                }
            }
        }
        live.forEach(PerfGate::closeQuietly);
        engine.close();

        // only the metrics of the probes that were asked for are judged
        Map<String, Threshold> judged = new LinkedHashMap<>();
        for (Probe p : probes) for (String m : p.metrics()) judged.put(m, thresholds.get(m));
        Map<String, Measured> measured = new LinkedHashMap<>();
        ratios.forEach((k, v) -> measured.put(k, new Measured(k, v)));
        Map<String, Accepted> accepted = GateFiles.readBaseline(baselinePath, mode);
        if (updateBaseline) {
            accepted = Gate.accept(accepted, measured);
            GateFiles.writeBaseline(baselinePath, mode, accepted);
            log("accepted %d metrics as the %s baseline in %s", measured.size(), mode, baselinePath);
        }
        List<Verdict> verdicts = Gate.judge(judged, measured, accepted);
        Map<String, Measured> figs = new LinkedHashMap<>();
        figures.forEach((k, v) -> figs.put(k, new Measured(k, v)));

        String name = "gate-" + mode;
        String table = GateReport.table(verdicts);
        String md = String.format(
                Locale.ROOT,
                "# Performance gate, %s mode: %,d posts, %d rounds, %.1f s per side, %d cores%n%n%s%n%s%n",
                mode,
                posts,
                roundCount,
                perTarget.toMillis() / 1000.0,
                Runtime.getRuntime().availableProcessors(),
                table,
                GateReport.figures(figs));
        if (!errors.isEmpty()) {
            StringBuilder e = new StringBuilder("\n## Probe errors\n\n");
            errors.forEach(
                    (k, v) -> e.append("- ").append(k).append(": ").append(v).append('\n'));
            md += e;
        }
        Files.writeString(outDir.resolve(name + ".md"), md);
        GateReport.json(outDir.resolve(name + ".json"), mode, posts, verdicts, figs, errors);
        GateReport.plot(
                outDir.resolve(name + ".png"),
                "feedsearch performance gate (" + mode + ", " + posts + " posts)",
                verdicts);
        System.out.println();
        System.out.print(table);
        System.out.println("results: " + outDir.resolve(name + ".md") + ", .json, .png");
        List<Verdict> failed = verdicts.stream().filter(Verdict::failed).toList();
        if (failed.isEmpty()) {
            System.out.println("bin/perf: PASS (" + verdicts.size() + " metrics)");
            return 0;
        }
        for (Verdict v : failed)
            System.out.println("bin/perf: FAIL " + v.threshold().metric() + ": " + v.why());
        return 1;
    }

    private int usage(String message) {
        System.err.println("bin/perf: " + message);
        return 2;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void closeQuietly(Probe p) {
        try {
            p.close();
        } catch (Exception e) {
            log("%s: close failed: %s", p.name(), describe(e));
        }
    }

    private static void log(String format, Object... args) {
        System.err.println("bin/perf: " + String.format(Locale.ROOT, format, args));
    }
}
