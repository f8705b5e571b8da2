package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.Checkpoints;
import polyhead.checkpoint.WeightImport;
import polyhead.io.Json;
import polyhead.io.Safetensors;
import polyhead.tensor.Tensor;

/**
 * Fine-tuning from the command line: {@code train --init FILE --init-map RULES} starts from a PyTorch model's weights
 * (core-java's {@code reference/pytorch_init.safetensors}), a frozen trunk keeps them, the run records the file and its
 * SHA-256, and the run's checkpoints are evaluated without the file; {@code inspect} marks frozen parameters; bad
 * options and files are one line.
 */
class FineTuneCommandTest {
    private static final Path WEIGHTS = Path.of("../core-java/src/test/resources/reference/pytorch_init.safetensors");
    private static final Path MAP = Path.of("../core-java/src/test/resources/reference/pytorch_init_map.json");

    /** The PyTorch model's shape (5 → 8 → 6, heads 3 and 2) with a frozen trunk. */
    private static final String SPEC = """
            {
              "version": 2,
              "input": [5],
              "trunk": [
                {"type": "dense", "units": 8, "trainable": false}, {"type": "relu"},
                {"type": "dense", "units": 6, "trainable": false}, {"type": "relu"}
              ],
              "tasks": [
                {"name": "a", "head": [{"type": "dense", "units": 3}], "loss": {"type": "crossEntropy"}},
                {"name": "b", "head": [{"type": "dense", "units": 2}], "loss": {"type": "crossEntropy"}}
              ],
              "optimizer": {"algorithm": {"type": "adam", "lr": 0.01}},
              "training": {"epochs": 2, "batchSize": 16, "seed": 1}
            }
            """;

    private static Path csv(Path dir) throws IOException {
        Random rng = new Random(3);
        StringBuilder b = new StringBuilder("x1,x2,x3,x4,x5,a,b\n");
        for (int i = 0; i < 80; i++) {
            double[] x = new double[5];
            for (int k = 0; k < 5; k++) {
                x[k] = rng.nextGaussian();
                b.append(String.format("%.4f,", x[k]));
            }
            b.append(x[0] > 0.5 ? 2 : x[0] > -0.5 ? 1 : 0).append(',').append(x[1] > 0 ? 1 : 0).append('\n');
        }
        Path f = dir.resolve("data.csv");
        Files.writeString(f, b.toString());
        return f;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path f) throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(f), f.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainStartsFromThePyTorchWeightsKeepsTheFrozenTrunkAndRecordsTheFile(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("tune.json");
        Files.writeString(spec, SPEC);
        Path weights = Files.copy(WEIGHTS, tmp.resolve("pretrained.safetensors"));
        Path run = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--out", run.toString(), "--quiet",
                "--dataset", "csv", "--data", csv(tmp).toString(), "--targets", "a:class,b:class",
                "--init", weights.toString(), "--init-map", MAP.toString());
        assertEquals(0, r.code(), r.err());

        String sha = WeightImport.sha256(weights);
        Map<String, Object> recorded = (Map<String, Object>) json(run.resolve("spec.json")).get("initialWeights");
        assertEquals(Map.of("file", weights.toString(), "map", json(MAP), "strict", true, "sha256", sha), recorded);
        assertEquals(Map.of("file", weights.toString(), "sha256", sha), json(run.resolve("metrics.json"))
                .get("initialWeights"));

        Map<String, Tensor> torch = Safetensors.load(WEIGHTS);
        Checkpoint last = Checkpoints.read(RunFolder.checkpoint(run, System.err));
        assertArrayEquals(torch.get("encoder.0.weight").data(), last.model().get("trunk.0.weight").data());
        assertArrayEquals(torch.get("encoder.2.bias").data(), last.model().get("trunk.2.bias").data());
        assertFalse(java.util.Arrays.equals(torch.get("head_a.weight").data(), last.model().get("heads.a.weight")
                .data()), "the heads train");
        assertTrue(last.optimizer().tensors().keySet().stream().noneMatch(k -> k.contains("trunk.")),
                last.optimizer().tensors().keySet().toString());

        // the checkpoint holds the weights: evaluating the run needs no weights file
        Files.delete(weights);
        PolyheadTest.Result e = PolyheadTest.run("evaluate", run.toString());
        assertEquals(0, e.code(), e.err());

        // training again from the run's spec checks the file's hash
        Files.writeString(weights, "another file");
        PolyheadTest.Result again = PolyheadTest.run("train", run.resolve("spec.json").toString(), "--out",
                tmp.resolve("again").toString(), "--quiet", "--dataset", "csv", "--data", csv(tmp).toString(),
                "--targets", "a:class,b:class");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("$.initialWeights: " + weights + ": SHA-256 is "), again.err());
    }

    @Test
    void inspectMarksFrozenParameters(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("tune.json");
        Files.writeString(spec, SPEC);
        PolyheadTest.Result r = PolyheadTest.run("inspect", spec.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("137 in all (102 frozen)"), r.out()); // 8·5 + 8 + 6·8 + 6
        assertTrue(r.out().lines().anyMatch(l -> l.contains("trunk.0.weight") && l.endsWith("frozen")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("heads.a.weight") && !l.endsWith("frozen")), r.out());
    }

    @Test
    void badInitOptionsAndFilesAreOneLine(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("tune.json");
        Files.writeString(spec, SPEC);
        String data = csv(tmp).toString();
        String[] base = {"train", spec.toString(), "--out", tmp.resolve("run").toString(), "--quiet", "--dataset",
                "csv", "--data", data, "--targets", "a:class,b:class"};

        PolyheadTest.Result r = PolyheadTest.run(with(base, "--init-map", MAP.toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: --init-map goes with --init FILE"), r.err());

        r = PolyheadTest.run(with(base, "--init", tmp.resolve("none.safetensors").toString()));
        assertEquals(1, r.code());
        assertEquals("error: initialWeights: " + tmp.resolve("none.safetensors") + ": no such file", r.err().strip());

        // without the map the file's names are not the model's
        r = PolyheadTest.run(with(base, "--init", WEIGHTS.toString()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("$.initialWeights: " + WEIGHTS + ": strict import: no value for the module's "
                + "'trunk.0.weight' [8, 5]"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path badMap = tmp.resolve("map.json");
        Files.writeString(badMap, "{\"encoder.*\": 3}");
        r = PolyheadTest.run(with(base, "--init", WEIGHTS.toString(), "--init-map", badMap.toString()));
        assertEquals(1, r.code());
        assertEquals("error: " + badMap + ": \"encoder.*\": a rule maps a name to a name (a string), got 3",
                r.err().strip());
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
