package dev.feedsearch.query;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a request's raw query string before any handler reads a parameter: every name is one the route takes and
 * appears once, and every percent-encoding is well formed UTF-8. The servlet layer decodes leniently (a bad
 * {@code %zz} silently drops the parameter, so {@code author=%zz} searched everyone), and ignores names it does not
 * know (a typo such as {@code limt} did nothing): both are a 400 naming the parameter instead.
 */
final class QueryString {
    private QueryString() {}

    /** @throws ApiException 400 naming the first parameter that is unknown, repeated or badly encoded */
    static void check(String raw, Set<String> allowed) {
        if (raw == null || raw.isEmpty()) return;
        Set<String> seen = new HashSet<>();
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName, "query");
            if (eq >= 0) decode(pair.substring(eq + 1), name);
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(
                        name,
                        "unknown parameter '" + name + "'"
                                + (allowed.isEmpty()
                                        ? "; this route takes none"
                                        : "; this route takes "
                                                + allowed.stream().sorted().toList()));
            }
            if (!seen.add(name)) throw ApiException.badRequest(name, name + " is given more than once");
        }
    }

    /** Strict application/x-www-form-urlencoded decoding: {@code %XX} with two hex digits, the bytes valid UTF-8. */
    static String decode(String s, String field) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0)
                    throw ApiException.badRequest(
                            field, field + " has a malformed percent-encoding (use %XX with two hex digits)");
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else { // a run of literal characters (a surrogate pair stays whole)
                int end = i + 1;
                while (end < s.length() && s.charAt(end) != '%' && s.charAt(end) != '+') end++;
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(field, field + " is not valid UTF-8 once percent-decoded");
        }
    }
}
