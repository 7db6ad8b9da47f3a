package dev.feedsearch.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The OpenSearch installation the test nodes run from: the {@code integ-test-zip} distribution unpacked from the
 * local Maven repository (where the opensearch-testkit build put it), with the kuromoji, nori, smartcn, stempel and ukrainian plugins
 * (the real plugin jars with their Lucene jars) and the test-only ICU stand-in as {@code plugins/analysis-icu}.
 *
 * <p>Installed once per content under {@code java.io.tmpdir/feedsearch-opensearch/}: the folder name carries a
 * fingerprint of everything that went in, so an install is never modified after it is complete, and processes
 * that race to install take a file lock. Nodes never write into it (each has its own config, data and log dirs).
 */
final class Distribution {

    /** Java package of the ICU stand-in plugin, copied into its own plugin jar. */
    static final String STANDIN_PACKAGE = "dev/feedsearch/testkit/icustandin/";

    static final String STANDIN_CLASS = "dev.feedsearch.testkit.icustandin.IcuStandInPlugin";

    private static final String LAYOUT = "1"; // bump when the install layout changes

    final String version;
    final String luceneVersion;
    final String icu4jVersion;
    final String morfologikVersion;
    final String morfologikUkrainianVersion;
    final Path localRepository;

    private Distribution(Properties p) {
        this.version = required(p, "opensearch.version");
        this.luceneVersion = required(p, "lucene.version");
        this.icu4jVersion = required(p, "icu4j.version");
        this.morfologikVersion = required(p, "morfologik.version");
        this.morfologikUkrainianVersion = required(p, "morfologik-ukrainian.version");
        this.localRepository = localRepository(p.getProperty("local.repository", ""));
    }

    static Distribution load() {
        Properties p = new Properties();
        try (InputStream in = Distribution.class.getResourceAsStream("testkit.properties")) {
            if (in == null) {
                throw new OpenSearchStartException("testkit.properties is missing from the opensearch-testkit classes: "
                        + "build the module with Maven (./mvnw -pl opensearch-testkit package -DskipTests)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Distribution(p);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key, "");
        if (v.isBlank() || v.contains("${")) {
            throw new OpenSearchStartException(
                    "testkit.properties: '" + key + "' was not filled in by the Maven build (" + v + ")");
        }
        return v.trim();
    }

    private static Path localRepository(String fromBuild) {
        String sys = System.getProperty("maven.repo.local");
        if (sys != null && !sys.isBlank()) {
            return Path.of(sys);
        }
        if (!fromBuild.isBlank() && !fromBuild.contains("${") && Files.isDirectory(Path.of(fromBuild))) {
            return Path.of(fromBuild);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** A file of the local Maven repository, which must exist. */
    Path artifact(String groupId, String artifactId, String artifactVersion, String extension) {
        Path p = localRepository
                .resolve(groupId.replace('.', '/'))
                .resolve(artifactId)
                .resolve(artifactVersion)
                .resolve(artifactId + "-" + artifactVersion + "." + extension);
        if (!Files.isRegularFile(p)) {
            throw new OpenSearchStartException(groupId + ":" + artifactId + ":" + artifactVersion + ":" + extension
                    + " is not in the local Maven repository (" + p
                    + "). The opensearch-testkit build downloads it: run "
                    + "./mvnw -pl opensearch-testkit package -DskipTests (bin/test does this first).");
        }
        return p;
    }

    Path distributionZip() {
        return artifact("org.opensearch.distribution.integ-test-zip", "opensearch", version, "zip");
    }

    /** plugin folder name → jars to put in it (the real plugins: the OpenSearch plugin jar and its Lucene jar). */
    private Map<String, List<Path>> realPlugins() {
        Map<String, List<Path>> out = new TreeMap<>();
        for (String lang : List.of("kuromoji", "nori", "smartcn", "stempel")) {
            out.put(
                    "analysis-" + lang,
                    List.of(
                            artifact("org.opensearch.plugin", "analysis-" + lang, version, "jar"),
                            artifact("org.apache.lucene", "lucene-analysis-" + lang, luceneVersion, "jar")));
        }
        // Ukrainian: Lucene's morfologik module and its Ukrainian dictionary (the plugin does not need the Polish one)
        out.put(
                "analysis-ukrainian",
                List.of(
                        artifact("org.opensearch.plugin", "analysis-ukrainian", version, "jar"),
                        artifact("org.apache.lucene", "lucene-analysis-morfologik", luceneVersion, "jar"),
                        artifact("org.carrot2", "morfologik-stemming", morfologikVersion, "jar"),
                        artifact("org.carrot2", "morfologik-fsa", morfologikVersion, "jar"),
                        artifact("ua.net.nlp", "morfologik-ukrainian-search", morfologikUkrainianVersion, "jar")));
        return out;
    }

    private static final Map<String, String[]> REAL_PLUGIN_INFO = Map.of(
            "analysis-kuromoji",
                    new String[] {
                        "org.opensearch.plugin.analysis.kuromoji.AnalysisKuromojiPlugin",
                        "The Japanese (kuromoji) Analysis plugin integrates Lucene kuromoji analysis module into opensearch."
                    },
            "analysis-nori",
                    new String[] {
                        "org.opensearch.plugin.analysis.nori.AnalysisNoriPlugin",
                        "The Korean (nori) Analysis plugin integrates Lucene nori analysis module into opensearch."
                    },
            "analysis-smartcn",
                    new String[] {
                        "org.opensearch.plugin.analysis.smartcn.AnalysisSmartChinesePlugin",
                        "Smart Chinese Analysis plugin integrates Lucene Smart Chinese analysis module into opensearch."
                    },
            "analysis-stempel",
                    new String[] {
                        "org.opensearch.plugin.analysis.stempel.AnalysisStempelPlugin",
                        "The Stempel (Polish) Analysis plugin integrates Lucene stempel (polish) analysis module into opensearch."
                    },
            "analysis-ukrainian",
                    new String[] {
                        "org.opensearch.plugin.analysis.ukrainian.AnalysisUkrainianPlugin",
                        "The Ukrainian Analysis plugin integrates the Lucene UkrainianMorfologikAnalyzer into opensearch."
                    });

    private List<Path> icuJars() {
        return List.of(
                artifact("org.apache.lucene", "lucene-analysis-icu", luceneVersion, "jar"),
                artifact("com.ibm.icu", "icu4j", icu4jVersion, "jar"));
    }

    /** The stand-in plugin's class files (name → bytes), read from wherever the testkit classes are. */
    static Map<String, byte[]> standInClasses() {
        Map<String, byte[]> out = new TreeMap<>();
        Path source;
        try {
            source = Path.of(Distribution.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new OpenSearchStartException(
                    "cannot locate the opensearch-testkit classes to build the ICU stand-in plugin", e);
        }
        try {
            if (Files.isDirectory(source)) {
                Path pkg = source.resolve(STANDIN_PACKAGE);
                try (Stream<Path> files = Files.list(pkg)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (f.getFileName().toString().endsWith(".class")) {
                            out.put(STANDIN_PACKAGE + f.getFileName(), Files.readAllBytes(f));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        String n = e.getName();
                        if (n.startsWith(STANDIN_PACKAGE)
                                && n.endsWith(".class")
                                && n.indexOf('/', STANDIN_PACKAGE.length()) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                out.put(n, in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new OpenSearchStartException("cannot read the ICU stand-in classes from " + source + ": " + e, e);
        }
        if (!out.containsKey(STANDIN_CLASS.replace('.', '/') + ".class")) {
            throw new OpenSearchStartException(
                    "the ICU stand-in plugin classes are not in " + source + " (expected " + STANDIN_CLASS + ")");
        }
        return out;
    }

    /** The install's home folder, installing it first if this content has not been installed yet. */
    Path install(String nodeUser) {
        Path zip = distributionZip();
        Map<String, List<Path>> plugins = realPlugins();
        List<Path> icu = icuJars();
        Map<String, byte[]> standIn = standInClasses();
        String fingerprint = fingerprint(zip, plugins, icu, standIn, nodeUser);

        Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("feedsearch-opensearch");
        Path home = base.resolve("opensearch-" + version + "-" + fingerprint);
        Path marker = home.resolve(".feedsearch-installed");
        if (Files.exists(marker)) {
            return home;
        }
        try {
            NodeRuntime.createWorldReadableDirs(base);
            try (FileChannel lockChannel = FileChannel.open(
                    base.resolve("install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lockChannel.lock(); // released when the channel closes
                if (Files.exists(marker)) {
                    return home;
                }
                Path staging = base.resolve("staging-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                unzip(zip, staging);
                for (Map.Entry<String, List<Path>> plugin : plugins.entrySet()) {
                    Path dir =
                            Files.createDirectories(staging.resolve("plugins").resolve(plugin.getKey()));
                    for (Path jar : plugin.getValue()) {
                        Files.copy(jar, dir.resolve(jar.getFileName()));
                    }
                    String[] info = REAL_PLUGIN_INFO.get(plugin.getKey());
                    writeDescriptor(dir, plugin.getKey(), info[1], info[0], version);
                }
                Path icuDir = Files.createDirectories(staging.resolve("plugins").resolve("analysis-icu"));
                for (Path jar : icu) {
                    Files.copy(jar, icuDir.resolve(jar.getFileName()));
                }
                writeStandInJar(icuDir.resolve("feedsearch-analysis-icu-standin.jar"), standIn);
                writeDescriptor(
                        icuDir,
                        "analysis-icu",
                        "TEST-ONLY STAND-IN for the official analysis-icu plugin "
                                + "(not published anywhere reachable): icu_tokenizer, icu_normalizer, icu_folding, icu_transform over "
                                + "lucene-analysis-icu " + luceneVersion
                                + ". Installed by feedsearch's test harness only.",
                        STANDIN_CLASS,
                        version + "-feedsearch-standin");
                Files.writeString(staging.resolve(".feedsearch-installed"), fingerprint + "\n");
                if (nodeUser != null) {
                    NodeRuntime.chown(staging, nodeUser);
                }
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new OpenSearchStartException(
                    "installing OpenSearch " + version + " into " + home + " failed: " + e, e);
        }
        return home;
    }

    private String fingerprint(
            Path zip, Map<String, List<Path>> plugins, List<Path> icu, Map<String, byte[]> standIn, String nodeUser) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            files.add(zip);
            plugins.values().forEach(files::addAll);
            files.addAll(icu);
            StringBuilder s = new StringBuilder(LAYOUT).append('|').append(nodeUser);
            for (Path f : files) {
                s.append('|')
                        .append(f)
                        .append(':')
                        .append(Files.size(f))
                        .append(':')
                        .append(Files.getLastModifiedTime(f).toMillis());
            }
            md.update(s.toString().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> c : standIn.entrySet()) {
                md.update(c.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(c.getValue());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new OpenSearchStartException("cannot fingerprint the OpenSearch artifacts: " + e, e);
        }
    }

    /** Unpacks the distribution zip without its top folder; files under bin/ become executable. */
    private static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) {
                    continue; // the top folder itself
                }
                String relative = name.substring(slash + 1);
                Path out = target.resolve(relative).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry escapes the install folder: " + name);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = z.getInputStream(e)) {
                    Files.copy(in, out);
                }
                if (relative.startsWith("bin/")) {
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    /** A plugin-descriptor.properties with the keys the distribution's own modules carry. */
    private static void writeDescriptor(
            Path dir, String name, String description, String classname, String pluginVersion) throws IOException {
        String text =
                "# written by feedsearch's opensearch-testkit, in the form of the distribution's modules/*/plugin-descriptor.properties\n"
                        + "description=" + description + "\n"
                        + "version=" + pluginVersion + "\n"
                        + "name=" + name + "\n"
                        + "classname=" + classname + "\n"
                        + "java.version=21\n"
                        + "opensearch.version=" + versionOf(dir) + "\n"
                        + "custom.foldername=\n"
                        + "extended.plugins=\n"
                        + "has.native.controller=false\n";
        Files.writeString(dir.resolve("plugin-descriptor.properties"), text);
    }

    private static String versionOf(Path pluginDir) throws IOException {
        // plugins/<name> → the home's lib/opensearch-<version>.jar names the server version
        Path lib = pluginDir.getParent().getParent().resolve("lib");
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("opensearch-\\d+\\.\\d+\\.\\d+\\.jar"))
                    .map(n -> n.substring("opensearch-".length(), n.length() - ".jar".length()))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no lib/opensearch-<version>.jar in " + lib));
        }
    }

    private static void writeStandInJar(Path jar, Map<String, byte[]> classes) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        mf.getMainAttributes().putValue("Implementation-Title", "feedsearch TEST-ONLY analysis-icu stand-in");
        try (OutputStream os = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(os, mf)) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new JarEntry(c.getKey()));
                out.write(c.getValue());
                out.closeEntry();
            }
        }
    }

    /** Deletes a folder tree (best effort for files that vanish meanwhile). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // leftovers under java.io.tmpdir are harmless
        }
    }
}
