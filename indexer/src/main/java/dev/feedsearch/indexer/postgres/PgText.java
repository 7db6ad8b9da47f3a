package dev.feedsearch.indexer.postgres;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL's text output of the few types the tables use (what pgoutput sends and what
 * {@code column::text} returns), parsed without the server's help. Anything unexpected yields empty, and
 * the caller passes the raw text on so validation rejects it with a reason instead of guessing.
 */
final class PgText {
    private PgText() {}

    /**
     * {@code timestamptz} in DateStyle ISO: {@code 2026-11-01 12:00:00.123+05:30} (the offset is the
     * session's time zone, and may be {@code +05} or {@code +05:53:28}). A {@code timestamp} without zone
     * is read as UTC. A year past 9999 (PostgreSQL goes to 294276) is read too, so validation can name it as out of
     * range rather than unreadable.
     */
    static Optional<String> instant(String s) {
        if (s.length() < 19) return Optional.empty();
        int offsetAt = -1;
        for (int i = s.length() - 1; i > 10; i--) {
            char c = s.charAt(i);
            if (c == '+' || c == '-') {
                offsetAt = i;
                break;
            }
            if (c == ' ' || c == 'T') break;
        }
        try {
            String local = (offsetAt < 0 ? s : s.substring(0, offsetAt)).replace(' ', 'T');
            if (local.indexOf('-') > 4) local = "+" + local; // a year past 9999, which ISO-8601 writes with a sign
            ZoneOffset offset = offsetAt < 0 ? ZoneOffset.UTC : ZoneOffset.of(s.substring(offsetAt));
            return Optional.of(LocalDateTime.parse(local).toInstant(offset).toString());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A one-dimensional array literal such as {@code {a,"b c",NULL}}; NULL elements come back as null. */
    static Optional<List<String>> array(String s) {
        int start = s.startsWith("[") ? s.indexOf('=') + 1 : 0; // "[0:1]={...}" when the lower bound is not 1
        if (start < 0 || start >= s.length() || s.charAt(start) != '{' || !s.endsWith("}")) return Optional.empty();
        List<String> out = new ArrayList<>();
        int i = start + 1, end = s.length() - 1;
        if (i == end) return Optional.of(out);
        while (i <= end) {
            StringBuilder item = new StringBuilder();
            boolean quoted = i < end && s.charAt(i) == '"';
            if (quoted) {
                i++;
                while (i < end && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\') i++;
                    item.append(s.charAt(i++));
                }
                if (i >= end) return Optional.empty();
                i++; // closing quote
            } else {
                while (i < end && s.charAt(i) != ',') {
                    char c = s.charAt(i++);
                    if (c == '{' || c == '"') return Optional.empty(); // nested array: not ours
                    item.append(c);
                }
            }
            out.add(!quoted && item.toString().equals("NULL") ? null : item.toString());
            if (i == end) break;
            if (s.charAt(i) != ',') return Optional.empty();
            i++;
        }
        return Optional.of(out);
    }

    /** {@code bool}: {@code t}/{@code f} (pgoutput and ::text), also true/false. */
    static Optional<Boolean> bool(String s) {
        return switch (s) {
            case "t", "true" -> Optional.of(true);
            case "f", "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
