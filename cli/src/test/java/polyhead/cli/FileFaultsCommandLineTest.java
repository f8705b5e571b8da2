package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the tool cannot read or write, and text in another encoding than UTF-8, through the tool: exit code 1 and one
 * line naming the file in words (no exception class, no platform text), for specs, CSV data, baselines, predict
 * inputs and outputs; and a spec with a UTF-8 byte-order mark, which is no fault.
 */
class FileFaultsCommandLineTest {
    @TempDir
    Path tmp;

    private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    private static void assertOneLine(PolyheadTest.Result r, String expected) {
        String all = r.out() + r.err();
        assertFalse(all.contains("Exception") || all.contains("\tat ") || all.contains("java."), all);
        assertEquals(1, r.code(), "exit code; stderr: " + r.err());
        assertEquals("error: " + expected, r.err().strip());
    }

    private Path bytes(String name, byte[]... parts) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.write(p);
        }
        return Files.write(tmp.resolve(name), all.toByteArray());
    }

    @Test
    void aSpecWithAByteOrderMarkTrains() throws IOException {
        Path spec = bytes("bom.json", BOM, Files.readAllBytes(Path.of(PolyheadTest.SPEC)));
        Path out = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--data", PolyheadTest.SHIPPED, "--epochs",
                "1", "--limit", "64", "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
        // the run's spec.json is the spec without the mark, and it is read back as the run's
        assertFalse(Files.readString(out.resolve(RunFolder.SPEC)).startsWith("\uFEFF"));
        PolyheadTest.Result inspect = PolyheadTest.run("inspect", spec.toString());
        assertEquals(0, inspect.code(), inspect.err());
        // a CSV of features to predict from, with a mark, and one with a Latin-1 byte
        Path csv = bytes("features.csv", BOM, features(2).getBytes(StandardCharsets.UTF_8));
        PolyheadTest.Result predicted = PolyheadTest.run("predict", out.toString(), csv.toString());
        assertEquals(0, predicted.code(), predicted.err());
        String latin1 = features(3).replaceFirst("\n0,", "\n\u00e9,");
        Path bad = bytes("latin1.csv", latin1.getBytes(StandardCharsets.ISO_8859_1));
        int offset = latin1.indexOf('\u00e9');
        assertOneLine(PolyheadTest.run("predict", out.toString(), bad.toString()), bad + ": byte 0xE9 at offset "
                + offset + " (line 2) is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or Windows-1252)");
    }

    /** A header of 784 pixel columns and {@code rows} rows of zeros. */
    private static String features(int rows) {
        List<String> header = new ArrayList<>();
        List<String> zeros = new ArrayList<>();
        for (int i = 0; i < 784; i++) {
            header.add("p" + i);
            zeros.add("0");
        }
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < rows; r++) {
            sb.append(String.join(",", zeros)).append('\n');
        }
        return sb.toString();
    }

    /**
     * An I/O fault that reaches the top of the tool unexplained (from a library, say) is still one line in words naming
     * the file, exit code 1.
     */
    @Test
    void anUnexplainedIoFaultIsOneLineInWords() {
        record Case(Exception fault, String expected) {
        }
        List<Case> cases = List.of(
                new Case(new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/x/y.json")),
                        "/x/y.json: permission denied"),
                new Case(new java.io.UncheckedIOException(new java.nio.file.FileSystemException("/x/y.csv", null,
                        "No space left on device")), "no space left on the device holding /x/y.csv"),
                new Case(new IOException("Read-only file system"),
                        "cannot read or write a file: the file system is read-only"),
                new Case(new java.nio.file.NoSuchFileException("/x/z"), "/x/z: no such file"));
        for (Case c : cases) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = Polyhead.fault(c.fault(), null, new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, code, c.fault().toString());
            assertEquals("error: " + c.expected(), err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void specsThatCannotBeReadAreOneLineNamingTheFile() throws IOException {
        Path missing = tmp.resolve("none.json");
        assertOneLine(PolyheadTest.run("inspect", missing.toString()), missing + ": no such file");
        Path folder = Files.createDirectory(tmp.resolve("folder.json"));
        assertOneLine(PolyheadTest.run("inspect", folder.toString()), folder + ": is a folder, not a file");
        Path underAFile = bytes("plain", new byte[] {'x'}).resolve("spec.json");
        assertOneLine(PolyheadTest.run("inspect", underAFile.toString()),
                underAFile + ": a part of the path is not a folder");
        Path utf16 = bytes("utf16.json", Files.readString(Path.of(PolyheadTest.SPEC)).getBytes(StandardCharsets.UTF_16));
        assertOneLine(PolyheadTest.run("train", utf16.toString(), "--out", tmp.resolve("r16").toString()),
                utf16 + ": the file is UTF-16 text; save it as UTF-8");
        assertFalse(Files.exists(tmp.resolve("r16")));
        // a file without read permission: refused to a user; root reads it anyway, and then it is a good spec
        Path locked = Files.copy(Path.of(PolyheadTest.SPEC), tmp.resolve("locked.json"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        PolyheadTest.Result r = PolyheadTest.run("inspect", locked.toString());
        if (Files.isReadable(locked)) {
            assertEquals(0, r.code(), "root reads a file without read permission: " + r.err());
        } else {
            assertOneLine(r, locked + ": permission denied");
        }
    }

    @Test
    void dataAndBaselinesThatCannotBeReadAreOneLineNamingTheFile() throws IOException {
        String toy = Files.readString(Path.of("data/csv/toy.csv"));
        String latin1 = toy.replaceFirst("\n-0\\.2133,", "\n-0.2133\u00e9,");
        Path csv = bytes("latin1.csv", latin1.getBytes(StandardCharsets.ISO_8859_1));
        int line = latin1.substring(0, latin1.indexOf('\u00e9')).split("\n", -1).length;
        assertOneLine(PolyheadTest.run("train", "specs/csv.json", "--data", csv.toString(), "--out",
                tmp.resolve("r1").toString(), "--quiet"), csv + ": byte 0xE9 at offset " + latin1.indexOf('\u00e9')
                + " (line " + line + ") is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or Windows-1252)");
        Path utf16 = bytes("utf16.csv", toy.getBytes(StandardCharsets.UTF_16LE));
        assertOneLine(PolyheadTest.run("train", "specs/csv.json", "--data", utf16.toString(), "--out",
                tmp.resolve("r2").toString(), "--quiet"), utf16 + ": the file is UTF-16 text; save it as UTF-8");
        Path folder = Files.createDirectory(tmp.resolve("data.csv"));
        assertOneLine(PolyheadTest.run("train", "specs/csv.json", "--data", folder.toString(), "--out",
                tmp.resolve("r3").toString(), "--quiet"), folder + ": is a folder, not a file");
        Path baselines = Files.createDirectory(tmp.resolve("baselines.json"));
        assertOneLine(PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED, "--baselines",
                baselines.toString(), "--out", tmp.resolve("r4").toString(), "--quiet"),
                baselines + ": is a folder, not a file");
        Path syntax = Files.writeString(tmp.resolve("syntax.json"), "{\"item\": {\"accuracy\": 0.8,}}");
        PolyheadTest.Result r = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--baselines", syntax.toString(), "--out", tmp.resolve("r5").toString(), "--quiet");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + syntax + ": malformed JSON at offset 26 (line 1, column 27)"), r.err());
        for (int i = 1; i <= 5; i++) {
            assertFalse(Files.exists(tmp.resolve("r" + i)), "a failed run left r" + i);
        }
    }
}
