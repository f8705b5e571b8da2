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
import java.util.regex.Matcher;
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

    /** A manifest pattern of a fault of the JSON text: path, line, column, message. */
    private static final Pattern TEXT_FAULT = Pattern.compile("(\\S+) \\\\\\(line (\\d+), column (\\d+)\\\\\\): (.*)");

    static void assertOneErrorLine(PolyheadTest.Result r, String what, Pattern expected) {
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
            // the manifest's pattern is anchored on the fault's text, which the tool prints after the file's name:
            // "file: path: message", or for a fault of the JSON text "file:line:column: [path: ]message"
            String fault = f[1].replaceFirst("^\\^", "");
            Matcher at = TEXT_FAULT.matcher(fault);
            String place = at.matches() ? ":" + at.group(2) + ":" + at.group(3) + ": "
                    + (at.group(1).equals("\\$") ? "" : at.group(1) + ": ") + at.group(4) : ": " + fault;
            PolyheadTest.Result r = PolyheadTest.run("inspect", spec.toString());
            assertOneErrorLine(r, f[0], Pattern.compile("^error: " + Pattern.quote(spec.toString()) + place));
        }
    }

    /** A small valid Fashion-MNIST folder (8 training and 4 test images), with one file changed by {@code damage}. */
    private Path fashion(String file, Consumer<ByteBuffer> damage, int keepBytes) throws IOException {
        return fashion("data-" + file.replace('-', '_') + keepBytes, 8, 4, file, damage, keepBytes);
    }

    /** A valid Fashion-MNIST folder {@code name} of blank images, {@code train} and {@code test} of them. */
    private Path fashion(String name, int train, int test) throws IOException {
        return fashion(name, train, test, "", b -> { }, Integer.MAX_VALUE);
    }

    private Path fashion(String name, int train, int test, String file, Consumer<ByteBuffer> damage, int keepBytes)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? train : test;
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

    /**
     * Sizes that do not fit the data, each one error line naming the file and the field, before any training (no run
     * folder): an IDX file of 0 images, a spec's validationSplit on 3 rows ({@code --limit 3}) and on the 5 training
     * rows of a CSV, a one-row CSV without test data (its test split), a class column without a label, and an empty
     * test CSV.
     */
    @Test
    void sizesThatDoNotFitTheDataAreOneErrorLineAndNoRunFolder() throws IOException {
        String spec = Files.readString(Path.of(PolyheadTest.SPEC));
        Path split = tmp.resolve("split.json");
        Files.writeString(split, spec.replace("\"seed\": 42 }", "\"seed\": 42, \"validationSplit\": 0.1 }"));
        List<String> toy = Files.readAllLines(Path.of("data/csv/toy.csv"));
        // one row of class 2, so that the class column's three classes fit the spec's head
        Path oneRow = Files.write(tmp.resolve("one.csv"), List.of(toy.get(0),
                toy.stream().filter(l -> l.split(",", -1)[4].equals("2")).findFirst().orElseThrow()));
        Path unlabelled = Files.write(tmp.resolve("unlabelled.csv"), toy.subList(0, 2)); // its kind cell is empty
        Path sixRows = Files.write(tmp.resolve("six.csv"), toy.subList(0, 7));
        Path header = Files.write(tmp.resolve("header.csv"), toy.subList(0, 1));
        String csvSpec = "specs/csv.json"; // validationSplit 0.1
        record Case(String what, List<String> args, String expected) {
        }
        List<Case> cases = List.of(
                new Case("0 training images", List.of(PolyheadTest.SPEC, "--data",
                        fashion("empty-train", 0, 4).toString()),
                        "^error: .*empty-train/train-images-idx3-ubyte.gz: 0 images; Fashion-MNIST needs at least one "
                                + "training image$"),
                new Case("0 test images", List.of(PolyheadTest.SPEC, "--data", fashion("empty-test", 8, 0).toString()),
                        "^error: .*empty-test/t10k-images-idx3-ubyte.gz: 0 images; .* at least one test image$"),
                new Case("--limit 3 under validationSplit 0.1", List.of(split.toString(), "--data",
                        PolyheadTest.SHIPPED, "--limit", "3"),
                        "^error: " + Pattern.quote(split + ": $.training.validationSplit: 0.1 of 3 rows leaves no "
                                + "validation row; give at least 10 rows or drop the split") + "$"),
                new Case("validationSplit on a CSV's 5 training rows", List.of(csvSpec, "--data", sixRows.toString()),
                        "^error: " + Pattern.quote(csvSpec + ": $.training.validationSplit: 0.1 of 5 rows") + ".*10 rows"),
                new Case("validationSplit on a one-row CSV with test data", List.of(csvSpec, "--data",
                        oneRow.toString(), "--test-data", oneRow.toString()),
                        "^error: " + Pattern.quote(csvSpec + ": $.training.validationSplit: 0.1 of 1 row leaves")),
                new Case("the test split of a one-row CSV", List.of(csvSpec, "--data", oneRow.toString()),
                        "^error: " + Pattern.quote(oneRow + ": the test split, 0.2 of 1 row leaves no test row; give "
                                + "at least 5 rows or give test rows with --test-data FILE") + "$"),
                new Case("a class column without labels", List.of(csvSpec, "--data", unlabelled.toString(),
                        "--test-data", sixRows.toString()), "^error: " + Pattern.quote(unlabelled + ": column 'kind' "
                        + "has no label in any row; a class task needs at least one labelled row") + "$"),
                new Case("an empty test CSV", List.of(csvSpec, "--data", sixRows.toString(), "--test-data",
                        header.toString()), "^error: .*header\\.csv.*"));
        for (Case c : cases) {
            Path out = tmp.resolve("run-" + cases.indexOf(c));
            List<String> args = new ArrayList<>(List.of("train"));
            args.addAll(c.args());
            args.addAll(List.of("--out", out.toString(), "--epochs", "1", "--quiet"));
            PolyheadTest.Result r = PolyheadTest.run(args.toArray(String[]::new));
            assertOneErrorLine(r, c.what(), Pattern.compile(c.expected()));
            assertFalse(Files.exists(out), c.what() + ": a failed run left " + out);
        }
    }

    /**
     * What is not a fault: a batch larger than the data trains one batch of every row per epoch; the data's label says
     * which folder was read (here neither the full set nor the shipped subset: "a folder with 12 images").
     */
    @Test
    void aBatchLargerThanTheDataTrainsOneBatchAndTheLabelCountsTheFolder() throws IOException {
        Path data = fashion("twelve", 8, 4);
        Path out = tmp.resolve("run");
        Path spec = Files.writeString(tmp.resolve("big-batch.json"), Files.readString(Path.of(PolyheadTest.SPEC))
                .replace("\"batchSize\": 128", "\"batchSize\": 100000"));
        PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--data", data.toString(), "--epochs", "2",
                "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Fashion-MNIST from " + data + " (a folder with 12 images): 8 training and 4 test "
                + "images"), r.out());
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(3, history.size(), "a header and one row per epoch: " + history);
    }

    /**
     * Decimal options (the cli's is {@code --rho}) read by one converter: NaN, the infinities, a value beyond a double
     * or the option's range, and other spellings are one line naming the option and the value as written, exit code
     * 2 (then the synopsis and a pointer to --help).
     */
    @Test
    void badDecimalOptionsAreOneLineNamingTheValueAsWritten() {
        String[][] cases = {
            {"--rho", "NaN", "'NaN' is not a finite number"},
            {"--rho", "Infinity", "'Infinity' is not a finite number"},
            {"--rho=-Infinity", null, "'-Infinity' is not a finite number"},
            {"--rho", "1e309", "1e309 is out of range (at most 1)"},
            {"--rho=-1.5", null, "-1.5 is out of range (at least -1)"},
            {"--rho", "1.0000000000000000001", "1.0000000000000000001 is out of range (at most 1)"},
            {"--rho", "1e-400", "1e-400 is too close to 0 to be represented"},
            {"--rho", "0x1p-1", "'0x1p-1' is not a number"},
            {"--rho", "0.5d", "'0.5d' is not a number"},
        };
        for (String[] c : cases) {
            for (String command : List.of("train", "evaluate")) {
                List<String> args = new ArrayList<>(List.of(command, command.equals("train") ? "specs/mmoe.json"
                        : "no-such-run", c[0]));
                if (c[1] != null) {
                    args.add(c[1]);
                }
                PolyheadTest.Result r = PolyheadTest.run(args.toArray(String[]::new));
                String what = String.join(" ", args);
                assertEquals(2, r.code(), what + ": " + r.err());
                assertEquals("error: option --rho: " + c[2], r.err().lines().findFirst().orElse(""), what);
                assertFalse(r.err().contains("Exception"), what + ": " + r.err());
            }
        }
    }

    /**
     * Run folders a run cannot use, each one line before any work: a folder to be made below a file (the data is not
     * even read), a --resume whose run stopped before it recorded its data, a new run into the folder of a run that
     * stopped before its first checkpoint (told how to continue it), and evaluating that folder.
     */
    @Test
    void runFoldersThatCannotBeUsedAreOneErrorLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path under = file.resolve("run");
        assertOneErrorLine(PolyheadTest.run("train", PolyheadTest.SPEC, "--out", under.toString(), "--data",
                tmp.resolve("no-such-data").toString()), "below a file", Pattern.compile("^" + Pattern.quote(
                "error: " + under + ": the run folder cannot be created: " + file + " is a file, not a folder") + "$"));

        Path noData = Files.createDirectories(tmp.resolve("no-data/checkpoints")).getParent();
        String spec = polyhead.dsl.spec.SpecJson.INSTANCE.encode(((polyhead.dsl.spec.SpecResult.Ok)
                polyhead.dsl.spec.SpecJson.INSTANCE.load(Files.readString(Path.of(PolyheadTest.SPEC)))).getSpec());
        Files.writeString(noData.resolve(RunFolder.SPEC), spec);
        assertOneErrorLine(PolyheadTest.run("train", "--resume", noData.toString()), "no data.json",
                Pattern.compile("^" + Pattern.quote("error: " + noData + ": the run stopped before it recorded its "
                        + "data options (no data.json); train it again into an empty --out") + "$"));

        Files.writeString(noData.resolve(RunFolder.DATA), "{\"data\": \"" + PolyheadTest.SHIPPED + "\"}");
        assertOneErrorLine(PolyheadTest.run("train", PolyheadTest.SPEC, "--out", noData.toString()), "killed run",
                Pattern.compile("^" + Pattern.quote("error: " + noData + ": the run folder holds a run that stopped "
                        + "before its first checkpoint; 'polyhead train --resume " + noData + "' trains it from the "
                        + "beginning, or choose another --out") + "$"));
        assertOneErrorLine(PolyheadTest.run("evaluate", noData.toString()), "no checkpoint yet",
                Pattern.compile("^" + Pattern.quote("error: " + noData + ": the run folder holds no checkpoint yet")
                        + "$"));
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
     * truncated {@code checkpoint.json}, a newer format version and a missing folder are each one error line; for
     * the run folder, whose only checkpoint it is, one line naming the checkpoint and its fault in plain words.
     */
    @Test
    void damagedCheckpointsAreOneErrorLine() throws IOException {
        Path run = tmp.resolve("run");
        PolyheadTest.Result trained = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--epochs", "1", "--limit", "64", "--out", run.toString(), "--quiet");
        assertEquals(0, trained.code(), trained.err());
        record Case(String name, IoAction damage, String expected, String reason) {
        }
        List<Case> cases = List.of(
                new Case("missing-model", c -> Files.delete(c.resolve("model.safetensors")),
                        "model.safetensors is missing", "model.safetensors is missing"),
                new Case("flipped-byte", c -> {
                    byte[] b = Files.readAllBytes(c.resolve("model.safetensors"));
                    b[b.length - 1] ^= 0x40;
                    Files.write(c.resolve("model.safetensors"), b);
                }, "checksum mismatch", "model.safetensors is damaged (checksum mismatch)"),
                new Case("truncated-json", c -> {
                    byte[] b = Files.readAllBytes(c.resolve("checkpoint.json"));
                    Files.write(c.resolve("checkpoint.json"), java.util.Arrays.copyOf(b, b.length / 2));
                }, "checkpoint.json", "checkpoint.json is damaged (not valid JSON)"),
                new Case("newer-version", c -> Files.writeString(c.resolve("checkpoint.json"),
                        Files.readString(c.resolve("checkpoint.json")).replaceFirst(
                                "\"formatVersion\"\\s*:\\s*1", "\"formatVersion\": 99")),
                        "checkpoint format version 99",
                        "written in a newer checkpoint format (99) than this Polyhead reads"));
        for (Case c : cases) {
            Path ckpt = damagedCopy(run, c.name(), c.damage());
            PolyheadTest.Result r = PolyheadTest.run("evaluate", ckpt.toString());
            assertOneErrorLine(r, c.name(), Pattern.compile("^error: .*" + Pattern.quote(c.expected())));
            Path store = ckpt.getParent();
            PolyheadTest.Result folder = PolyheadTest.run("evaluate", store.getParent().toString());
            assertOneErrorLine(folder, c.name() + " (run folder)", Pattern.compile("^" + Pattern.quote("error: "
                    + store + ": no intact checkpoint: " + ckpt.getFileName() + ": " + c.reason()) + "$"));
        }
        PolyheadTest.Result absent = PolyheadTest.run("evaluate", tmp.resolve("no-such-run").toString());
        assertOneErrorLine(absent, "absent", Pattern.compile("^error: .*no-such-run"));
    }
}
