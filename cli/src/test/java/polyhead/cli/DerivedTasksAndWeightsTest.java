package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} with binary CSV targets, a sample-weight column, class weights, and tasks derived from another task's
 * labels, on CSV and on the built-in Fashion-MNIST; a real target read from one column trains against a head of one
 * output without the tool reshaping it (the core binds the data).
 */
class DerivedTasksAndWeightsTest {
    private static final String CSV_SPEC = """
            {
              "version": 2,
              "input": [4],
              "trunk": [{"type": "dense", "units": 16}, {"type": "relu"}],
              "tasks": [
                {"name": "kind", "head": [{"type": "dense", "units": 3}],
                 "loss": {"type": "crossEntropy", "classWeights": [1.0, 2.0, 0.5]}, "metrics": ["accuracy"]},
                {"name": "cheap", "head": [{"type": "dense", "units": 1}], "labels": "binary",
                 "loss": {"type": "bceWithLogits", "posWeight": [1.5]}, "metrics": ["accuracy", "auc"]},
                {"name": "first", "head": [{"type": "dense", "units": 1}], "labels": "binary", "weight": 0.5,
                 "loss": {"type": "bceWithLogits"}, "metrics": ["accuracy"],
                 "derivedFrom": {"task": "kind", "positive": [0]}},
                {"name": "price", "head": [{"type": "dense", "units": 1}], "labels": "realVector",
                 "loss": {"type": "mse"}, "metrics": ["r2"]}
              ],
              "weighting": {"type": "uncertainty", "initialLogVariances": {"price": -0.5}},
              "optimizer": {"algorithm": {"type": "adam", "lr": 0.01}},
              "training": {"epochs": 5, "batchSize": 32, "seed": 3}
            }
            """;

    /** toy.csv with a binary column (the price is below 0; empty where the price is) and a weight column. */
    private static Path csv(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/csv/toy.csv"));
        List<String> out = new ArrayList<>(List.of(lines.get(0) + ",cheap,w"));
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            String price = f[5];
            out.add(lines.get(i) + "," + (price.isEmpty() ? "" : Double.parseDouble(price) < 0 ? "1" : "0") + ","
                    + (i % 3 == 0 ? "2" : "1"));
        }
        Path p = dir.resolve("weighted.csv");
        Files.write(p, out);
        return p;
    }

    @Test
    void binaryTargetsDerivedTasksAndWeightsTrainFromCsv(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("weighted.json");
        Files.writeString(spec, CSV_SPEC);
        Path data = csv(tmp);
        Map<String, Map<String, Object>> test = DatasetCommandsTest.trainSpec(tmp.resolve("run"), spec.toString(),
                "--data", data.toString(), "--targets", "kind:class,cheap:binary,price:real", "--sample-weights", "w");
        assertTrue(DatasetCommandsTest.metric(test, "cheap", "accuracy") > 0.6, test.toString());
        assertTrue(DatasetCommandsTest.metric(test, "first", "accuracy") > 0.6, test.toString());
        DatasetCommandsTest.metric(test, "price", "r2");
        assertTrue(Files.readString(tmp.resolve("run/data.json")).contains("\"sampleWeights\""));

        PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--data", data.toString(), "--targets",
                "kind:class,cheap:binary,price:real", "--sample-weights", "x9", "--out", tmp.resolve("r2").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown column 'x9'"), r.err());
    }

    @Test
    void aBinaryHeadDerivedFromFashionItemsTrainsOnTheBuiltInData(@TempDir Path tmp) throws IOException {
        // the seed's Keras example as a sample spec: softmax item head, sigmoid footwear head derived from the item,
        // loss weights 1.0/0.5, Adam with AMSGrad, a validation split
        String spec = "../samples/specs/keras-multi-output.json";
        Map<String, Map<String, Object>> test = DatasetCommandsTest.trainSpec(tmp.resolve("run"), spec,
                "--limit", "512", "--epochs", "1");
        assertTrue(DatasetCommandsTest.metric(test, "footwear", "accuracy") > 0.7, test.toString());
        DatasetCommandsTest.metric(test, "item", "accuracy");
    }
}
