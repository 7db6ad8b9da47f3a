package dev.feedsearch.query;

import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.query.rank.RelevanceWindow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opaque keyset cursors: the last hit's sort key plus a fingerprint of the query and viewer that made
 * it, so a cursor cannot be replayed against another query or by another viewer. It carries no post
 * content; visibility is re-checked by the engine on every page.
 */
public final class CursorCodec {
    private static final String VERSION = "c1", RELEVANCE = "r1";
    private static final String INVALID = "cursor is not a valid cursor (use next_cursor from a previous page as is)";

    private CursorCodec() {}

    public static String encode(SortKey key, SearchQuery q) {
        return seal(VERSION + '\n' + fingerprint(q) + '\n' + key.value() + '\n' + key.id());
    }

    /** @throws ApiException (400, field {@code cursor}) when malformed or made for another query */
    public static SortKey decode(String cursor, SearchQuery q) {
        String[] parts = open(cursor, VERSION, q, 4);
        if (parts.length != 4 || parts[3].isEmpty()) throw ApiException.badRequest("cursor", INVALID);
        try {
            return new SortKey(Long.parseLong(parts[2]), parts[3]);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("cursor", INVALID);
        }
    }

    /**
     * A relevance cursor: the query's language groups and the client's language as the first page had them (later
     * pages keep them, so the order does not change under the reader when the network's counts or a header
     * move), and the window position.
     */
    public record Relevance(Set<String> queryGroups, String clientLanguage, RelevanceWindow.Position position) {}

    public static String encode(Relevance r, SearchQuery q) {
        RelevanceWindow.Position p = r.position();
        String where = p.inWindow()
                ? "w\n" + p.tier() + '\n' + Double.doubleToLongBits(p.score()) + '\n' + p.id()
                : "e\n" + p.engineKey().value() + '\n' + p.engineKey().id();
        return seal(RELEVANCE + '\n' + fingerprint(q) + '\n' + String.join(",", r.queryGroups()) + ';'
                + (r.clientLanguage() == null ? "" : r.clientLanguage()) + '\n' + p.asOfMillis() + '\n' + where);
    }

    /** @throws ApiException (400, field {@code cursor}) when malformed or made for another query */
    public static Relevance decodeRelevance(String cursor, SearchQuery q) {
        String[] parts = open(cursor, RELEVANCE, q, 8);
        if (parts.length < 7) throw ApiException.badRequest("cursor", INVALID);
        try {
            String[] languages = parts[2].split(";", -1);
            if (languages.length != 2) throw ApiException.badRequest("cursor", INVALID);
            Set<String> groups = languages[0].isEmpty() ? Set.of() : new TreeSet<>(List.of(languages[0].split(",")));
            String client = languages[1].isEmpty() ? null : languages[1];
            long asOf = Long.parseLong(parts[3]);
            RelevanceWindow.Position p;
            if (parts[4].equals("w") && parts.length == 8 && !parts[7].isEmpty()) {
                double score = Double.longBitsToDouble(Long.parseLong(parts[6]));
                if (Double.isNaN(score)) throw ApiException.badRequest("cursor", INVALID);
                p = new RelevanceWindow.Position(asOf, true, Integer.parseInt(parts[5]), score, parts[7], null);
            } else if (parts[4].equals("e") && parts.length == 7 && !parts[6].isEmpty()) {
                SortKey key = new SortKey(Long.parseLong(parts[5]), parts[6]);
                // with text the engine key is a finite float score's bits; without, epoch millis (any long will do)
                if (q.text() != null && (key.value() != (int) key.value() || !Float.isFinite(key.score()))) {
                    throw ApiException.badRequest("cursor", INVALID);
                }
                p = RelevanceWindow.Position.pastWindow(asOf, key);
            } else {
                throw ApiException.badRequest("cursor", INVALID);
            }
            return new Relevance(groups, client, p);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("cursor", INVALID);
        }
    }

    private static String seal(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor's lines (at most {@code parts}), once its version and its query's fingerprint are checked. */
    private static String[] open(String cursor, String version, SearchQuery q, int parts) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor", INVALID);
        }
        String[] lines = raw.split("\n", parts);
        if (lines.length < 2 || !lines[0].equals(version)) throw ApiException.badRequest("cursor", INVALID);
        if (!lines[1].equals(fingerprint(q))) {
            throw ApiException.badRequest("cursor", "cursor belongs to a different query or viewer; start again without cursor");
        }
        return lines;
    }

    /** Everything that decides the result order and membership, except the page position and size. */
    static String fingerprint(SearchQuery q) {
        String canonical = String.join("\u001f", String.valueOf(q.text()), String.valueOf(q.lang()),
                String.valueOf(q.author()), String.valueOf(q.tags()), String.valueOf(q.since()),
                String.valueOf(q.until()), q.sort().name(), String.valueOf(q.viewer()));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
