package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of the {@code polyhead} tool sees for bad input: the bad-spec corpus of dsl-kotlin
 * ({@code polyhead/dsl/badspecs/manifest.tsv}) through {@code polyhead inspect}, and broken Fashion-MNIST IDX files
 * (wrong magic number, truncated, sizes that do not match, a label out of range) through {@code polyhead train}:
 * exit code 1, exactly one line on stderr, starting {@code error: }, naming the file and the fault; no exception
 * name and no stack trace anywhere; and a failed train writes no run folder.
 */
class BadInputCommandLineTest {
    /** The spec corpus, read where dsl-kotlin keeps it (tests run in samples/). */
    private static final Path SPECS = Path.of("../dsl-kotlin/src/test/resources/polyhead/dsl/badspecs");

    @TempDir
    Path tmp;

    private static void assertOneErrorLine(PolyheadTest.Result r, String what, Pattern expected) {
        String all = r.out() + r.err();
        assertFalse(all.contains("Exception") || all.contains("\tat "), what + ": " + all);
        assertEquals(1, r.code(), what + ": exit code; stderr: " + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), what + ": expected one line on stderr, got: " + r.err());
        assertTrue(lines.get(0).startsWith("error: "), what + ": " + lines.get(0));
        assertTrue(expected.matcher(lines.get(0)).find(), what + ": expected /" + expected + "/ in: " + lines.get(0));
    }

    @Test
    void everyBadSpecIsOneErrorLineNamingTheFileAndTheFault() throws IOException {
        List<String> rows = Files.readAllLines(SPECS.resolve("manifest.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(rows.size() > 15, "the corpus has " + rows.size() + " files");
        for (String row : rows) {
            String[] f = row.split("\t");
            Path spec = SPECS.resolve(f[0]);
            // the manifest's pattern is anchored on the fault's text, which the tool prints after the file's name
            String fault = f[1].replaceFirst("^\\^", "");
            PolyheadTest.Result r = PolyheadTest.run("inspect", spec.toString());
            assertOneErrorLine(r, f[0], Pattern.compile("^error: " + Pattern.quote(spec.toString()) + ": " + fault));
        }
    }

    /** A small valid Fashion-MNIST folder (8 training and 4 test images), with one file changed by {@code damage}. */
    private Path fashion(String file, Consumer<ByteBuffer> damage, int keepBytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data-" + file.replace('-', '_') + keepBytes));
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? 8 : 4;
            ByteBuffer images = ByteBuffer.allocate(16 + n * 28 * 28).putInt(0x803).putInt(n).putInt(28).putInt(28);
            ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                labels.put((byte) (i % 10));
            }
            write(dir, split + "-images-idx3-ubyte.gz", images, file, damage, keepBytes);
            write(dir, split + "-labels-idx1-ubyte.gz", labels, file, damage, keepBytes);
        }
        return dir;
    }

    private static void write(Path dir, String name, ByteBuffer b, String damaged, Consumer<ByteBuffer> damage,
            int keepBytes) throws IOException {
        int length = b.capacity();
        if (name.equals(damaged)) {
            damage.accept(b);
            length = Math.min(length, keepBytes);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bytes)) {
            g.write(b.array(), 0, length);
        }
        Files.write(dir.resolve(name), bytes.toByteArray());
    }

    @Test
    void brokenDataFilesAreOneErrorLineAndNoRunFolder() throws IOException {
        record Case(String file, Consumer<ByteBuffer> damage, int keepBytes, String expected) {
        }
        int all = Integer.MAX_VALUE;
        List<Case> cases = new ArrayList<>(List.of(
                new Case("train-images-idx3-ubyte.gz", b -> b.putInt(0, 0x1f8b0803), all, "not an IDX file"),
                new Case("train-images-idx3-ubyte.gz", b -> { }, 16 + 100, "truncated IDX file"),
                new Case("t10k-images-idx3-ubyte.gz", b -> b.putInt(4, 3), 16 + 3 * 28 * 28, "do not match 4 labels"),
                new Case("train-labels-idx1-ubyte.gz", b -> b.put(8 + 5, (byte) 12), all,
                        "label 12 at row 5 is outside 0-9")));
        for (Case c : cases) {
            Path data = fashion(c.file(), c.damage(), c.keepBytes());
            Path out = tmp.resolve("run-" + cases.indexOf(c));
            PolyheadTest.Result r = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", data.toString(), "--out",
                    out.toString(), "--epochs", "1", "--quiet");
            assertOneErrorLine(r, c.file() + " (" + c.expected() + ")",
                    Pattern.compile("^error: .*" + Pattern.quote(c.file()) + ": .*" + Pattern.quote(c.expected())));
            assertFalse(Files.exists(out), "a failed run left " + out);
        }
    }

    /** A copy of {@code run} with its one checkpoint changed by {@code damage}; returns that checkpoint's folder. */
    private Path damagedCopy(Path run, String name, IoAction damage) throws IOException {
        Path copy = tmp.resolve(name);
        try (Stream<Path> all = Files.walk(run)) {
            for (Path p : all.toList()) {
                Files.copy(p, copy.resolve(run.relativize(p).toString()));
            }
        }
        Path ckpt;
        try (Stream<Path> s = Files.list(copy.resolve("checkpoints"))) {
            ckpt = s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).findFirst().orElseThrow();
        }
        damage.apply(ckpt);
        return ckpt;
    }

    interface IoAction {
        void apply(Path checkpoint) throws IOException;
    }

    /**
     * Damaged checkpoints through {@code polyhead evaluate}: a missing tensor file, a flipped byte (checksum), a
     * truncated {@code checkpoint.json}, a newer format version and a missing folder are each one error line.
     */
    @Test
    void damagedCheckpointsAreOneErrorLine() throws IOException {
        Path run = tmp.resolve("run");
        PolyheadTest.Result trained = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--epochs", "1", "--limit", "64", "--out", run.toString(), "--quiet");
        assertEquals(0, trained.code(), trained.err());
        record Case(String name, IoAction damage, String expected) {
        }
        List<Case> cases = List.of(
                new Case("missing-model", c -> Files.delete(c.resolve("model.safetensors")),
                        "model.safetensors is missing"),
                new Case("flipped-byte", c -> {
                    byte[] b = Files.readAllBytes(c.resolve("model.safetensors"));
                    b[b.length - 1] ^= 0x40;
                    Files.write(c.resolve("model.safetensors"), b);
                }, "checksum mismatch"),
                new Case("truncated-json", c -> {
                    byte[] b = Files.readAllBytes(c.resolve("checkpoint.json"));
                    Files.write(c.resolve("checkpoint.json"), java.util.Arrays.copyOf(b, b.length / 2));
                }, "checkpoint.json"),
                new Case("newer-version", c -> Files.writeString(c.resolve("checkpoint.json"),
                        Files.readString(c.resolve("checkpoint.json")).replaceFirst(
                                "\"formatVersion\"\\s*:\\s*1", "\"formatVersion\": 99")),
                        "checkpoint format version 99"));
        for (Case c : cases) {
            Path ckpt = damagedCopy(run, c.name(), c.damage());
            PolyheadTest.Result r = PolyheadTest.run("evaluate", ckpt.toString());
            assertOneErrorLine(r, c.name(), Pattern.compile("^error: .*" + Pattern.quote(c.expected())));
        }
        PolyheadTest.Result absent = PolyheadTest.run("evaluate", tmp.resolve("no-such-run").toString());
        assertOneErrorLine(absent, "absent", Pattern.compile("^error: .*no-such-run"));
    }
}
