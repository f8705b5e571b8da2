package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --out} and {@code evaluate --out} create an absent file or replace a regular one, and refuse a
 * symbolic link, a device or a directory in one line (exit 1) before predicting or evaluating, leaving it as it was.
 */
class OutputPathTest {
    private static final Path IMAGES = Path.of(PolyheadTest.SHIPPED, "t10k-images-idx3-ubyte.gz");
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void trainOnce() {
        run = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--epochs", "1", "--limit", "128", "--out", run.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    private static PolyheadTest.Result predict(Path out) {
        return PolyheadTest.run("predict", run.toString(), IMAGES.toString(), "--out", out.toString());
    }

    private static PolyheadTest.Result evaluate(Path out) {
        return PolyheadTest.run("evaluate", run.toString(), "--out", out.toString());
    }

    private static void assertRefused(PolyheadTest.Result r, Path out, String kind) {
        assertEquals(1, r.code(), r.err());
        assertEquals(List.of("error: --out " + out + ": is " + kind + ", not a regular file; give a file path"),
                r.err().lines().toList());
        assertEquals("", r.out(), "refused before any work");
    }

    @Test
    void anAbsentFileIsCreatedAndARegularFileReplaced() throws IOException {
        Path csv = tmp.resolve("new/pred.csv");
        assertEquals(0, predict(csv).code());
        assertTrue(Files.readString(csv).startsWith("row,"));
        Files.writeString(csv, "old");
        assertEquals(0, predict(csv).code());
        assertTrue(Files.readString(csv).startsWith("row,"), "replaced");

        Path json = tmp.resolve("eval.json");
        assertEquals(0, evaluate(json).code());
        Files.writeString(json, "old");
        PolyheadTest.Result r = evaluate(json);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(json).contains("\"test\""), "replaced");
        assertTrue(Files.isRegularFile(json, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aSymbolicLinkIsRefusedAndWhatItPointsAtIsKept() throws IOException {
        Path real = Files.writeString(tmp.resolve("keep.txt"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), real);
        assertRefused(predict(link), link, "a symbolic link");
        assertRefused(evaluate(link), link, "a symbolic link");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep", Files.readString(real));
    }

    @Test
    void aDeviceIsRefused() {
        Path device = Path.of("/dev/null");
        assertRefused(predict(device), device, "a device");
        assertRefused(evaluate(device), device, "a device");
        assertTrue(!Files.isRegularFile(device), "/dev/null is still a device");
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Files.writeString(dir.resolve("inside"), "keep");
        assertRefused(predict(dir), dir, "a directory");
        assertRefused(evaluate(dir), dir, "a directory");
        assertEquals("keep", Files.readString(dir.resolve("inside")));
    }
}
