package dev.feedsearch.core.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.analysis.GroupAnalyzers;
import dev.feedsearch.core.analysis.VersionedFields;
import dev.feedsearch.mappings.LanguageGroup;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of each language group that the embedded index holds, and the analysis of each. A group's version
 * is a set of text fields ({@link VersionedFields}) of the one Lucene index, analysed with that version's
 * definition: the serving version answers searches; the versions also written (being built, or kept after a swap
 * for rollback) are added to every post of the group that is written, inside the same document.
 *
 * <p>The state is persisted next to the index, in {@value #FILE} (written to a temporary file, synced, then renamed
 * over the old one), with the full analysis definition of every live version. An open index therefore analyses
 * with the definitions its documents were built with, whatever the bundled mappings say after a deploy; the
 * current mappings only define versions built from now on. An index without the file (new, or built before
 * versions existed) starts every group at version 1 = the current mappings, and the file is written at once.
 *
 * <p>Mutations are rare (a rebuild's begin, swap and drop) and synchronized; the writer's analyzer and the search
 * side read lock-free snapshots.
 */
final class GroupVersions implements Closeable {
    static final String FILE = "feedsearch-group-versions.json";
    /** A StringField on post documents, one value {@code <group>@<version>} per version ≥ 2 the document carries. */
    static final String MARKER = "gv";

    private static final Logger log = LoggerFactory.getLogger(GroupVersions.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    /** One group's versions: immutable. */
    private record State(int serving, List<Integer> alsoWritten, Map<Integer, LanguageGroup> definitions) {
        State {
            alsoWritten = List.copyOf(alsoWritten);
            definitions = Collections.unmodifiableMap(new TreeMap<>(definitions));
        }

        boolean live(int v) {
            return v == serving || alsoWritten.contains(v);
        }
    }

    /** What a write of a post of one group adds: the text fields of every live version, and the version markers. */
    record Written(List<GroupAnalyzers.TextField> fields, List<String> markers) {}

    private final Path file;
    private final boolean writable; // false: opened read-only, the file is never written
    private final GroupAnalyzers current;
    private final Map<String, State> states = new LinkedHashMap<>(); // guarded by this
    private final Map<String, List<GroupAnalyzers.TextField>> liveFields =
            new HashMap<>(); // "group@v" → fields; guarded by this
    private final Map<String, Analyzer> analyzerByField = new ConcurrentHashMap<>();
    private final Map<String, String> ownerByField = new HashMap<>(); // Lucene field → "group@v"; guarded by this
    private final List<Analyzer> owned = new ArrayList<>(); // analyzers built here (closed with this), guarded by this
    private final Analyzer indexAnalyzer;
    private volatile List<GroupAnalyzers.TextField> servingFields = List.of();
    private volatile Map<String, Written> written = Map.of();

    private GroupVersions(Path file, boolean writable, GroupAnalyzers current) {
        this.file = file;
        this.writable = writable;
        this.current = current;
        Analyzer fallback = current.indexAnalyzer(); // only non-text fields reach it: every live text field is mapped
        this.indexAnalyzer = new DelegatingAnalyzerWrapper(Analyzer.PER_FIELD_REUSE_STRATEGY) {
            @Override
            protected Analyzer getWrappedAnalyzer(String fieldName) {
                return analyzerByField.getOrDefault(fieldName, fallback);
            }
        };
    }

    /** Versions of the index in {@code indexDir}, empty until {@link #load}; {@code writable}: may write the file. */
    static GroupVersions create(Path indexDir, GroupAnalyzers current, boolean writable) {
        return new GroupVersions(indexDir.resolve(FILE), writable, current);
    }

    /**
     * Loads the persisted versions, adding any group of the current mappings they lack at version 1, and writes the
     * file when writable and it was missing or a group was added. Call it holding the index's write lock (Lucene's),
     * so that one process owns the file too.
     */
    synchronized void load() throws IOException {
        boolean exists = Files.exists(file);
        if (exists) states.putAll(read(file));
        boolean added = false;
        for (LanguageGroup g : current.mappings().groups()) {
            if (!states.containsKey(g.name())) {
                states.put(g.name(), new State(1, List.of(), Map.of(1, g)));
                added = true;
            }
        }
        for (Map.Entry<String, State> e : states.entrySet()) {
            for (Map.Entry<Integer, LanguageGroup> d :
                    e.getValue().definitions().entrySet()) {
                register(e.getKey(), d.getKey(), d.getValue());
            }
        }
        if (writable && (added || !exists)) persist(states);
        publish();
        for (LanguageGroup g : current.mappings().groups()) {
            State s = states.get(g.name());
            if (!s.definitions().get(s.serving()).equals(g)) {
                log.info(
                        "language group {} serves version {}, built with another analysis definition than the current mappings'; "
                                + "reindex the group to serve the current one",
                        g.name(),
                        s.serving());
            }
        }
    }

    private static Map<String, State> read(Path file) throws IOException {
        Map<String, State> out = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("format").asInt(-1) != FORMAT)
                throw new IllegalStateException("unknown format " + root.path("format"));
            for (Map.Entry<String, JsonNode> g : root.path("groups").properties()) {
                String name = g.getKey();
                JsonNode n = g.getValue();
                int serving = n.path("serving").asInt(0);
                List<Integer> also = new ArrayList<>();
                for (JsonNode a : n.path("also_written")) also.add(a.asInt());
                Map<Integer, LanguageGroup> defs = new TreeMap<>();
                for (Map.Entry<String, JsonNode> d : n.path("definitions").properties()) {
                    LanguageGroup def = LanguageGroup.fromJson(d.getValue());
                    if (!def.name().equals(name))
                        throw new IllegalStateException("group " + name + " holds a definition of " + def.name());
                    defs.put(Integer.parseInt(d.getKey()), def);
                }
                List<Integer> live = new ArrayList<>(also);
                live.add(serving);
                if (serving < 1 || also.contains(serving) || !defs.keySet().equals(new TreeSet<>(live))) {
                    throw new IllegalStateException("group " + name + ": serving " + serving + ", also written " + also
                            + " and the defined versions " + defs.keySet() + " do not agree");
                }
                out.put(name, new State(serving, also, defs));
            }
        } catch (RuntimeException e) {
            throw new IOException("the group versions file " + file + " is unreadable: " + e.getMessage(), e);
        }
        return out;
    }

    /** The analyzer for the IndexWriter: every live version's text fields, by name, learning new ones as they come. */
    Analyzer indexAnalyzer() {
        return indexAnalyzer;
    }

    /** The text fields searches use: each group's serving version only. */
    List<GroupAnalyzers.TextField> servingFields() {
        return servingFields;
    }

    /** Adds a post's text to every live version of its group, and the markers of the versions ≥ 2. */
    void addTextFields(Document d, String group, String text) {
        Written w = written.get(group);
        if (w == null)
            throw new IllegalArgumentException(
                    "unknown language group '" + group + "' (known: " + written.keySet() + ")");
        // Lucene's TextField stays qualified: GroupAnalyzers.TextField is the other one on this line
        for (GroupAnalyzers.TextField f : w.fields())
            d.add(new org.apache.lucene.document.TextField(f.luceneField(), text, Field.Store.NO));
        for (String m : w.markers()) d.add(new StringField(MARKER, m, Field.Store.NO));
    }

    static String marker(String group, int version) {
        return group + "@" + version;
    }

    synchronized int serving(String group) {
        return state(group).serving();
    }

    synchronized boolean isLive(String group, int version) {
        State s = states.get(group);
        return s != null && s.live(version);
    }

    /** Adds {@code version} with the current mappings' definition of the group; a version that is live is kept as it is. */
    synchronized void beginBuild(String group, int version) throws IOException {
        State s = state(group);
        if (version == s.serving())
            throw new IllegalStateException("version " + version + " of group " + group + " is serving");
        if (s.live(version)) return; // a resumed build keeps what it has
        if (version < 2)
            throw new IllegalArgumentException("a new version of group " + group + " must be >= 2, not " + version);
        LanguageGroup def = current.mappings().group(group);
        register(group, version, def);
        List<Integer> also = new ArrayList<>(s.alsoWritten());
        also.add(version);
        Map<Integer, LanguageGroup> defs = new TreeMap<>(s.definitions());
        defs.put(version, def);
        try {
            change(group, new State(s.serving(), also, defs));
        } catch (IOException | RuntimeException e) {
            unregister(group, version);
            throw e;
        }
    }

    /** Makes a live {@code version} the serving one; the previous serving version stays written (rollback is one more swap). */
    synchronized void swap(String group, int version) throws IOException {
        State s = state(group);
        if (version == s.serving()) return;
        if (!s.live(version))
            throw new IllegalStateException(
                    "version " + version + " of group " + group + " does not exist or is not being written");
        List<Integer> also = new ArrayList<>(s.alsoWritten());
        also.remove(Integer.valueOf(version));
        also.add(s.serving());
        change(group, new State(version, also, s.definitions()));
    }

    /**
     * Stops writing a version that is not serving and forgets its definition. Documents not written since keep that
     * version's terms (and marker) until they are next written; Lucene drops the old copies as segments merge.
     * Nothing reads them meanwhile: searches use serving versions only, and a later build of the same version
     * number re-writes every post of the group before it can be verified or swapped in.
     */
    synchronized void drop(String group, int version) throws IOException {
        State s = state(group);
        if (version == s.serving())
            throw new IllegalStateException(
                    "version " + version + " of group " + group + " is serving and cannot be dropped");
        if (!s.live(version)) return;
        List<Integer> also = new ArrayList<>(s.alsoWritten());
        also.remove(Integer.valueOf(version));
        Map<Integer, LanguageGroup> defs = new TreeMap<>(s.definitions());
        defs.remove(version);
        change(group, new State(s.serving(), also, defs));
        unregister(group, version);
    }

    private State state(String group) {
        State s = states.get(group);
        if (s == null)
            throw new IllegalArgumentException(
                    "unknown language group '" + group + "' (known: " + states.keySet() + ")");
        return s;
    }

    /** Persists the new state of one group, then publishes it. */
    private void change(String group, State next) throws IOException {
        Map<String, State> all = new LinkedHashMap<>(states);
        all.put(group, next);
        persist(all);
        states.put(group, next);
        publish();
    }

    /** Builds the fields of one version and lets the writer's analyzer resolve them. */
    private void register(String group, int version, LanguageGroup def) {
        List<Analyzer> built = new ArrayList<>();
        List<GroupAnalyzers.TextField> fields = VersionedFields.build(def, version, current, built);
        String owner = marker(group, version);
        for (GroupAnalyzers.TextField f : fields) {
            String other = ownerByField.get(f.luceneField());
            if (other != null && !other.equals(owner)) {
                built.forEach(Analyzer::close);
                throw new IllegalArgumentException(
                        "Lucene field " + f.luceneField() + " of " + owner + " is already a field of " + other);
            }
        }
        owned.addAll(built);
        for (GroupAnalyzers.TextField f : fields) {
            ownerByField.put(f.luceneField(), owner);
            analyzerByField.put(f.luceneField(), f.analyzer());
        }
        liveFields.put(owner, fields);
    }

    /** Forgets a version's fields. Its analyzers stay open until close: a thread may still hold one. */
    private void unregister(String group, int version) {
        List<GroupAnalyzers.TextField> fields = liveFields.remove(marker(group, version));
        if (fields == null) return;
        for (GroupAnalyzers.TextField f : fields) {
            ownerByField.remove(f.luceneField());
            analyzerByField.remove(f.luceneField());
        }
    }

    /** Rebuilds the lock-free snapshots from {@link #states}. */
    private void publish() {
        List<GroupAnalyzers.TextField> serving = new ArrayList<>();
        Map<String, Written> w = new HashMap<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            String group = e.getKey();
            State s = e.getValue();
            serving.addAll(liveFields.get(marker(group, s.serving())));
            List<GroupAnalyzers.TextField> fields = new ArrayList<>(liveFields.get(marker(group, s.serving())));
            List<String> markers = new ArrayList<>();
            if (s.serving() >= 2) markers.add(marker(group, s.serving()));
            for (int v : s.alsoWritten()) {
                fields.addAll(liveFields.get(marker(group, v)));
                if (v >= 2) markers.add(marker(group, v));
            }
            w.put(group, new Written(List.copyOf(fields), List.copyOf(markers)));
        }
        servingFields = List.copyOf(serving);
        written = Map.copyOf(w);
    }

    private void persist(Map<String, State> all) throws IOException {
        if (!writable) throw new IllegalStateException("this index was opened read-only");
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode groups = root.putObject("groups");
        for (Map.Entry<String, State> e : all.entrySet()) {
            State s = e.getValue();
            ObjectNode g = groups.putObject(e.getKey());
            g.put("serving", s.serving());
            ArrayNode also = g.putArray("also_written");
            s.alsoWritten().forEach(also::add);
            ObjectNode defs = g.putObject("definitions");
            s.definitions().forEach((v, d) -> defs.set(String.valueOf(v), d.toJson()));
        }
        ByteBuffer bytes = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) ch.write(bytes);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        IOUtils.fsync(file.getParent(), true);
    }

    @Override
    public synchronized void close() {
        indexAnalyzer.close();
        for (Analyzer a : owned) a.close();
        owned.clear();
    }
}
