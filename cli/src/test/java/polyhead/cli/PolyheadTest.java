package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.CheckpointStore;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;
import polyhead.io.Json;

/** The command-line tool end to end, through {@link Polyhead#run} with captured output (tests run in samples/). */
class PolyheadTest {
    static final String SPEC = "specs/fashion.json";
    static final String SHIPPED = "data/fashion-mnist";

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Polyhead.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test
    void trainWritesTheRunFolder(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        Result r = run("train", SPEC, "--data", SHIPPED, "--epochs", "1", "--limit", "1024", "--out", out.toString(),
                "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("subset shipped with the repository"), r.out());

        ExperimentSpec used = ((SpecResult.Ok) SpecJson.INSTANCE.load(Files.readString(out.resolve("spec.json"))))
                .getSpec();
        assertEquals(1, used.getTraining().getEpochs());
        assertEquals(42L, used.getTraining().getSeed());

        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(2, history.size(), "header and one epoch");
        assertTrue(history.get(0).contains("train.item.loss") && history.get(0).contains("train.group.loss"));

        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) Json.parse(Files.readString(out.resolve("metrics.json")),
                "metrics.json");
        assertEquals(42L, ((Number) metrics.get("seed")).longValue());
        assertEquals(1L, ((Number) metrics.get("epochs")).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> test = (Map<String, Map<String, Object>>) metrics.get("test");
        double item = ((Number) test.get("item").get("accuracy")).doubleValue();
        double group = ((Number) test.get("group").get("accuracy")).doubleValue();
        assertTrue(item > 0.1 && item <= 1, "item accuracy above chance (0.1): " + item);
        assertTrue(group > 0.2 && group <= 1, "group accuracy above chance (0.2): " + group);
        assertTrue(Double.isFinite(((Number) test.get("item").get("loss")).doubleValue()));
        assertTrue(metrics.containsKey("versions") && metrics.containsKey("spec") && metrics.containsKey("data"));

        var latest = new CheckpointStore(out.resolve("checkpoints"), 3).latest();
        assertTrue(latest.isPresent(), "a checkpoint was written");
        assertEquals(1L, latest.get().checkpoint().epoch());
        assertEquals(out.resolve(String.valueOf(metrics.get("checkpoint"))).normalize(), latest.get().dir().normalize());
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }
    }

    /**
     * A bad -D property that a library class reads when it starts (the pool's awake time, the GEMM's choice) is one
     * line naming the property and the value, exit code 2, and no run folder: in a JVM of its own, since the classes
     * of this one have started already.
     */
    @Test
    void aBadSystemPropertyIsOneLineNamingIt(@TempDir Path tmp) throws IOException, InterruptedException {
        String[][] cases = {{"-Dpolyhead.workers.awakeMicros=abc", "error: -Dpolyhead.workers.awakeMicros=abc: expected"},
            {"-Dpolyhead.gemm=fast", "error: -Dpolyhead.gemm=fast: expected 'ejml' or 'vector'"},
            // read when the vector kernels start, so only with their module (before: taken for a CPU without AVX2)
            {"-Dpolyhead.gemm.kernelBits=384", "error: -Dpolyhead.gemm.kernelBits=384: expected 256 or 512"}};
        for (String[] c : cases) {
            Path out = tmp.resolve("run" + c[0].length());
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process p = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "--add-modules=jdk.incubator.vector", c[0],
                    "-cp", cp, Polyhead.class.getName(), "train", SPEC, "--data", SHIPPED, "--epochs", "1", "--limit",
                    "64", "--out", out.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
            assertEquals(2, p.exitValue(), err);
            List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
            assertEquals(1, lines.size(), err);
            assertTrue(lines.get(0).startsWith(c[1]), err);
            assertTrue(!Files.exists(out) || Files.list(out).findAny().isEmpty(), "a half-written run folder " + out);
        }
    }

    /**
     * {@code train} says once which matrix-product backend runs and, when it falls back to EJML, how to get the fast
     * one, although both the command and the progress bar ask: in a JVM of its own without the vector module.
     */
    @Test
    void trainSaysOnceWhichBackendRuns(@TempDir Path tmp) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-cp", cp, Polyhead.class.getName(),
                "train", SPEC, "--data", SHIPPED, "--epochs", "1", "--limit", "64", "--out",
                tmp.resolve("run").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("matrix products: EjmlGemm (portable, about 10x slower; for the fast VectorGemm run Java "
                + "with --add-modules jdk.incubator.vector)"),
                out.lines().filter(l -> l.contains("matrix products")).toList(), out);
    }

    @Test
    void trainRefusesANonEmptyOutputFolder(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        Result r = run("train", SPEC, "--data", SHIPPED, "--out", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not empty"), r.err());
    }

    @Test
    void inspectListsLayersAndSharedAndTaskParameters() {
        Result r = run("inspect", SPEC);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trunk.0 (Linear)      [N, 256]           200,960"), r.out());
        assertTrue(r.out().contains("heads.group (Linear)  [N, 5]                 645"), r.out());
        assertTrue(r.out().contains("parameters: 233,856 shared, 1,935 task-specific, 235,791 in all"), r.out());
        assertTrue(r.out().contains("task item (1,290)") && r.out().contains("task group (645)"), r.out());
        assertTrue(r.out().contains("heads.item.weight"), r.out());
    }

    @Test
    void anInvalidSpecListsEveryFaultWithItsPath(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, """
                {"version": 2, "input": [784], "trunk": [{"type": "dense", "units": 0}],
                 "tasks": [{"name": "item", "head": [{"type": "dense", "units": 10}]}]}
                """);
        for (String command : List.of("train", "inspect")) {
            Result r = run(command, spec.toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("$.trunk[0].units: dense units must be at least 1, got 0"), r.err());
            assertTrue(r.err().contains("$.tasks[0].loss: missing"), r.err());
            assertNoStackTrace(r);
        }
    }

    @Test
    void malformedJsonGivesItsLineAndColumn(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("broken.json");
        Files.writeString(spec, "{\n  \"input\": [784,\n}");
        Result r = run("inspect", spec.toString());
        assertEquals(1, r.code());
        // the array is not closed: where its next element should be, a '}'
        assertEquals("error: " + spec + ":3:1: expected a value, got '}'", r.err().strip());
        assertNoStackTrace(r);
    }

    @Test
    void dataAndFileFaultsAreOneLine(@TempDir Path tmp) {
        Result missing = run("train", tmp.resolve("nope.json").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        Result noData = run("train", SPEC, "--data", tmp.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(1, noData.code());
        assertEquals(1, noData.err().strip().lines().count(), noData.err());
        assertNoStackTrace(noData);
    }

    @Test
    void aSpecForOtherDataIsRefused(@TempDir Path tmp) throws IOException {
        String text = Files.readString(Path.of(SPEC)).replace("\"item\"", "\"kind\"");
        Path spec = tmp.resolve("other.json");
        Files.writeString(spec, text);
        Result r = run("train", spec.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot tell which dataset"), r.err());
    }

    @Test
    void usageErrorsExitWithTwoAndShowTheUsage() {
        Result unknown = run("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());
        assertTrue(unknown.err().contains("usage: polyhead COMMAND"), unknown.err());

        assertEquals(2, run().code());
        Result badOption = run("train", SPEC, "--epochs", "zero");
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().contains("usage: polyhead train"), badOption.err());
        // the synopsis and a pointer to --help, not the whole option list under the one line that matters
        assertTrue(badOption.err().endsWith("(polyhead train --help lists the options)" + System.lineSeparator()),
                badOption.err());
        assertFalse(badOption.err().contains("--epochs=N"), badOption.err());
        assertTrue(unknown.err().contains("(polyhead --help lists the commands)"), unknown.err());
        assertEquals(2, run("inspect").code());
        assertEquals(2, run("train", SPEC, "--bogus").code());
    }

    @Test
    void everyCommandHasHelp() {
        assertTrue(run("--help").out().contains("usage: polyhead COMMAND"));
        Result train = run("train", "--help");
        assertEquals(0, train.code());
        assertTrue(train.out().contains("usage: polyhead train SPEC"));
        Result inspect = run("inspect", "--help");
        assertEquals(0, inspect.code());
        assertTrue(inspect.out().contains("usage: polyhead inspect SPEC"));
    }
}
