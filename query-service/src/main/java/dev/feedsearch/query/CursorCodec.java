package dev.feedsearch.query;

import dev.feedsearch.core.index.MatchBoosts;
import dev.feedsearch.core.index.SearchQuery;
import dev.feedsearch.core.index.SortKey;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.query.rank.RelevanceWindow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Opaque cursors, one place for every kind: what a page needs to continue, plus a fingerprint of the query and viewer
 * that made it, sealed with an HMAC ({@link CursorSigner}) so a client cannot forge or alter one. Every field is
 * range-checked on the way back in as well: a key rotation or a bug must not turn a cursor into a resource bomb.
 * A cursor carries no post content; visibility is re-checked by the engine on every page.
 */
public final class CursorCodec {
    private static final String RECENT = "c1", RELEVANCE = "r1", FEED = "f1";
    private static final String INVALID = "cursor is not a valid cursor (use next_cursor from a previous page as is)";
    private static final int MAX_GROUPS = 64;
    private static final Pattern GROUP = Pattern.compile("[a-z][a-z0-9_]{0,31}"),
            LANGUAGE = Pattern.compile("[a-z]{2,3}");

    private final CursorSigner signer;

    public CursorCodec(CursorSigner signer) {
        this.signer = signer;
    }

    public String encode(SortKey key, SearchQuery q) {
        return signer.seal(RECENT + '\n' + fingerprint(q) + '\n' + key.value() + '\n' + key.id());
    }

    /** @throws ApiException (400, field {@code cursor}) when malformed, forged or made for another query */
    public SortKey decode(String cursor, SearchQuery q) {
        String[] parts = open(cursor, RECENT, q);
        if (parts.length != 4) throw invalid();
        return new SortKey(number(parts[2], Long.MIN_VALUE, Long.MAX_VALUE), id(parts[3]));
    }

    /**
     * A relevance cursor: the query's language groups and the client's language as the first page had them (later
     * pages keep them, so the order does not change under the reader when the network's counts or a header
     * move), and the window position.
     */
    public record Relevance(Set<String> queryGroups, String clientLanguage, RelevanceWindow.Position position) {}

    public String encode(Relevance r, SearchQuery q) {
        RelevanceWindow.Position p = r.position();
        String where = p.inWindow()
                ? "w\n" + p.tier() + '\n' + Double.doubleToLongBits(p.score()) + '\n' + p.id()
                : "e\n" + p.engineKey().value() + '\n' + p.engineKey().id();
        return signer.seal(RELEVANCE
                + '\n'
                + fingerprint(q)
                + '\n'
                + String.join(",", r.queryGroups())
                + ';'
                + (r.clientLanguage() == null ? "" : r.clientLanguage())
                + '\n'
                + p.asOfMillis()
                + '\n'
                + where);
    }

    /** @throws ApiException (400, field {@code cursor}) when malformed, forged or made for another query */
    public Relevance decodeRelevance(String cursor, SearchQuery q) {
        String[] parts = open(cursor, RELEVANCE, q);
        if (parts.length < 7) throw invalid();
        String[] languages = parts[2].split(";", -1);
        if (languages.length != 2) throw invalid();
        Set<String> groups = new TreeSet<>();
        if (!languages[0].isEmpty()) {
            List<String> names = List.of(languages[0].split(",", MAX_GROUPS + 1));
            if (names.size() > MAX_GROUPS) throw invalid();
            for (String g : names) {
                if (!GROUP.matcher(g).matches()) throw invalid();
                groups.add(g);
            }
        }
        String client = languages[1].isEmpty() ? null : languages[1];
        if (client != null && !LANGUAGE.matcher(client).matches()) throw invalid();
        long asOf = millis(parts[3]);
        RelevanceWindow.Position p;
        if (parts[4].equals("w") && parts.length == 8) {
            int tier = (int) number(parts[5], 0, MatchBoosts.MAX_TIER);
            double score = Double.longBitsToDouble(number(parts[6], Long.MIN_VALUE, Long.MAX_VALUE));
            if (!Double.isFinite(score)) throw invalid();
            p = new RelevanceWindow.Position(asOf, true, tier, score, id(parts[7]), null);
        } else if (parts[4].equals("e") && parts.length == 7) {
            SortKey key = new SortKey(number(parts[5], Long.MIN_VALUE, Long.MAX_VALUE), id(parts[6]));
            // with text the engine key is a finite float score's bits; without, epoch millis
            if (q.text() != null && (key.value() != (int) key.value() || !Float.isFinite(key.score()))) throw invalid();
            p = RelevanceWindow.Position.pastWindow(asOf, key);
        } else {
            throw invalid();
        }
        return new Relevance(groups, client, p);
    }

    /** A feed cursor: the session it pages through, whose viewer it is, the session's time, offset and page size. */
    public record Feed(String sessionId, String viewer, Instant now, int offset, int pageSize) {}

    public String encode(Feed f) {
        return signer.seal(String.join(
                "\n",
                FEED,
                f.sessionId(),
                f.viewer(),
                Long.toString(f.now().toEpochMilli()),
                Integer.toString(f.offset()),
                Integer.toString(f.pageSize())));
    }

    /**
     * @param maxOffset the most items a session holds (a larger offset was never written)
     * @throws ApiException (400, field {@code cursor}) when malformed, forged or another viewer's
     */
    public Feed decodeFeed(String cursor, String viewer, int maxOffset) {
        String[] f = unseal(cursor).split("\n", -1);
        if (f.length != 6 || !f[0].equals(FEED)) throw invalid();
        if (!f[2].equals(viewer))
            throw ApiException.badRequest("cursor", "cursor belongs to another viewer; start again without cursor");
        try {
            UUID.fromString(f[1]);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        return new Feed(f[1], f[2], Instant.ofEpochMilli(millis(f[3])), (int) number(f[4], 0, maxOffset), (int)
                number(f[5], 1, SearchParams.MAX_LIMIT));
    }

    private String unseal(String cursor) {
        return signer.open(cursor).orElseThrow(CursorCodec::invalid);
    }

    /** The cursor's lines, once its seal, version and its query's fingerprint are checked. */
    private String[] open(String cursor, String version, SearchQuery q) {
        String[] lines = unseal(cursor).split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(version)) throw invalid();
        if (!lines[1].equals(fingerprint(q))) {
            throw ApiException.badRequest(
                    "cursor", "cursor belongs to a different query or viewer; start again without cursor");
        }
        return lines;
    }

    private static long number(String s, long min, long max) {
        try {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw invalid();
    }

    private static long millis(String s) {
        return number(s, PostJson.MIN_TIME.toEpochMilli(), PostJson.MAX_TIME_EXCLUSIVE.toEpochMilli() - 1);
    }

    private static String id(String s) {
        if (s.isEmpty() || s.length() > PostJson.MAX_ID_CHARS) throw invalid();
        return s;
    }

    private static ApiException invalid() {
        return ApiException.badRequest("cursor", INVALID);
    }

    /** Everything that decides the result order and membership, except the page position and size. */
    static String fingerprint(SearchQuery q) {
        String canonical = String.join(
                "\u001f",
                String.valueOf(q.text()),
                String.valueOf(q.lang()),
                String.valueOf(q.author()),
                String.valueOf(q.tags()),
                String.valueOf(q.since()),
                String.valueOf(q.until()),
                q.sort().name(),
                String.valueOf(q.viewer()));
        if (q.syntax() != null
                || !q.mentions().isEmpty()
                || q.reply() != null
                || q.replyTo() != null) { // (cursors of plain queries unchanged)
            canonical +=
                    "\u001f" + q.syntax() + "\u001f" + q.mentions() + "\u001f" + q.reply() + "\u001f" + q.replyTo();
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
