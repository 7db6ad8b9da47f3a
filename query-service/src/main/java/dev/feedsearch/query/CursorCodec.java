package dev.feedsearch.query;

import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque keyset cursors: the last hit's sort key plus a fingerprint of the query and viewer that made
 * it, so a cursor cannot be replayed against another query or by another viewer. It carries no post
 * content; visibility is re-checked by the engine on every page.
 */
public final class CursorCodec {
    private static final String VERSION = "c1";

    private CursorCodec() {}

    public static String encode(SortKey key, SearchQuery q) {
        String raw = VERSION + '\n' + fingerprint(q) + '\n' + key.value() + '\n' + key.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws ApiException (400, field {@code cursor}) when malformed or made for another query */
    public static SortKey decode(String cursor, SearchQuery q) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor", "cursor is not a valid cursor (use next_cursor from a previous page as is)");
        }
        String[] parts = raw.split("\n", 4);
        if (parts.length != 4 || !parts[0].equals(VERSION) || parts[3].isEmpty()) {
            throw ApiException.badRequest("cursor", "cursor is not a valid cursor (use next_cursor from a previous page as is)");
        }
        if (!parts[1].equals(fingerprint(q))) {
            throw ApiException.badRequest("cursor", "cursor belongs to a different query or viewer; start again without cursor");
        }
        try {
            return new SortKey(Long.parseLong(parts[2]), parts[3]);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("cursor", "cursor is not a valid cursor (use next_cursor from a previous page as is)");
        }
    }

    /** Everything that decides the result order and membership, except the page position and size. */
    static String fingerprint(SearchQuery q) {
        String canonical = String.join("\u001f", String.valueOf(q.text()), String.valueOf(q.lang()),
                String.valueOf(q.author()), String.valueOf(q.tags()), String.valueOf(q.since()),
                String.valueOf(q.until()), q.sort().name(), String.valueOf(q.viewer()),
                String.valueOf(q.queryGroups()));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
