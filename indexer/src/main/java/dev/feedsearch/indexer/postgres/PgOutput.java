package dev.feedsearch.indexer.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of PostgreSQL's built-in {@code pgoutput} plugin, protocol version 1 (see the server's
 * "Logical Replication Message Formats"), and their decoder. Only text-format values occur in version 1.
 * Without {@code streaming}, the server sends a transaction only once it has committed, whole, in commit
 * order, so every row between a Begin and its Commit belongs to a committed transaction.
 */
final class PgOutput {
    private PgOutput() {}

    /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    sealed interface Message permits Begin, Commit, Relation, Insert, Update, Delete, Truncate, Ignored {}

    /** @param finalLsn where the commit record starts */
    record Begin(long finalLsn, Instant commitTime, int xid) implements Message {}

    /** @param endLsn the end of the commit record: what is acknowledged so a restart skips this transaction */
    record Commit(long commitLsn, long endLsn, Instant commitTime) implements Message {}

    record Column(String name, int typeOid, boolean key) {}

    record Relation(int id, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements Message {
        String qualifiedName() {
            return (namespace.isEmpty() ? "pg_catalog" : namespace) + "." + name;
        }
    }

    /** One column of a tuple: {@code kind} is 'n' (null), 'u' (unchanged TOASTed value, not sent) or 't' (text). */
    record Value(char kind, String text) {
        static final Value NULL = new Value('n', null), UNCHANGED = new Value('u', null);
    }

    record Insert(int relationId, List<Value> newRow) implements Message {}

    /** @param oldRow the old row ('O', REPLICA IDENTITY FULL), its key ('K'), or null */
    record Update(int relationId, char oldKind, List<Value> oldRow, List<Value> newRow) implements Message {}

    record Delete(int relationId, char oldKind, List<Value> oldRow) implements Message {}

    record Truncate(List<Integer> relationIds, boolean cascade) implements Message {}

    /** Origin, Type, logical decoding messages: nothing for the index. */
    record Ignored(char tag) implements Message {}

    static Message decode(ByteBuffer b) {
        char tag = (char) b.get();
        return switch (tag) {
            case 'B' -> new Begin(b.getLong(), time(b.getLong()), b.getInt());
            case 'C' -> {
                b.get(); // flags, unused
                yield new Commit(b.getLong(), b.getLong(), time(b.getLong()));
            }
            case 'R' -> relation(b);
            case 'I' -> {
                int rel = b.getInt();
                expect(b, 'N');
                yield new Insert(rel, tuple(b));
            }
            case 'U' -> {
                int rel = b.getInt();
                char kind = (char) b.get();
                List<Value> old = null;
                if (kind == 'K' || kind == 'O') {
                    old = tuple(b);
                    expect(b, 'N');
                } else if (kind != 'N') {
                    throw new IllegalArgumentException("UPDATE: expected K, O or N, got '" + kind + "'");
                }
                yield new Update(rel, old == null ? 'N' : kind, old, tuple(b));
            }
            case 'D' -> {
                int rel = b.getInt();
                char kind = (char) b.get();
                if (kind != 'K' && kind != 'O')
                    throw new IllegalArgumentException("DELETE: expected K or O, got '" + kind + "'");
                yield new Delete(rel, kind, tuple(b));
            }
            case 'T' -> {
                int n = b.getInt();
                boolean cascade = (b.get() & 1) != 0;
                List<Integer> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) ids.add(b.getInt());
                yield new Truncate(ids, cascade);
            }
            case 'O', 'Y', 'M' -> new Ignored(tag);
            default -> throw new IllegalArgumentException("unknown pgoutput message '" + tag + "'");
        };
    }

    private static Relation relation(ByteBuffer b) {
        int id = b.getInt();
        String ns = string(b), name = string(b);
        char identity = (char) b.get();
        int n = b.getShort();
        List<Column> cols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (b.get() & 1) != 0;
            String col = string(b);
            int type = b.getInt();
            b.getInt(); // type modifier
            cols.add(new Column(col, type, key));
        }
        return new Relation(id, ns, name, identity, List.copyOf(cols));
    }

    private static List<Value> tuple(ByteBuffer b) {
        int n = b.getShort();
        List<Value> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            char kind = (char) b.get();
            values.add(
                    switch (kind) {
                        case 'n' -> Value.NULL;
                        case 'u' -> Value.UNCHANGED;
                        case 't' -> {
                            int len = b.getInt();
                            String s =
                                    new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
                            b.position(b.position() + len);
                            yield new Value('t', s);
                        }
                        default ->
                            throw new IllegalArgumentException("unknown tuple value kind '" + kind
                                    + "' (only protocol 1 text values are expected)");
                    });
        }
        return values;
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // scan to the terminating NUL
        }
        return new String(b.array(), b.arrayOffset() + start, b.position() - start - 1, StandardCharsets.UTF_8);
    }

    private static void expect(ByteBuffer b, char c) {
        char got = (char) b.get();
        if (got != c) throw new IllegalArgumentException("expected '" + c + "', got '" + got + "'");
    }

    private static Instant time(long pgMicros) {
        long micros = pgMicros + PG_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
    }
}
