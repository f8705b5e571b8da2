package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

public class SafetensorsTest {
    public static final Path REFERENCE = Path.of("src/test/resources/reference");

    @TempDir
    Path dir;

    static Tensor bits(Shape shape, int... bits) {
        float[] d = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            d[i] = Float.intBitsToFloat(bits[i]);
        }
        return Tensor.wrap(shape, d);
    }

    static int[] bitsOf(Tensor t) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(t.data()[i]);
        }
        return out;
    }

    public static void assertBitEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), "names and order");
        for (String k : expected.keySet()) {
            assertEquals(expected.get(k).shape(), actual.get(k).shape(), k);
            assertArrayEquals(bitsOf(expected.get(k)), bitsOf(actual.get(k)), k);
        }
    }

    public static Map<String, Tensor> copyOf(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    static Map<String, Tensor> specialTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        // signalling NaN, NaN with payload, negative NaN, -0.0, subnormals, infinities, extremes
        m.put("trunk.0.weight", bits(Shape.of(2, 5), 0x7f800001, 0x7fc00123, 0xffc00000, 0x80000000, 0x00000001,
                0x807fffff, 0x7f800000, 0xff800000, 0x7f7fffff, 0x3f800000));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("empty.middle", Tensor.zeros(3, 0, 2));
        m.put("scalar", Tensor.scalar(-0.0f));
        m.put("heads.\"quoted\" ünïcødé ✓", Tensor.arange(1, 1, 4));
        m.put("big", Tensor.randn(1, 300_000)); // more than one 1 MiB chunk
        return m;
    }

    @Test
    void roundTripIsBitExactWithMetadataAndOrder() {
        Map<String, Tensor> tensors = specialTensors();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "line\nbreak \"quotes\" \\ tab\t ✓ \u0001");
        metadata.put("", "");
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, tensors, metadata);
        Safetensors.Contents c = Safetensors.read(file);
        assertBitEqual(tensors, c.tensors());
        assertEquals(metadata, c.metadata());
        c.dtypes().values().forEach(d -> assertEquals(Dtype.F32, d));
        // the same through the in-memory writer and reader
        byte[] bytes = Safetensors.toBytes(tensors, metadata);
        assertBitEqual(tensors, Safetensors.read(bytes, "mem").tensors());
        assertEquals(0, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong() % 8,
                "the header is padded to a multiple of 8 bytes");
    }

    @Test
    void anEmptyFileHasNoTensors() {
        byte[] bytes = Safetensors.toBytes(Map.of(), Map.of());
        // the reference implementation's bytes for an empty map: length 8, "{}" and six spaces
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, bytes);
        assertTrue(Safetensors.read(bytes, "mem").tensors().isEmpty());
    }

    @Test
    void writeReplacesAFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Safetensors.write(file, Map.of("a", Tensor.ones(2)));
        Safetensors.write(file, Map.of("b", Tensor.ones(3)));
        assertEquals(List.of("b"), new ArrayList<>(Safetensors.load(file).keySet()));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
        List<Safetensors.Entry> entries = Safetensors.entries(file);
        assertEquals(List.of(new Safetensors.Entry("b", Dtype.F32, Shape.of(3), 0, 12)), entries);
    }

    @Test
    void loadsTheFileWrittenByTheSafetensorsPythonLibrary() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> ref = (Map<String, Object>) Json.parse(
                Files.readString(REFERENCE.resolve("safetensors_mixed.json")), "safetensors_mixed.json");
        Safetensors.Contents c = Safetensors.read(REFERENCE.resolve("safetensors_mixed.safetensors"));
        assertEquals(ref.get("metadata"), c.metadata());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> expected = (Map<String, Map<String, Object>>) ref.get("tensors");
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(c.tensors()).keySet());
        for (var e : expected.entrySet()) {
            String name = e.getKey();
            assertEquals(Dtype.valueOf((String) e.getValue().get("dtype")), c.dtypes().get(name), name);
            assertEquals(Shape.of(ints(e.getValue().get("shape"))), c.tensors().get(name).shape(), name);
            assertArrayEquals(ints(e.getValue().get("float32_bits")), bitsOf(c.tensors().get(name)), name);
        }
        // the library orders data by dtype alignment, then name; we keep the file's data order
        assertEquals("i64", c.tensors().keySet().iterator().next());
    }

    @Test
    void writesTheSameBytesAsTheSafetensorsPythonLibrary() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) Json.parse(
                Files.readString(REFERENCE.resolve("safetensors_f32.json")), "safetensors_f32.json");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> ref = (Map<String, Map<String, Object>>) file.get("tensors");
        Map<String, Tensor> sorted = new TreeMap<>();
        ref.forEach((name, info) -> sorted.put(name, bits(Shape.of(ints(info.get("shape"))),
                ints(info.get("float32_bits")))));
        byte[] expected = Files.readAllBytes(REFERENCE.resolve("safetensors_f32.safetensors"));
        assertArrayEquals(expected, Safetensors.toBytes(sorted, Map.of("format", "pt")));
    }

    static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) ((Number) l.get(i)).longValue();
        }
        return out;
    }

    // ------------------------------------------------------------------ errors

    /** A file of an (unpadded) header and {@code data} bytes of value {@code fill}. */
    static byte[] file(String header, int data, int fill) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < data; i++) {
            b.put((byte) fill);
        }
        return b.array();
    }

    static byte[] file(String header, int data) {
        return file(header, data, 0);
    }

    static String error(byte[] bytes) {
        return assertThrows(FormatException.class, () -> Safetensors.read(bytes, "x.safetensors")).getMessage();
    }

    static String t(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets
                + "}";
    }

    @Test
    void headerLengthFaults() throws IOException {
        assertEquals("x.safetensors: file has 3 bytes, fewer than the 8 of the header length",
                error(new byte[3]));
        byte[] huge = new byte[1234];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(8589934592L);
        Path f = dir.resolve("huge.safetensors");
        Files.write(f, huge);
        assertEquals(f + ": header length 8589934592 exceeds file size 1234",
                assertThrows(FormatException.class, () -> Safetensors.load(f)).getMessage());
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        assertEquals("x.safetensors: header length 18446744073709551615 exceeds file size 1234", error(huge));
        assertEquals("x.safetensors: header length 1 is too short for a JSON object", error(file("{", 0)));
        Path missing = dir.resolve("none.safetensors");
        assertEquals(missing + ": no such file",
                assertThrows(FormatException.class, () -> Safetensors.load(missing)).getMessage());
    }

    @Test
    void headerLimitFault() throws IOException {
        // a sparse file: large enough for the header length to fit, without writing 100 MB
        Path f = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(100_000_100L);
            raf.write(new byte[] {1, (byte) 0xe1, (byte) 0xf5, 5, 0, 0, 0, 0}); // 100000001, little-endian
        }
        assertEquals(f + ": header length 100000001 exceeds the limit of 100000000 bytes",
                assertThrows(FormatException.class, () -> Safetensors.load(f)).getMessage());
    }

    @Test
    void headerTextFaults() {
        byte[] notUtf8 = file("{\"a\u00e9\":1}", 0);
        notUtf8[8 + 3] = (byte) 0xff;
        assertEquals("x.safetensors: header is not valid UTF-8 (at byte 3 of the header)", error(notUtf8));
        assertEquals("x.safetensors: header: malformed JSON at offset 22 (line 1, column 23): unexpected '}', "
                + "expected a string key", error(file("{\"w\": {\"dtype\": \"F32\",}}", 0)));
        assertEquals("x.safetensors: header: malformed JSON at offset 3 (line 1, column 4): unexpected 'x' after "
                + "the value", error(file("{} x", 0)));
        assertEquals("x.safetensors: header: malformed JSON at offset 8 (line 2, column 3): unexpected end of "
                + "input, expected a value", error(file("{\"a\":\n  ", 0)));
        assertEquals("x.safetensors: header must be a JSON object, got a list", error(file("[1, 2]  ", 0)));
        assertEquals("x.safetensors: header: malformed JSON at offset 54 (line 1, column 55): duplicate key \"w\"",
                error(file("{" + t("w", "F32", "[1]", "[0,4]") + "," + t("w", "F32", "[1]", "[4,8]") + "}", 8)));
        assertTrue(error(file("[".repeat(200) + "]".repeat(200), 0)).endsWith("nesting deeper than 128 levels"));
    }

    @Test
    void tensorEntryFaults() {
        assertEquals("x.safetensors: tensor 'w': data_offsets [0, 12] hold 12 bytes but shape [2, 2] of F32 needs 16",
                error(file("{" + t("w", "F32", "[2,2]", "[0,12]") + "}", 12)));
        assertEquals("x.safetensors: tensor 'w': unknown dtype 'F17'",
                error(file("{" + t("w", "F17", "[1]", "[0,4]") + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': data_offsets [0, 64] reach past the end of the 16-byte data buffer",
                error(file("{" + t("w", "F32", "[16]", "[0,64]") + "}", 16)));
        assertEquals("x.safetensors: tensor 'w': data_offsets [8, 4] end before they begin",
                error(file("{" + t("w", "F32", "[1]", "[8,4]") + "}", 8)));
        assertEquals("x.safetensors: tensor 'w': missing 'data_offsets'",
                error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)));
        assertEquals("x.safetensors: tensor 'w': unknown field 'strides' (expected dtype, shape and data_offsets)",
                error(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"strides\":[1]}}", 4)));
        assertEquals("x.safetensors: tensor 'w': expected an object with dtype, shape and data_offsets, got a number",
                error(file("{\"w\":3}", 0)));
        assertEquals("x.safetensors: tensor 'w': dtype must be a string, got null",
                error(file("{" + "\"w\":{\"dtype\":null,\"shape\":[1],\"data_offsets\":[0,4]}" + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': shape must be a list of non-negative integers, got [2,-1]",
                error(file("{" + t("w", "F32", "[2,-1]", "[0,4]") + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': shape must be a list of non-negative integers, got [2.5]",
                error(file("{" + t("w", "F32", "[2.5]", "[0,4]") + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': data_offsets must be a list of 2 non-negative integers, got [0]",
                error(file("{" + t("w", "F32", "[1]", "[0]") + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': shape [65536, 65536] has more than 2^31-1 elements",
                error(file("{" + t("w", "F32", "[65536,65536]", "[0,4]") + "}", 4)));
        assertEquals("x.safetensors: tensor 'w': dimension 3000000000 of shape [3000000000] exceeds 2^31-1",
                error(file("{" + t("w", "F32", "[3000000000]", "[0,4]") + "}", 4)));
        assertEquals("x.safetensors: '__metadata__' entry 'epoch' must be a string, got a number",
                error(file("{\"__metadata__\":{\"epoch\":3}}", 0)));
        assertEquals("x.safetensors: '__metadata__' must be an object of strings, got a list",
                error(file("{\"__metadata__\":[]}", 0)));
    }

    @Test
    void bufferCoverageFaults() {
        assertEquals("x.safetensors: tensors 'a' [0, 16] and 'b' [8, 24] overlap",
                error(file("{" + t("a", "F32", "[4]", "[0,16]") + "," + t("b", "F32", "[4]", "[8,24]") + "}", 24)));
        assertEquals("x.safetensors: bytes [8, 16) of the data buffer belong to no tensor (between 'a' and 'b')",
                error(file("{" + t("a", "F32", "[2]", "[0,8]") + "," + t("b", "F32", "[2]", "[16,24]") + "}", 24)));
        assertEquals("x.safetensors: bytes [0, 4) of the data buffer belong to no tensor (before 'a')",
                error(file("{" + t("a", "F32", "[1]", "[4,8]") + "}", 8)));
        assertEquals("x.safetensors: 4 trailing bytes after the tensor data (tensors end at byte 8 of the 12-byte "
                + "data buffer)", error(file("{" + t("a", "F32", "[2]", "[0,8]") + "}", 12)));
        assertEquals("x.safetensors: 5 trailing bytes after the tensor data (tensors end at byte 0 of the 5-byte "
                + "data buffer)", error(file("{}", 5)));
        // offsets in any order are fine as long as they tile the buffer
        Map<String, Tensor> m = Safetensors.read(file("{" + t("b", "F32", "[1]", "[4,8]") + "," + t("a", "F32",
                "[1]", "[0,4]") + "," + t("e", "F32", "[0]", "[8,8]") + "}", 8), "x").tensors();
        assertEquals(List.of("a", "b", "e"), new ArrayList<>(m.keySet()));
    }

    @Test
    void conversionFaults() {
        byte[] i64 = file("{" + t("ids", "I64", "[2]", "[0,16]") + "}", 16);
        ByteBuffer.wrap(i64, i64.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(16777217L);
        assertEquals("x.safetensors: tensor 'ids': I64 value 16777217 at index 1 is not exactly representable as "
                + "float32 (integers must lie in [-2^24, 2^24])", error(i64));
        byte[] f64 = file("{" + t("d", "F64", "[1]", "[0,8]") + "}", 8);
        ByteBuffer.wrap(f64, f64.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e300);
        assertEquals("x.safetensors: tensor 'd': F64 value 1.0E300 at index 0 is outside the float32 range",
                error(f64));
        assertEquals("x.safetensors: tensor 'm': BOOL value 2 at index 0 is not a boolean (0 or 1)",
                error(file("{" + t("m", "BOOL", "[1]", "[0,1]") + "}", 1, 2)));
        assertEquals("x.safetensors: tensor 'q': dtype F8_E4M3 cannot be read as float32 (readable: BOOL, U8, I8, "
                + "I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)",
                error(file("{" + t("q", "F8_E4M3", "[1]", "[0,1]") + "}", 1)));
    }

    @Test
    void writerRefusesWhatTheFormatCannotHold() {
        assertThrows(IllegalArgumentException.class,
                () -> Safetensors.toBytes(Map.of("__metadata__", Tensor.ones(1)), Map.of()));
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.toBytes(withNull, Map.of()));
    }

    @Test
    void halfPrecisionConversionIsExact() {
        // every one of the 65536 half values against an independent route: the half's value computed in double
        for (int h = 0; h < 65536; h++) {
            float got = Dtype.halfToFloat((short) h);
            int exp = (h >>> 10) & 0x1f;
            int mant = h & 0x3ff;
            double sign = (h & 0x8000) != 0 ? -1 : 1;
            if (exp == 0x1f) {
                assertTrue(mant == 0 ? Float.isInfinite(got) : Float.isNaN(got));
                assertEquals(mant << 13, Float.floatToRawIntBits(got) & 0x7fffff, "NaN payload kept");
                continue;
            }
            double want = exp == 0 ? sign * mant * Math.pow(2, -24) : sign * (1 + mant / 1024.0) * Math.pow(2, exp - 15);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), "half 0x"
                    + Integer.toHexString(h));
        }
    }
}
