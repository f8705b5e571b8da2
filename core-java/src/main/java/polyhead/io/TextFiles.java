package polyhead.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the text files a program takes from its user (JSON specs, CSV data, baselines, run folders' JSON, checkpoint
 * metadata) as UTF-8, and says in one line what is wrong with a file that is not: a UTF-8 byte-order mark is accepted
 * and dropped; a UTF-16 or UTF-32 file (by its byte-order mark, or by the zero bytes between its characters) is named
 * as such ({@code x.json: the file is UTF-16 text; save it as UTF-8}); a byte that is not UTF-8 is named with its
 * offset and line ({@code x.csv: byte 0xE9 at offset 10 (line 2) is not UTF-8; ...}). A file that cannot be read is
 * named in the words of {@link FileFaults}. Every fault is a {@link FormatException}.
 */
public final class TextFiles {
    /** How many bytes at the start of a file are looked at for the zero bytes of UTF-16 or UTF-32 text. */
    private static final int SNIFF = 1024;
    private static final int BUFFER = 1 << 16;

    private TextFiles() {
    }

    /** The whole text of {@code file}. */
    public static String read(Path file) {
        try (Reader in = reader(file)) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sb.append(buf, 0, n);
            }
            return sb.toString();
        } catch (IOException e) {
            throw FileFaults.readFault(file, e);
        }
    }

    /**
     * The text of {@code file}, decoded as it is read (for files too large to hold twice); its faults, those of
     * reading included, are {@link FormatException}s thrown by the reader's {@code read}.
     */
    public static BufferedReader reader(Path file) {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException e) {
            throw FileFaults.readFault(file, e);
        }
        return new BufferedReader(new Utf8Reader(in, file.toString()), BUFFER);
    }

    /** The text of {@code bytes}, read as a file's would be; {@code source} names them in faults. */
    public static String decode(byte[] bytes, String source) {
        try (Reader in = new Utf8Reader(new java.io.ByteArrayInputStream(bytes), source)) {
            StringBuilder sb = new StringBuilder(bytes.length);
            char[] buf = new char[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sb.append(buf, 0, n);
            }
            return sb.toString();
        } catch (IOException e) {
            throw new IllegalStateException("a byte array stream cannot fail", e);
        }
    }

    /**
     * The encoding other than UTF-8 that the first bytes of a file show, or null: a UTF-16 or UTF-32 byte-order mark,
     * or zero bytes in the places where UTF-16 or UTF-32 puts them for text that is mostly ASCII (a zero byte here or
     * there, as in a damaged name, is not such a pattern).
     */
    static String otherEncoding(byte[] b, int n) {
        if (n >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xfe && (b[3] & 0xff) == 0xff) {
            return "UTF-32";
        }
        if (n >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe && b[2] == 0 && b[3] == 0) {
            return "UTF-32";
        }
        if (n >= 2 && ((b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff
                || (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe)) {
            return "UTF-16";
        }
        int units = n / 4 * 4;
        if (units < 4) {
            return null;
        }
        int[] zeros = new int[4];
        for (int i = 0; i < units; i++) {
            if (b[i] == 0) {
                zeros[i % 4]++;
            }
        }
        int quarter = units / 4;
        // UTF-32 of mostly ASCII text: three bytes of each four are zero (the first three or the last three)
        boolean utf32 = mostly(zeros[1], quarter) && mostly(zeros[2], quarter)
                && (mostly(zeros[0], quarter) && rarely(zeros[3], quarter)
                        || mostly(zeros[3], quarter) && rarely(zeros[0], quarter));
        if (utf32) {
            return "UTF-32";
        }
        // UTF-16 of mostly ASCII text: one byte of each pair is zero nearly always, the other nearly never
        int evenZeros = zeros[0] + zeros[2];
        int oddZeros = zeros[1] + zeros[3];
        int half = units / 2;
        if (mostly(Math.max(evenZeros, oddZeros), half) && rarely(Math.min(evenZeros, oddZeros), half)) {
            return "UTF-16";
        }
        return null;
    }

    /** At least 70% of {@code of}. */
    private static boolean mostly(int count, int of) {
        return count * 10 >= of * 7;
    }

    /** At most 10% of {@code of}. */
    private static boolean rarely(int count, int of) {
        return count * 10 <= of;
    }

    /** Decodes UTF-8 strictly, counting bytes and lines so that a fault can say where it is. */
    private static final class Utf8Reader extends Reader {
        private final InputStream in;
        private final String source;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
        /** Offset in the file of {@code bytes}' first byte. */
        private long consumed;
        private long lines = 1;
        private boolean started;
        private boolean end;
        private boolean flushed;

        Utf8Reader(InputStream in, String source) {
            this.in = in;
            this.source = source;
            bytes.flip();
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!started) {
                start();
            }
            CharBuffer out = CharBuffer.wrap(cbuf, off, len);
            while (out.position() == off) {
                if (flushed) {
                    return -1;
                }
                CoderResult r = decoder.decode(bytes, out, end);
                if (r.isError()) {
                    if (out.position() > off) {
                        break; // the text before the fault first; the next read reaches the fault again
                    }
                    throw notUtf8();
                }
                if (out.position() > off || r.isOverflow()) {
                    break;
                }
                if (end) {
                    decoder.flush(out);
                    flushed = true;
                } else {
                    fill();
                }
            }
            int n = out.position() - off;
            for (int i = off; i < off + n; i++) {
                if (cbuf[i] == '\n') {
                    lines++;
                }
            }
            return n == 0 && flushed ? -1 : n;
        }

        /** Reads the first bytes: a UTF-8 byte-order mark is skipped, another encoding is a fault. */
        private void start() {
            started = true;
            while (!end && bytes.remaining() < SNIFF) {
                fill();
            }
            byte[] head = new byte[Math.min(SNIFF, bytes.remaining())];
            bytes.get(bytes.position(), head);
            String other = otherEncoding(head, head.length);
            if (other != null) {
                throw new FormatException(source + ": the file is " + other + " text; save it as UTF-8");
            }
            if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
                    && (head[2] & 0xff) == 0xbf) {
                bytes.position(bytes.position() + 3);
            }
        }

        /** More bytes after those not yet decoded; sets {@code end} at the end of the stream. */
        private void fill() {
            consumed += bytes.position();
            bytes.compact();
            int n;
            try {
                n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            } catch (IOException e) {
                throw FileFaults.readFault(source, e);
            }
            if (n < 0) {
                end = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }

        private FormatException notUtf8() {
            long offset = consumed + bytes.position();
            int b = bytes.get(bytes.position()) & 0xff;
            return new FormatException(source + ": byte 0x" + String.format("%02X", b) + " at offset " + offset
                    + " (line " + lines + ") is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or "
                    + "Windows-1252)");
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
