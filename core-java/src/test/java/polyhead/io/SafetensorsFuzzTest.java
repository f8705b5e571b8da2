package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Property-based fuzzing of the safetensors reader (and the JSON parser under it), seeded and bounded: random bytes,
 * mutated valid files, every truncation, huge lengths and numbers. For every input the reader must return or throw a
 * {@link FormatException} — nothing else — within the time limit, allocating at most a small multiple of the input's
 * size; whatever it accepts must survive a write/read round trip.
 */
class SafetensorsFuzzTest {
    private static final long SEED = 20240607L;
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Map<String, Integer> OUTCOMES = new TreeMap<>();
    private static int inputs;

    @TempDir
    static Path dir;

    @BeforeAll
    static void enableAllocationCounting() {
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    @AfterAll
    static void report() {
        System.out.println("safetensors fuzzing: " + inputs + " inputs, " + OUTCOMES.size()
                + " distinct outcomes (numbers elided):");
        OUTCOMES.forEach((k, v) -> System.out.println(String.format("  %7d  %s", v, k)));
    }

    /** Reads {@code input}, requiring success or a FormatException, bounded allocation and a faithful round trip. */
    static void check(byte[] input) {
        inputs++;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Safetensors.Contents c;
        try {
            c = Safetensors.read(input, "fuzz");
        } catch (FormatException e) {
            record(e.getMessage());
            checkAllocation(input, before);
            return;
        } catch (Throwable t) {
            throw new AssertionError("the reader threw " + t + " for input " + hex(input), t);
        }
        checkAllocation(input, before);
        record("accepted");
        if (c.dtypes().values().stream().allMatch(d -> d == Dtype.F32)) {
            Safetensors.Contents again = Safetensors.read(Safetensors.toBytes(c.tensors(), c.metadata()), "again");
            SafetensorsTest.assertBitEqual(c.tensors(), again.tensors());
            if (!again.metadata().equals(c.metadata())) {
                fail("metadata changed in a round trip of " + hex(input));
            }
        }
    }

    private static void checkAllocation(byte[] input, long before) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long bound = 256L * input.length + (4 << 20);
        if (allocated > bound) {
            fail("reading " + input.length + " bytes allocated " + allocated + " bytes: " + hex(input));
        }
    }

    private static void record(String message) {
        String kind = message.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("-?\\d+(\\.\\d+)?(E-?\\d+)?", "N").replaceAll("character U\\+\\w+", "character U+N")
                .replaceAll("unexpected (\\S+|end of input)", "unexpected X");
        OUTCOMES.merge(kind, 1, Integer::sum);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 300)) + (b.length > 300 ? "…" : "")
                + " (" + b.length + " bytes)";
    }

    /** Valid files to mutate: ours, the Python library's, an empty one and a metadata-only one. */
    static List<byte[]> corpus() throws IOException {
        List<byte[]> c = new ArrayList<>();
        Map<String, Tensor> small = new LinkedHashMap<>();
        small.put("trunk.0.weight", SafetensorsTest.bits(Shape.of(2, 2), 0x7fc00123, 0x80000000, 1, 0x3f800000));
        small.put("e", Tensor.zeros(0, 2));
        small.put("s", Tensor.scalar(3f));
        c.add(Safetensors.toBytes(small, Map.of("format", "pt")));
        c.add(Safetensors.toBytes(Map.of(), Map.of()));
        c.add(Safetensors.toBytes(Map.of(), Map.of("k", "v")));
        c.add(Files.readAllBytes(SafetensorsTest.REFERENCE.resolve("safetensors_mixed.safetensors")));
        c.add(Files.readAllBytes(SafetensorsTest.REFERENCE.resolve("safetensors_f32.safetensors")));
        return c;
    }

    @Test
    void randomBytes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED);
            for (int i = 0; i < 4000; i++) {
                byte[] b = new byte[rng.nextInt(80)];
                rng.nextBytes(b);
                if (i % 2 == 1 && b.length >= 8) {
                    // a plausible header length, so that the JSON parser sees the random text
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rng.nextInt(b.length - 7));
                }
                check(b);
            }
        });
    }

    @Test
    void randomJsonLikeHeaders() {
        String[] tokens = {"{", "}", "[", "]", ",", ":", "\"", "\"w\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
            "\"F32\"", "\"F16\"", "\"I64\"", "\"__metadata__\"", "0", "4", "-1", "1e999", "18446744073709551616",
            "true", "null", " ", "\\u", "\\", "\n", "é", "\u0000"};
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED + 1);
            for (int i = 0; i < 4000; i++) {
                StringBuilder sb = new StringBuilder();
                int n = rng.nextInt(40);
                for (int k = 0; k < n; k++) {
                    sb.append(tokens[rng.nextInt(tokens.length)]);
                }
                check(SafetensorsTest.file(sb.toString(), rng.nextInt(24), rng.nextInt(256)));
            }
        });
    }

    @Test
    void mutatedValidFiles() throws IOException {
        List<byte[]> corpus = corpus();
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED + 2);
            for (int i = 0; i < 20000; i++) {
                byte[] b = corpus.get(rng.nextInt(corpus.size())).clone();
                int mutations = 1 + rng.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    b = mutate(b, rng);
                }
                check(b);
            }
        });
    }

    @Test
    void headerNumbersReplacedByExtremeValues() throws IOException {
        String[] extremes = {"0", "1", "-1", "-0", "7", "2147483647", "2147483648", "4294967296", "4294967295",
            "9007199254740993", "9223372036854775807", "9223372036854775808", "18446744073709551615",
            "18446744073709551616", "1e308", "1e309", "1.5", "0.0", "3e-400", "100000001"};
        Pattern number = Pattern.compile("-?\\d+");
        List<byte[]> corpus = corpus();
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED + 3);
            for (int i = 0; i < 6000; i++) {
                byte[] base = corpus.get(rng.nextInt(corpus.size()));
                long n = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong();
                String header = new String(base, 8, (int) n, StandardCharsets.UTF_8);
                Matcher m = number.matcher(header);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
                if (spans.isEmpty()) {
                    continue;
                }
                int[] s = spans.get(rng.nextInt(spans.size()));
                String mutated = header.substring(0, s[0]) + extremes[rng.nextInt(extremes.length)]
                        + header.substring(s[1]);
                int data = base.length - 8 - (int) n;
                byte[] out = SafetensorsTest.file(mutated, 0);
                byte[] whole = new byte[out.length + data];
                System.arraycopy(out, 0, whole, 0, out.length);
                System.arraycopy(base, 8 + (int) n, whole, out.length, data);
                check(whole);
            }
        });
    }

    @Test
    void everyTruncationAndExtension() throws IOException {
        List<byte[]> corpus = corpus();
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED + 4);
            for (byte[] base : corpus) {
                for (int len = 0; len <= base.length; len++) {
                    byte[] b = new byte[len];
                    System.arraycopy(base, 0, b, 0, len);
                    check(b);
                }
                for (int extra = 1; extra <= 64; extra++) {
                    byte[] b = new byte[base.length + extra];
                    System.arraycopy(base, 0, b, 0, base.length);
                    for (int k = base.length; k < b.length; k++) {
                        b[k] = (byte) rng.nextInt(256);
                    }
                    check(b);
                }
            }
        });
    }

    @Test
    void hugeHeaderLengths() throws IOException {
        List<byte[]> corpus = corpus();
        long[] lengths = {0, 1, 2, 7, 8, 9, Integer.MAX_VALUE, 1L << 31, 1L << 32, 8589934592L, Long.MAX_VALUE,
            Long.MIN_VALUE, -1, -8, 100_000_000, 100_000_001};
        assertTimeoutPreemptively(LIMIT, () -> {
            for (byte[] base : corpus) {
                long n = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong();
                for (long len : lengths) {
                    check(withLength(base, len));
                }
                for (long delta = -16; delta <= 16; delta++) {
                    check(withLength(base, n + delta));
                }
            }
        });
    }

    @Test
    void filesOnDiskFailTheSameWay() throws IOException {
        List<byte[]> corpus = corpus();
        Random rng = new Random(SEED + 5);
        for (int i = 0; i < 300; i++) {
            byte[] b = mutate(corpus.get(rng.nextInt(corpus.size())).clone(), rng);
            Path f = dir.resolve("f" + i + ".safetensors");
            Files.write(f, b);
            String fromBytes = outcome(() -> Safetensors.read(b, f.toString()));
            String fromFile = outcome(() -> Safetensors.read(f));
            if (!fromBytes.equals(fromFile)) {
                fail("file and byte readers disagree: " + fromBytes + " / " + fromFile + " for " + hex(b));
            }
        }
    }

    @Test
    void jsonParserOnlyEverThrowsDataException() {
        String alphabet = "{}[],:\"\\/ \t\n\r0123456789-+.eEtrufalsn\u00e9\u0000\ud800u";
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rng = new Random(SEED + 6);
            int accepted = 0;
            for (int i = 0; i < 20000; i++) {
                StringBuilder sb = new StringBuilder();
                int n = rng.nextInt(30);
                for (int k = 0; k < n; k++) {
                    sb.append(alphabet.charAt(rng.nextInt(alphabet.length())));
                }
                try {
                    Object v = Json.parse(sb.toString(), "fuzz");
                    accepted++;
                    // what parses writes back to JSON that parses to the same value
                    Object again = Json.parse(Json.write(v), "again");
                    if (!String.valueOf(again).equals(String.valueOf(v))) {
                        fail("round trip changed " + sb + ": " + v + " -> " + again);
                    }
                } catch (FormatException e) {
                    // expected
                } catch (Throwable t) {
                    throw new AssertionError("Json.parse threw " + t + " for " + sb, t);
                }
            }
            assertTrue(accepted > 100, "the generator should produce some valid JSON, got " + accepted);
        });
    }

    private static String outcome(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (FormatException e) {
            return e.getMessage();
        }
    }

    private static byte[] withLength(byte[] base, long len) {
        byte[] b = base.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
        return b;
    }

    private static final byte[] INTERESTING = "{}[],:\"\\0123456789-.eE \u0000".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] mutate(byte[] b, Random rng) {
        if (b.length == 0) {
            return new byte[] {(byte) rng.nextInt(256)};
        }
        int at = rng.nextInt(b.length);
        switch (rng.nextInt(7)) {
            case 0 -> b[at] ^= (byte) (1 << rng.nextInt(8));
            case 1 -> b[at] = (byte) rng.nextInt(256);
            case 2 -> b[at] = INTERESTING[rng.nextInt(INTERESTING.length)];
            case 3 -> { // delete a range
                int len = 1 + rng.nextInt(Math.min(16, b.length - at));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out;
            }
            case 4 -> { // insert random bytes
                int len = 1 + rng.nextInt(16);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at);
                for (int k = 0; k < len; k++) {
                    out[at + k] = (byte) rng.nextInt(256);
                }
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            case 5 -> { // duplicate a range
                int len = 1 + rng.nextInt(Math.min(32, b.length - at));
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            default -> { // rewrite the header length
                if (b.length >= 8) {
                    long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    long[] choices = {n + rng.nextInt(17) - 8, rng.nextLong(), 1L << rng.nextInt(64), b.length,
                        b.length - 8};
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, choices[rng.nextInt(choices.length)]);
                }
            }
        }
        return b;
    }
}
