package dev.feedsearch.query;

import dev.feedsearch.query.auth.SharedSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals cursors with an HMAC-SHA256 under a server key, so a client can hand back only what this service (or a
 * replica sharing its keys) wrote. The first key signs; every key verifies, so a rotation puts the new key first
 * and keeps the old one until the cursors it signed have expired from use. Without configured keys a random key is
 * drawn per process: cursors then stop working across a restart (a new first page is one request away).
 */
public final class CursorSigner {
    /** Environment variable with comma-separated keys of at least {@value SharedSecret#MIN_CHARS} characters, signing key first. */
    public static final String ENV = "FEEDSEARCH_CURSOR_KEYS";
    /** Longer than any cursor this service writes (ids are at most 256 characters); refused before any decoding. */
    public static final int MAX_CURSOR_CHARS = 2_048;

    private static final int TAG_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final List<SecretKeySpec> keys;

    private CursorSigner(List<byte[]> keys) {
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one cursor key is needed");
        List<SecretKeySpec> specs = new ArrayList<>();
        for (byte[] k : keys) specs.add(new SecretKeySpec(k, "HmacSHA256"));
        this.keys = List.copyOf(specs);
    }

    /** @param secrets the signing key first, then keys still accepted after a rotation; each at least 16 characters */
    public static CursorSigner of(List<String> secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String s : secrets) {
            if (s == null || s.strip().length() < SharedSecret.MIN_CHARS) {
                throw new IllegalArgumentException(
                        "a cursor key must have at least " + SharedSecret.MIN_CHARS + " characters");
            }
            keys.add(s.strip().getBytes(StandardCharsets.UTF_8));
        }
        return new CursorSigner(keys);
    }

    /** A key of 32 random bytes, for this process only. */
    public static CursorSigner random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new CursorSigner(List.of(k));
    }

    /** Keys from {@value #ENV} when set, else {@link #random()}. */
    public static CursorSigner fromEnvironment() {
        return fromValue(System.getenv(ENV));
    }

    /** Keys from a {@value #ENV} value (comma-separated, signing key first); {@link #random()} when null or blank. */
    public static CursorSigner fromValue(String keys) {
        return keys == null || keys.isBlank() ? random() : of(Arrays.asList(keys.split(",")));
    }

    /** {@code base64url(payload) "." base64url(tag)} */
    String seal(String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(body) + '.' + B64.encodeToString(tag(keys.getFirst(), body));
    }

    /** The payload, when the cursor is well formed and its tag verifies under one of the keys. */
    Optional<String> open(String cursor) {
        if (cursor == null || cursor.length() > MAX_CURSOR_CHARS) return Optional.empty();
        int dot = cursor.indexOf('.');
        if (dot < 0 || cursor.indexOf('.', dot + 1) >= 0) return Optional.empty();
        byte[] body, given;
        try {
            body = B64D.decode(cursor.substring(0, dot));
            given = B64D.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (SecretKeySpec k : keys) {
            if (MessageDigest.isEqual(tag(k, body), given))
                return Optional.of(new String(body, StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    private static byte[] tag(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(body), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
