package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec with named inputs from the command line: CSV feature columns feed the inputs in order (each takes the next
 * size-of-its-shape columns), the model learns a label only its second input decides, and {@code inspect} lists the
 * inputs and their branches.
 */
class MultiInputCommandTest {
    private static final String SPEC = """
            {
              "version": 2,
              "inputs": [
                {"name": "noise", "shape": [4], "trunk": [{"type": "dense", "units": 4}, {"type": "tanh"}]},
                {"name": "signal", "shape": [3], "trunk": [{"type": "dense", "units": 4}, {"type": "tanh"}]}
              ],
              "trunk": [{"type": "dense", "units": 8}, {"type": "relu"}],
              "tasks": [
                {"name": "y", "head": [{"type": "dense", "units": 2}], "loss": {"type": "crossEntropy"},
                 "metrics": ["accuracy"]}
              ],
              "optimizer": {"algorithm": {"type": "adam", "lr": 0.02}},
              "training": {"epochs": 8, "batchSize": 32, "seed": 5}
            }
            """;

    @Test
    void trainsFromCsvColumnsInInputOrderAndInspectListsTheInputs(@TempDir Path tmp) throws IOException {
        Random rng = new Random(8);
        StringBuilder b = new StringBuilder("n1,n2,n3,n4,s1,s2,s3,y\n");
        for (int i = 0; i < 600; i++) {
            double[] v = new double[7];
            for (int k = 0; k < 7; k++) {
                v[k] = rng.nextGaussian();
                b.append(String.format("%.4f,", v[k]));
            }
            b.append(v[4] + v[5] > 0 ? 1 : 0).append('\n');
        }
        Path csv = tmp.resolve("data.csv");
        Files.writeString(csv, b.toString());
        Path spec = tmp.resolve("two.json");
        Files.writeString(spec, SPEC);
        var test = DatasetCommandsTest.trainSpec(tmp.resolve("run"), spec.toString(), "--dataset", "csv", "--data",
                csv.toString(), "--targets", "y:class");
        double accuracy = DatasetCommandsTest.metric(test, "y", "accuracy");
        assertTrue(accuracy > 0.85, "accuracy " + accuracy);

        PolyheadTest.Result r = PolyheadTest.run("inspect", spec.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input [7]"), r.out());
        assertTrue(r.out().contains("  input noise [4], its trunk trunk.0.noise (2 layers)"), r.out());
        assertTrue(r.out().contains("trunk.0.signal.0 (Linear)"), r.out());

        Files.writeString(csv, "n1,n2,n3,y\n" + "0,0,0,1\n1,1,1,0\n".repeat(10));
        r = PolyheadTest.run("train", spec.toString(), "--out", tmp.resolve("bad").toString(), "--dataset", "csv",
                "--data", csv.toString(), "--targets", "y:class");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("$.inputs: dataset csv has samples of shape [3]"), r.err());
    }
}
