package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the IDX reader: random bytes, mutated and truncated valid files, headers announcing huge sizes,
 * plain and gzip'd. Every input must either load or fail with the library's {@link FormatException}, quickly and
 * without allocating for sizes the file does not hold.
 */
class IdxFuzzTest {
    @TempDir
    Path dir;

    private static byte[] valid(Random rng) {
        int rank = 1 + rng.nextInt(3);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * rank + 64);
        b.putInt(0x00000800 | rank);
        int size = 1;
        for (int i = 0; i < rank; i++) {
            int d = 1 + rng.nextInt(4);
            size *= d;
            b.putInt(d);
        }
        for (int i = 0; i < size; i++) {
            b.put((byte) rng.nextInt(256));
        }
        byte[] out = new byte[b.position()];
        b.flip();
        b.get(out);
        return out;
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bytes)) {
            g.write(raw);
        }
        return bytes.toByteArray();
    }

    @Test
    void noInputEscapesAsAnythingButDataException() {
        Random rng = new Random(2026);
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input;
            switch (i % 5) {
                case 0 -> {
                    input = new byte[rng.nextInt(40)];
                    rng.nextBytes(input);
                }
                case 1 -> {
                    input = valid(rng);
                    for (int k = 0; k < 1 + rng.nextInt(3); k++) {
                        input[rng.nextInt(input.length)] = (byte) rng.nextInt(256);
                    }
                }
                case 2 -> {
                    byte[] v = valid(rng);
                    input = java.util.Arrays.copyOf(v, rng.nextInt(v.length + 8));
                }
                case 3 -> {
                    // a header announcing up to 2^31 elements, with almost no data
                    ByteBuffer b = ByteBuffer.allocate(16);
                    b.putInt(0x00000803).putInt(rng.nextInt()).putInt(rng.nextInt()).putInt(rng.nextInt());
                    input = b.array();
                }
                default -> {
                    byte[] v = valid(rng);
                    try {
                        byte[] g = gzip(v);
                        g[10 + rng.nextInt(g.length - 10)] ^= (byte) (1 + rng.nextInt(255));
                        input = rng.nextBoolean() ? g : java.util.Arrays.copyOf(g, rng.nextInt(g.length));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            Path f = dir.resolve("case" + i + ".idx");
            byte[] bytes = input;
            try {
                Files.write(f, bytes);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    Idx.read(f);
                    return true;
                } catch (FormatException e) {
                    assertTrue(e.getMessage().startsWith(f.toString()), "the message names the file: " + e.getMessage());
                    return false;
                }
            }, "case " + i);
            if (ok) {
                loaded++;
            } else {
                refused++;
            }
        }
        assertTrue(loaded > 100 && refused > 100, "loaded " + loaded + ", refused " + refused);
    }
}
