package dev.feedsearch.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The per-language-group analysis definitions, loaded once from the classpath
 * ({@code feedsearch/mappings/groups.json} and {@code feedsearch/mappings/groups/<group>.json}).
 * Immutable and thread-safe.
 *
 * <p>{@code groups.json} is {@code {"groups": [names in order], "language_aliases": {"no": "nb", ...}}}: the
 * aliases map legacy or macro-language codes to a listed language before routing.
 */
public final class Mappings {

    /** The catch-all group for unsupported or undetermined languages. */
    public static final String OTHER = "other";

    static final String BASE = "feedsearch/mappings/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Mappings instance;

    private final List<LanguageGroup> groups;
    private final Map<String, LanguageGroup> byName;
    private final Map<String, LanguageGroup> byLanguage;
    private final Map<String, String> aliases;
    private final Set<String> supportedLanguages;

    private Mappings(List<LanguageGroup> groups, Map<String, String> aliases) {
        Map<String, LanguageGroup> names = new LinkedHashMap<>();
        Map<String, LanguageGroup> langs = new LinkedHashMap<>();
        for (LanguageGroup g : groups) {
            if (names.put(g.name(), g) != null) {
                throw new IllegalStateException("group '" + g.name() + "' is listed twice in groups.json");
            }
            for (String lang : g.languages()) {
                LanguageGroup previous = langs.put(lang, g);
                if (previous != null) {
                    throw new IllegalStateException("language '" + lang + "' is in two groups: '" + previous.name()
                            + "' and '" + g.name() + "'");
                }
            }
        }
        LanguageGroup other = names.get(OTHER);
        if (other == null) {
            throw new IllegalStateException("groups.json must list the '" + OTHER + "' group");
        }
        if (!other.languages().isEmpty()) {
            throw new IllegalStateException(
                    "group '" + OTHER + "' must not list languages: it takes whatever no group takes");
        }
        for (Map.Entry<String, String> alias : aliases.entrySet()) {
            if (!langs.containsKey(alias.getValue())) {
                throw new IllegalStateException("language alias '" + alias.getKey() + "' -> '" + alias.getValue()
                        + "' points at a language no group lists");
            }
            if (langs.containsKey(alias.getKey())) {
                throw new IllegalStateException("language alias '" + alias.getKey() + "' is also listed by group '"
                        + langs.get(alias.getKey()).name() + "'");
            }
        }
        this.groups = List.copyOf(groups);
        this.byName = Collections.unmodifiableMap(names);
        this.byLanguage = Collections.unmodifiableMap(langs);
        this.aliases = Map.copyOf(aliases);
        this.supportedLanguages = Collections.unmodifiableSet(new LinkedHashSet<>(langs.keySet()));
    }

    /** The mappings bundled on the classpath (parsed once, then shared). */
    public static Mappings load() {
        Mappings m = instance;
        if (m == null) {
            synchronized (Mappings.class) {
                m = instance;
                if (m == null) {
                    m = loadFrom(Mappings.class.getClassLoader(), BASE);
                    instance = m;
                }
            }
        }
        return m;
    }

    /**
     * A copy with one group's definition replaced (same name): how a changed analyzer is tried out and rolled
     * out through a reindex before it is committed to the bundled files.
     */
    public Mappings withGroup(LanguageGroup replacement) {
        if (!byName.containsKey(replacement.name()))
            throw new IllegalArgumentException("no group named '" + replacement.name() + "'");
        List<LanguageGroup> gs = new ArrayList<>(groups.size());
        for (LanguageGroup g : groups) gs.add(g.name().equals(replacement.name()) ? replacement : g);
        return new Mappings(gs, aliases);
    }

    /** Parses a mappings tree under {@code base} (a classpath folder ending in '/'). */
    static Mappings loadFrom(ClassLoader loader, String base) {
        JsonNode index = read(loader, base + "groups.json");
        JsonNode names = index.path("groups");
        if (!names.isArray() || names.isEmpty()) {
            throw new IllegalStateException(base + "groups.json: 'groups' must be a non-empty array of group names");
        }
        List<LanguageGroup> groups = new ArrayList<>();
        for (JsonNode n : names) {
            String name = n.asText();
            groups.add(parseGroup(name, read(loader, base + "groups/" + name + ".json")));
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        JsonNode aliasNode = index.path("language_aliases");
        if (!aliasNode.isMissingNode()) {
            if (!aliasNode.isObject()) {
                throw new IllegalStateException(base + "groups.json: 'language_aliases' must be an object");
            }
            for (Map.Entry<String, JsonNode> e : aliasNode.properties()) {
                aliases.put(
                        e.getKey().toLowerCase(Locale.ROOT),
                        e.getValue().asText().toLowerCase(Locale.ROOT));
            }
        }
        return new Mappings(groups, aliases);
    }

    static LanguageGroup parseGroup(String name, JsonNode node) {
        String where = "groups/" + name + ".json";
        if (!node.isObject()) {
            throw new IllegalStateException(where + ": not a JSON object");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!Set.of("group", "languages", "plugins", "analysis", "fields").contains(key)) {
                throw new IllegalStateException(where + ": unknown key '" + key + "'");
            }
        }
        if (!name.equals(node.path("group").asText(null))) {
            throw new IllegalStateException(where + ": 'group' must be \"" + name + "\"");
        }
        List<String> languages = new ArrayList<>();
        for (JsonNode l : array(node, "languages", where)) {
            String lang = l.asText();
            if (!lang.equals(lang.toLowerCase(Locale.ROOT)) || lang.isBlank() || lang.contains("-")) {
                throw new IllegalStateException(
                        where + ": language '" + lang + "' must be a lower-case ISO 639-1 code");
            }
            languages.add(lang);
        }
        List<String> plugins = new ArrayList<>();
        for (JsonNode p : array(node, "plugins", where)) {
            plugins.add(p.asText());
        }
        JsonNode analysis = node.path("analysis");
        if (!analysis.isObject() || !analysis.path("analyzer").isObject()) {
            throw new IllegalStateException(where + ": 'analysis' must be an object with an 'analyzer' object");
        }
        JsonNode fieldsNode = node.path("fields");
        if (!fieldsNode.isObject()) {
            throw new IllegalStateException(where + ": 'fields' must be an object (suffix -> analyzer name)");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fieldsNode.properties()) {
            fields.put(e.getKey(), e.getValue().asText());
        }
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (!f.getKey().matches("[a-z0-9_]*")) {
                throw new IllegalStateException(where + ": field suffix '" + f.getKey() + "' must match [a-z0-9_]*");
            }
            if (!analysis.path("analyzer").has(f.getValue())) {
                throw new IllegalStateException(where + ": field '" + f.getKey() + "' names analyzer '" + f.getValue()
                        + "', which analysis.analyzer does not define");
            }
        }
        try {
            return new LanguageGroup(name, languages, plugins, analysis, fields);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode array(JsonNode node, String key, String where) {
        JsonNode a = node.path(key);
        if (!a.isArray()) {
            throw new IllegalStateException(where + ": '" + key + "' must be an array");
        }
        return a;
    }

    private static JsonNode read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("mappings resource not found on the classpath: " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse mappings resource " + resource + ": " + e.getMessage(), e);
        }
    }

    /** All groups, in the order of {@code groups.json} ({@code other} included). */
    public List<LanguageGroup> groups() {
        return groups;
    }

    /** The group with this name. @throws IllegalArgumentException naming the group if there is none */
    public LanguageGroup group(String name) {
        LanguageGroup g = byName.get(name);
        if (g == null) {
            throw new IllegalArgumentException(
                    "unknown language group '" + name + "' (known: " + byName.keySet() + ")");
        }
        return g;
    }

    /**
     * The group a language is routed to. Accepts an ISO 639-1 code or a BCP-47 tag, case-insensitive; region
     * and script subtags are ignored ({@code "pt-BR"} → pt, {@code "zh-Hant"} → zh). Unknown, null, blank
     * or {@code "und"} → {@code other}.
     */
    public LanguageGroup groupForLanguage(String lang) {
        String primary = primaryLanguage(lang);
        LanguageGroup g = primary == null ? null : byLanguage.get(primary);
        return g != null ? g : byName.get(OTHER);
    }

    /**
     * The supported language a code or tag stands for ({@code "pt-BR"} → {@code "pt"}, {@code "no"} →
     * {@code "nb"}), or null if no group lists it.
     */
    public String canonicalLanguage(String lang) {
        String primary = primaryLanguage(lang);
        return primary != null && byLanguage.containsKey(primary) ? primary : null;
    }

    private String primaryLanguage(String lang) {
        if (lang == null) {
            return null;
        }
        String s = lang.strip();
        int cut = indexOfSeparator(s);
        String primary = (cut < 0 ? s : s.substring(0, cut)).toLowerCase(Locale.ROOT);
        if (primary.isEmpty()) {
            return null;
        }
        return aliases.getOrDefault(primary, primary);
    }

    private static int indexOfSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '_') {
                return i;
            }
        }
        return -1;
    }

    /** Every language some group lists (the {@code other} group lists none), in group order. */
    public Set<String> supportedLanguages() {
        return supportedLanguages;
    }

    /** Legacy/macro-language code → listed language (e.g. {@code no → nb}, {@code iw → he}). */
    public Map<String, String> languageAliases() {
        return aliases;
    }
}
