package dev.feedsearch.indexer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines the way {@code wc -l} counts them: only {@code \n} ends a line (a bare
 * {@code \r} is part of its line, so it never shifts the numbering; before a {@code \n} it is JSON whitespace).
 * Works on bytes, so invalid UTF-8 is found per line ({@link #decode}) instead of breaking the whole read. A UTF-8
 * byte order mark at the very start is skipped. A line longer than {@code maxBytes} is not held in memory: only
 * its first {@code keepBytes} bytes are kept and {@link Line#length} tells its real size.
 */
public final class JsonlLines {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line without its {@code \n}.
     *
     * @param number  1-based, as {@code wc -l} would number it
     * @param bytes   the line, or only its first bytes when {@link #tooLong()}
     * @param length  the line's real length in bytes
     * @param offset  the byte offset of its first byte in the stream (BOM included)
     * @param ended   whether a {@code \n} ended it (false for a last line without one)
     */
    public record Line(long number, byte[] bytes, long length, long offset, boolean ended) {
        public boolean tooLong() {
            return length > bytes.length;
        }
    }

    private final InputStream in;
    private final int maxBytes, keepBytes;
    private final byte[] buf = new byte[1 << 16];
    private int pos, limit;
    private long consumed, lineNo;
    private boolean started;

    public JsonlLines(InputStream in, int maxBytes, int keepBytes) {
        if (keepBytes > maxBytes) throw new IllegalArgumentException("keepBytes > maxBytes");
        this.in = in;
        this.maxBytes = maxBytes;
        this.keepBytes = keepBytes;
    }

    /** Bytes consumed so far (for a progress bar). */
    public long bytesRead() {
        return consumed;
    }

    /** The next line, or null at the end of the stream. */
    public Line next() throws IOException {
        if (!started) {
            started = true;
            if (fill(BOM.length) && Arrays.equals(buf, pos, pos + BOM.length, BOM, 0, BOM.length)) {
                pos += BOM.length;
                consumed += BOM.length;
            }
        }
        long start = consumed;
        byte[] line = new byte[0];
        int kept = 0;
        long length = 0;
        boolean over = false; // longer than maxBytes: keep only its first keepBytes
        while (true) {
            if (pos == limit && !fill(1)) {
                if (length == 0) return null; // the stream ended right after a \n (or was empty)
                return new Line(++lineNo, trim(line, kept), length, start, false);
            }
            int nl = indexOf(buf, pos, limit, (byte) '\n');
            int end = nl < 0 ? limit : nl;
            int n = end - pos;
            length += n;
            if (!over && length > maxBytes) {
                over = true;
                if (kept > keepBytes) kept = keepBytes;
                line = Arrays.copyOf(line, kept); // what will not be kept is freed now
            }
            int cap = over ? keepBytes : maxBytes;
            int room = Math.min(n, cap - kept);
            if (room > 0) {
                if (kept + room > line.length)
                    line = Arrays.copyOf(line, Math.max(kept + room, Math.min(cap, Math.max(64, line.length * 2))));
                System.arraycopy(buf, pos, line, kept, room);
                kept += room;
            }
            consumed += n;
            pos = end;
            if (nl >= 0) {
                pos++;
                consumed++;
                return new Line(++lineNo, trim(line, kept), length, start, true);
            }
        }
    }

    /** Ensures at least {@code n} bytes are buffered, unless the stream ends first. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) return true;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) return limit - pos >= n;
            limit += r;
        }
        return true;
    }

    private static byte[] trim(byte[] b, int n) {
        return b.length == n ? b : Arrays.copyOf(b, n);
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) if (b[i] == x) return i;
        return -1;
    }

    /** Bytes that are not UTF-8, with where the first bad sequence starts. */
    public static final class MalformedUtf8Exception extends CharacterCodingException {
        private final int offset;

        MalformedUtf8Exception(int offset) {
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }

        @Override
        public String getMessage() {
            return "invalid UTF-8 at byte " + offset + " of the line";
        }
    }

    /** The line's text, strictly: any byte sequence that is not UTF-8 (surrogates encoded as UTF-8 included) fails. */
    public static String decode(byte[] bytes) throws MalformedUtf8Exception {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never has fewer bytes than UTF-16 chars
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) throw new MalformedUtf8Exception(in.position());
        r = d.flush(out);
        if (r.isError()) throw new MalformedUtf8Exception(in.position());
        return out.flip().toString();
    }

    /** The line's text for showing it: bytes that are not UTF-8 become U+FFFD. */
    public static String decodeLenient(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
