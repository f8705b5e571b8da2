package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoints;
import polyhead.io.Idx;
import polyhead.io.Json;

/** evaluate, predict, train --resume and --baselines on one short Fashion-MNIST run of the shipped subset. */
class RunCommandsTest {
    static final int LIMIT = 512;
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void trainOnce() {
        run = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--epochs", "2", "--limit", String.valueOf(LIMIT), "--out", run.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
    }

    /** The run's final weights are its latest checkpoint: evaluating it gives metrics.json's numbers exactly. */
    @Test
    void evaluateReproducesTheRunsTestMetrics() throws IOException {
        Path json = tmp.resolve("eval.json");
        PolyheadTest.Result r = PolyheadTest.run("evaluate", run.toString(), "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("subset shipped with the repository"), r.out());
        assertTrue(r.out().contains("task   loss  accuracy  f1_macro") || r.out().contains("accuracy"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) Json.parse(Files.readString(json), "eval.json");
        assertEquals(DatasetCommandsTest.testMetrics(run), e.get("test"));
    }

    /**
     * predict on the test images: the class column is the argmax of the probabilities, which sum to 1, and its
     * accuracy on the first {@value #LIMIT} test images (the run's test set) is the run's test accuracy.
     */
    @Test
    void predictAgreesWithEvaluation() throws IOException {
        Path images = Path.of(PolyheadTest.SHIPPED, "t10k-images-idx3-ubyte.gz");
        float[] labels = Idx.read(Path.of(PolyheadTest.SHIPPED, "t10k-labels-idx1-ubyte.gz")).data();
        Path out = tmp.resolve("pred.csv");
        PolyheadTest.Result r = PolyheadTest.run("predict", run.toString(), images.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(1 + labels.length, lines.size());
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals("row", header.get(0));
        int cls = header.indexOf("item.class");
        assertEquals(List.of("item.p0", "item.p9"), List.of(header.get(cls + 1), header.get(cls + 10)));
        assertTrue(header.contains("group.p4") && !header.contains("group.p5"), header.toString());
        int correct = 0;
        for (int i = 0; i < LIMIT; i++) {
            String[] cells = lines.get(i + 1).split(",");
            double sum = 0;
            int argmax = 0;
            for (int c = 0; c < 10; c++) {
                double p = Double.parseDouble(cells[cls + 1 + c]);
                sum += p;
                argmax = p > Double.parseDouble(cells[cls + 1 + argmax]) ? c : argmax;
            }
            assertEquals(1.0, sum, 1e-4, "probabilities of row " + i);
            assertEquals(argmax, Integer.parseInt(cells[cls]), "class of row " + i);
            correct += argmax == (int) labels[i] ? 1 : 0;
        }
        double accuracy = DatasetCommandsTest.metric(DatasetCommandsTest.testMetrics(run), "item", "accuracy");
        assertEquals(accuracy, correct / (double) LIMIT, 1e-12);
    }

    @Test
    void predictRefusesInputsOfAnotherShape(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        PolyheadTest.Result r = PolyheadTest.run("predict", run.toString(), csv.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("error: " + csv + ": samples of [1, 2] do not fit the model's input [784] (784 values per sample)",
                r.err().strip());
        r = PolyheadTest.run("predict", dir.toString(), csv.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("neither a checkpoint"), r.err());
    }

    /**
     * A run cut after its first epoch (the later checkpoint and the reports removed) and resumed ends with the
     * weights of the uninterrupted run, bit for bit.
     */
    @Test
    void resumeContinuesAnInterruptedRunExactly(@TempDir Path dir) throws IOException {
        Path cut = dir.resolve("cut");
        delete(copyOfRun(cut).get(1));
        for (String f : List.of("metrics.json", "history.csv")) {
            Files.delete(cut.resolve(f));
        }
        PolyheadTest.Result refused = PolyheadTest.run("train", PolyheadTest.SPEC, "--resume", cut.toString());
        assertEquals(1, refused.code());
        assertEquals("error: the spec differs from the run's ($.training.epochs: 5 here, 2 in the run); a resumed run "
                + "keeps its spec", refused.err().strip());
        PolyheadTest.Result otherData = PolyheadTest.run("train", "--resume", cut.toString(), "--limit", "100");
        assertEquals(1, otherData.code());
        assertTrue(otherData.err().contains("the data options differ from the run's ($.limit: 100 here, 512"),
                otherData.err());

        PolyheadTest.Result r = PolyheadTest.run("train", "--resume", cut.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming after epoch 1 of 2"), r.out());
        List<Path> resumed = checkpoints(cut);
        assertEquals(2, resumed.size());
        assertArrayEquals(Files.readAllBytes(checkpoints(run).get(1).resolve(Checkpoints.MODEL)),
                Files.readAllBytes(resumed.get(1).resolve(Checkpoints.MODEL)));
        assertEquals(DatasetCommandsTest.testMetrics(run), DatasetCommandsTest.testMetrics(cut));
        assertEquals(3, Files.readAllLines(cut.resolve("history.csv")).size(), "header and both epochs");
    }

    /**
     * A spec asking for checkpoints every 3 steps: the run keeps checkpoints inside the epoch; cut back to the one
     * after step 3 and resumed, it ends with the uninterrupted run's weights, bit for bit.
     */
    @Test
    void resumeFromInsideAnEpoch(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("steps.json");
        Files.writeString(spec, Files.readString(Path.of(PolyheadTest.SPEC)).replace("\"seed\": 42 }",
                "\"seed\": 42, \"checkpoints\": { \"every\": 1, \"keepLast\": 10, \"everySteps\": 3 } }"));
        Path full = dir.resolve("full");
        PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--data", PolyheadTest.SHIPPED,
                "--epochs", "1", "--limit", "1000", "--out", full.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        List<Path> kept = checkpoints(full);
        assertEquals(3, kept.size(), "after steps 3 and 6, and at the epoch's end (step 8): " + kept);
        Path cut = dir.resolve("cut");
        copy(full, cut);
        for (Path later : checkpoints(cut).subList(1, 3)) {
            delete(later);
        }
        for (String f : List.of("metrics.json", "history.csv")) {
            Files.delete(cut.resolve(f));
        }
        PolyheadTest.Result resumed = PolyheadTest.run("train", "--resume", cut.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        List<Path> after = checkpoints(cut);
        assertArrayEquals(Files.readAllBytes(kept.get(2).resolve(Checkpoints.MODEL)),
                Files.readAllBytes(after.get(after.size() - 1).resolve(Checkpoints.MODEL)));
        assertEquals(DatasetCommandsTest.testMetrics(full), DatasetCommandsTest.testMetrics(cut));
    }

    /** Flips the last byte of a checkpoint's weights: same size, another checksum. */
    private static void damage(Path checkpoint) throws IOException {
        Path f = checkpoint.resolve(Checkpoints.MODEL);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1;
        Files.write(f, b);
    }

    /**
     * A damaged latest checkpoint is not used in silence: evaluate, predict and --resume each say on stderr, in one
     * line, which checkpoint they skip, why, and which one they use; evaluate's metrics are those of the one used
     * (the first epoch's), and the resumed run ends with the uninterrupted run's weights, bit for bit.
     */
    @Test
    void aDamagedLatestCheckpointIsNamedAndThePreviousOneUsed(@TempDir Path dir) throws IOException {
        Path damaged = dir.resolve("damaged");
        List<Path> kept = copyOfRun(damaged);
        damage(kept.get(1));
        String warning = "warning: " + kept.get(1) + ": skipped, model.safetensors is damaged (checksum mismatch); "
                + "using " + kept.get(0).getFileName();

        Path json = dir.resolve("eval.json");
        PolyheadTest.Result r = PolyheadTest.run("evaluate", damaged.toString(), "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(warning), r.err().lines().toList());
        assertTrue(r.out().startsWith("checkpoint " + kept.get(0) + " (epoch 1)"), r.out());
        Path first = dir.resolve("first.json");
        assertEquals(0, PolyheadTest.run("evaluate", kept.get(0).toString(), "--out", first.toString()).code());
        Object used = ((Map<?, ?>) Json.parse(Files.readString(json), "eval")).get("test");
        assertEquals(((Map<?, ?>) Json.parse(Files.readString(first), "first")).get("test"), used);
        assertTrue(!DatasetCommandsTest.testMetrics(run).equals(used), "the second epoch's metrics differ");

        Path images = Path.of(PolyheadTest.SHIPPED, "t10k-images-idx3-ubyte.gz");
        PolyheadTest.Result p = PolyheadTest.run("predict", damaged.toString(), images.toString(), "--out",
                dir.resolve("pred.csv").toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(List.of(warning), p.err().lines().toList());

        for (String f : List.of("metrics.json", "history.csv")) {
            Files.delete(damaged.resolve(f));
        }
        PolyheadTest.Result resumed = PolyheadTest.run("train", "--resume", damaged.toString(), "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(List.of(warning), resumed.err().lines().toList());
        assertTrue(resumed.out().contains("resuming after epoch 1 of 2"), resumed.out());
        List<Path> after = checkpoints(damaged);
        assertArrayEquals(Files.readAllBytes(checkpoints(run).get(1).resolve(Checkpoints.MODEL)),
                Files.readAllBytes(after.get(after.size() - 1).resolve(Checkpoints.MODEL)));
        assertEquals(DatasetCommandsTest.testMetrics(run), DatasetCommandsTest.testMetrics(damaged));
    }

    /** With every checkpoint damaged, evaluate, predict and --resume each stop with one line, exit code 1. */
    @Test
    void noIntactCheckpointIsOneLine(@TempDir Path dir) throws IOException {
        Path damaged = dir.resolve("damaged");
        List<Path> kept = copyOfRun(damaged);
        kept.forEach(c -> {
            try {
                damage(c);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String expected = "error: " + damaged.resolve("checkpoints") + ": no intact checkpoint: all 2 are damaged; "
                + "the newest, " + kept.get(1).getFileName() + ": model.safetensors is damaged (checksum mismatch)";
        Path images = Path.of(PolyheadTest.SHIPPED, "t10k-images-idx3-ubyte.gz");
        for (List<String> args : List.of(List.of("evaluate", damaged.toString()),
                List.of("predict", damaged.toString(), images.toString()),
                List.of("train", "--resume", damaged.toString(), "--quiet"))) {
            PolyheadTest.Result r = PolyheadTest.run(args.toArray(String[]::new));
            assertEquals(1, r.code(), args + ": " + r.err());
            assertEquals(List.of(expected), r.err().lines().toList(), args.toString());
        }
        assertEquals(kept, checkpoints(damaged), "nothing written");
    }

    /**
     * A run killed before its first checkpoint (spec.json, data.json, an empty checkpoints/ but for the temporary
     * directory of a save cut short): evaluate and a new run into its folder say how to continue it, and --resume
     * trains it from the beginning with its spec, seed and data, ending with the uninterrupted run's weights and
     * metrics, bit for bit.
     */
    @Test
    void aRunKilledBeforeItsFirstCheckpointIsTrainedFromTheBeginning(@TempDir Path dir) throws IOException {
        Path killed = dir.resolve("killed");
        Files.createDirectories(killed.resolve("checkpoints/.ckpt-000001-e1-s1.tmp-5e1f"));
        for (String f : List.of(RunFolder.SPEC, RunFolder.DATA)) {
            Files.copy(run.resolve(f), killed.resolve(f));
        }
        Files.writeString(killed.resolve("checkpoints/.ckpt-000001-e1-s1.tmp-5e1f/model.safetensors"), "torn");

        PolyheadTest.Result evaluate = PolyheadTest.run("evaluate", killed.toString());
        assertEquals(1, evaluate.code());
        assertEquals("error: " + killed + ": the run folder holds no checkpoint yet", evaluate.err().strip());
        PolyheadTest.Result fresh = PolyheadTest.run("train", PolyheadTest.SPEC, "--out", killed.toString(),
                "--data", PolyheadTest.SHIPPED);
        assertEquals(1, fresh.code());
        assertEquals("error: " + killed + ": the run folder holds a run that stopped before its first checkpoint; "
                + "'polyhead train --resume " + killed + "' trains it from the beginning, or choose another --out",
                fresh.err().strip());
        PolyheadTest.Result otherSeed = PolyheadTest.run("train", "--resume", killed.toString(), "--seed", "7");
        assertEquals(1, otherSeed.code());
        assertTrue(otherSeed.err().contains("$.training.seed: 7 here, 42 in the run"), otherSeed.err());

        PolyheadTest.Result r = PolyheadTest.run("train", "--resume", killed.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("no checkpoint yet (the run stopped before its first): training from the "
                + "beginning with the run's spec, seed and data"), r.out());
        List<Path> trained = checkpoints(killed);
        assertEquals(checkpoints(run).stream().map(Path::getFileName).toList(),
                trained.stream().map(Path::getFileName).toList());
        for (int i = 0; i < trained.size(); i++) {
            assertArrayEquals(Files.readAllBytes(checkpoints(run).get(i).resolve(Checkpoints.MODEL)),
                    Files.readAllBytes(trained.get(i).resolve(Checkpoints.MODEL)));
        }
        assertEquals(DatasetCommandsTest.testMetrics(run), DatasetCommandsTest.testMetrics(killed));
        assertEquals(Files.readString(run.resolve(RunFolder.SPEC)), Files.readString(killed.resolve(RunFolder.SPEC)));
        try (Stream<Path> s = Files.list(killed.resolve("checkpoints"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".")), "the torn save is cleaned up");
        }
    }

    /**
     * A run folder the run cannot write is refused before any work, for a new run and for --resume, in one line:
     * a folder whose checkpoints/ is a file, a folder to be made below a file (both refused for root too), and a
     * folder without write permission (refused where permissions deny: not for root, which the probe lets write).
     */
    @Test
    void anUnwritableRunFolderIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        // the data does not exist: the folder is refused before the data is read
        PolyheadTest.Result under = PolyheadTest.run("train", PolyheadTest.SPEC, "--out",
                file.resolve("run").toString(), "--data", dir.resolve("no-such-data").toString(), "--quiet");
        assertEquals(1, under.code());
        assertEquals("error: " + file.resolve("run") + ": the run folder cannot be created: " + file
                + " is a file, not a folder", under.err().strip());

        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked);
        for (String f : List.of(RunFolder.SPEC, RunFolder.DATA)) {
            Files.copy(run.resolve(f), blocked.resolve(f));
        }
        Files.writeString(blocked.resolve("checkpoints"), "");
        PolyheadTest.Result resumed = PolyheadTest.run("train", "--resume", blocked.toString(), "--quiet");
        assertEquals(1, resumed.code());
        assertEquals("error: " + blocked + ": the run's checkpoints cannot be written: "
                + blocked.resolve("checkpoints") + " is a file, not a folder", resumed.err().strip());
        assertEquals("", resumed.out(), "no training began");

        Path readOnly = dir.resolve("read-only");
        copy(run, readOnly);
        delete(checkpoints(readOnly).get(1));
        Set<PosixFilePermission> rx = PosixFilePermissions.fromString("r-xr-xr-x");
        Files.setPosixFilePermissions(readOnly.resolve("checkpoints"), rx);
        Files.setPosixFilePermissions(readOnly, rx);
        try {
            if (Files.isWritable(readOnly)) {
                // root: permissions deny nothing; the probe writes and deletes its file, and lets the run go on
                RunFolder.checkWritable(readOnly);
            } else {
                PolyheadTest.Result r = PolyheadTest.run("train", "--resume", readOnly.toString(), "--quiet");
                assertEquals(1, r.code());
                assertEquals("error: " + readOnly + ": the run folder cannot be written: permission denied",
                        r.err().strip());
                assertEquals("", r.out(), "no training began");
            }
            try (Stream<Path> s = Files.list(readOnly)) {
                assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".write-test")), "no probe left");
            }
        } finally {
            Set<PosixFilePermission> rwx = PosixFilePermissions.fromString("rwxr-xr-x");
            Files.setPosixFilePermissions(readOnly, rwx);
            Files.setPosixFilePermissions(readOnly.resolve("checkpoints"), rwx);
        }
    }

    /** Δm = 100/K · Σ ±(M − B)/B over the metrics the baselines give (Liu et al. 2021), by hand. */
    @Test
    void deltaMIsHandComputed() {
        Map<String, Double> test = Map.of("item.accuracy", 0.80, "group.loss", 0.30, "group.accuracy", 0.9);
        Map<String, Double> baselines = Map.of("item.accuracy", 0.75, "group.loss", 0.25);
        // accuracy: higher is better, (0.80 − 0.75)/0.75 = +6.667 % counts −6.667; loss: (0.30 − 0.25)/0.25 = +20 %
        assertEquals((-100 * 0.05 / 0.75 + 20) / 2, Baselines.deltaM(test, baselines), 1e-9);
        assertEquals(6.6666667, Baselines.deltaM(test, baselines), 1e-6);
    }

    @Test
    void baselinesGiveDeltaMInMetricsJson(@TempDir Path dir) throws IOException {
        Path baselines = dir.resolve("baselines.json");
        Files.writeString(baselines, "{\"item\": {\"accuracy\": 0.8}, \"group\": {\"f1_macro\": 0.5, \"loss\": 0.4}}");
        Path out = dir.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--epochs", "1", "--limit", "256", "--out", out.toString(), "--quiet", "--baselines",
                baselines.toString());
        assertEquals(0, r.code(), r.err());
        var test = DatasetCommandsTest.testMetrics(out);
        double item = DatasetCommandsTest.metric(test, "item", "accuracy");
        double f1 = DatasetCommandsTest.metric(test, "group", "f1_macro");
        double loss = DatasetCommandsTest.metric(test, "group", "loss");
        double expected = 100.0 / 3 * (-(item - 0.8) / 0.8 - (f1 - 0.5) / 0.5 + (loss - 0.4) / 0.4);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")), "m");
        assertEquals(expected, ((Number) m.get("delta_m")).doubleValue(), 1e-9);
        assertTrue(r.out().contains("Δm "), r.out());

        Files.writeString(baselines, "{\"item\": {\"precision_macro\": 0.8}}");
        PolyheadTest.Result bad = PolyheadTest.run("train", PolyheadTest.SPEC, "--data", PolyheadTest.SHIPPED,
                "--baselines", baselines.toString(), "--out", dir.resolve("run2").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().strip().startsWith("error: " + baselines + ": $.item.precision_macro: task item reports "
                + "loss and [accuracy, f1_macro], not precision_macro"), bad.err());
    }

    @Test
    void everyNewCommandHasHelpAndUsageErrors() {
        for (String command : List.of("evaluate", "predict")) {
            PolyheadTest.Result help = PolyheadTest.run(command, "--help");
            assertEquals(0, help.code());
            assertTrue(help.out().startsWith("usage: polyhead " + command + " CHECKPOINT"), help.out());
            PolyheadTest.Result none = PolyheadTest.run(command);
            assertEquals(2, none.code());
            assertTrue(none.err().contains("usage: polyhead " + command), none.err());
        }
        assertTrue(PolyheadTest.run("train", "--help").out().contains("--resume RUN"));
        assertTrue(PolyheadTest.run("--help").out().contains("bench [options]"));
        assertEquals(2, PolyheadTest.run("train", "--resume", run.toString(), "--out", "x").code());
        PolyheadTest.Result benchHelp = PolyheadTest.run("bench", "--help");
        assertEquals(0, benchHelp.code());
        assertTrue(benchHelp.out().startsWith("usage:") && benchHelp.out().contains("--workloads"), benchHelp.out());
        PolyheadTest.Result badBench = PolyheadTest.run("bench", "--workloads", "w9");
        assertEquals(2, badBench.code(), badBench.out() + badBench.err());
        assertEquals(1, badBench.err().lines().count(), badBench.err());
        assertTrue(badBench.err().startsWith("error: ") && badBench.err().contains("w9"), badBench.err());
    }

    private static List<Path> checkpoints(Path runDir) throws IOException {
        try (Stream<Path> s = Files.list(runDir.resolve("checkpoints"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).sorted().toList();
        }
    }

    /** A copy of the run in {@code to}; its two checkpoints, the first epoch's and the second's. */
    private static List<Path> copyOfRun(Path to) throws IOException {
        copy(run, to);
        List<Path> kept = checkpoints(to);
        assertEquals(2, kept.size());
        return kept;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
