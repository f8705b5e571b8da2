package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

class IdxTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            out.writeByte(i * 37);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            o.write(content);
        }
        return p;
    }

    @Test
    void readsPlainAndGzipUnsignedBytes() throws IOException {
        byte[] b = idx(0x00000803, new int[] {2, 2, 3}, 12);
        for (boolean gz : new boolean[] {false, true}) {
            Tensor t = Idx.read(write("x" + gz, b, gz));
            assertEquals(Shape.of(2, 2, 3), t.shape());
            assertEquals(37f, t.data()[1]);
            assertEquals((11 * 37) & 0xff, t.data()[11]);
        }
    }

    @Test
    void readsTheShippedFashionSubsetHeader() {
        Path labels = Path.of("../samples/data/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        Tensor t = Idx.read(labels);
        assertEquals(Shape.of(2000), t.shape());
        assertArrayEquals(new float[] {9, 2, 1, 1, 6}, java.util.Arrays.copyOf(t.data(), 5));
    }

    @Test
    void badFilesGetOneLineErrorsNamingTheFile() throws IOException {
        Path truncated = write("truncated.idx", idx(0x00000801, new int[] {10}, 4), false);
        FormatException e = assertThrows(FormatException.class, () -> Idx.read(truncated));
        assertEquals(truncated + ": truncated IDX file: header [10] announces 10 elements, found 4", e.getMessage());

        Path magic = write("magic.idx", idx(0x12345678, new int[] {}, 0), false);
        e = assertThrows(FormatException.class, () -> Idx.read(magic));
        assertTrue(e.getMessage().startsWith(magic + ": not an IDX file (magic number 0x12345678)"), e.getMessage());

        Path type = write("float.idx", idx(0x00000D01, new int[] {1}, 4), false);
        e = assertThrows(FormatException.class, () -> Idx.read(type));
        assertTrue(e.getMessage().contains("element type 0xd"), e.getMessage());

        Path extra = write("extra.idx", idx(0x00000801, new int[] {2}, 3), false);
        e = assertThrows(FormatException.class, () -> Idx.read(extra));
        assertTrue(e.getMessage().contains("data beyond the 2 elements"), e.getMessage());

        Path header = write("header.idx", new byte[] {0, 0, 8}, false);
        e = assertThrows(FormatException.class, () -> Idx.read(header));
        assertTrue(e.getMessage().startsWith(header + ": truncated"), e.getMessage());

        e = assertThrows(FormatException.class, () -> Idx.read(dir.resolve("absent.idx")));
        assertEquals(dir.resolve("absent.idx") + ": no such file", e.getMessage());

        Path huge = write("huge.idx", idx(0x00000803, new int[] {65536, 65536, 2}, 0), false);
        e = assertThrows(FormatException.class, () -> Idx.read(huge));
        assertTrue(e.getMessage().contains("more than 2^31"), e.getMessage());
    }
}
