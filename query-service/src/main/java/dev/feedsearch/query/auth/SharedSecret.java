package dev.feedsearch.query.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A token that a caller presents and the server compares (the admin token, the service token). Too short a secret is
 * refused when it is configured, not discovered by whoever guesses it; the comparison takes time that depends only on
 * what the caller sent, so it says nothing about the secret.
 */
public final class SharedSecret {
    /** The shortest secret accepted: 16 characters of a random hex or base64 string are 64 to 96 bits. */
    public static final int MIN_CHARS = 16;

    private final byte[] secret;

    private SharedSecret(byte[] secret) {
        this.secret = secret;
    }

    /**
     * @param name  where the value came from (an environment variable), for the message when it is refused
     * @param value the secret: at least {@link #MIN_CHARS} characters, no whitespace (a header value is trimmed, so a
     *              secret with spaces at its ends could never match)
     * @throws IllegalArgumentException naming {@code name} when the value is too short or holds whitespace
     */
    public static SharedSecret of(String name, String value) {
        if (value == null || value.length() < MIN_CHARS) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_CHARS + " characters (got "
                    + (value == null ? "none" : value.length()) + "); generate one with: openssl rand -hex 32");
        }
        if (value.chars().anyMatch(Character::isWhitespace))
            throw new IllegalArgumentException(name + " must not contain whitespace");
        return new SharedSecret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Like {@link #of}, with null or blank meaning "not configured" (null). */
    public static SharedSecret optional(String name, String value) {
        return value == null || value.isBlank() ? null : of(name, value);
    }

    /** Constant-time in the secret: {@link MessageDigest#isEqual} walks the given bytes whatever they hold. */
    public boolean matches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret);
    }

    @Override
    public String toString() {
        return "SharedSecret[redacted]";
    }
}
