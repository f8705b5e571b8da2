package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.io.Json;

/**
 * {@code train} on the mmoe and csv datasets with their sample specs in {@code specs/}, in a short configuration (the
 * test metrics are finite and above chance), and specs or options that do not fit the data. The image datasets are
 * in {@link ImageDatasetsTest}.
 */
class DatasetCommandsTest {
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> testMetrics(Path run) throws IOException {
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(run.resolve("metrics.json")), "m");
        return (Map<String, Map<String, Object>>) m.get("test");
    }

    static double metric(Map<String, Map<String, Object>> test, String task, String metric) {
        Object v = test.get(task).get(metric);
        assertTrue(v instanceof Number, task + "." + metric + " is " + v + " (null: not finite)");
        double d = ((Number) v).doubleValue();
        assertTrue(Double.isFinite(d), task + "." + metric + " = " + d);
        return d;
    }

    static Map<String, Map<String, Object>> train(Path out, String spec, String... options) throws IOException {
        return trainSpec(out, "specs/" + spec + ".json", options);
    }

    /** Trains the spec file {@code spec} quietly into {@code out}; its test metrics. */
    static Map<String, Map<String, Object>> trainSpec(Path out, String spec, String... options) throws IOException {
        String[] args = new String[options.length + 5];
        args[0] = "train";
        args[1] = spec;
        args[2] = "--out";
        args[3] = out.toString();
        args[4] = "--quiet";
        System.arraycopy(options, 0, args, 5, options.length);
        PolyheadTest.Result r = PolyheadTest.run(args);
        assertEquals(0, r.code(), r.err());
        return testMetrics(out);
    }

    @Test
    void mmoeSyntheticExplainsVariance(@TempDir Path tmp) throws IOException {
        var test = train(tmp.resolve("run"), "mmoe", "--limit", "1024", "--epochs", "3", "--rho", "0.5");
        for (String task : List.of("y1", "y2")) {
            double r2 = metric(test, task, "r2");
            assertTrue(r2 > 0.05, task + " R² above that of the mean (0): " + r2);
            metric(test, task, "mse");
        }
    }

    @Test
    void csvWithMissingLabelsLearnsClassAndValue(@TempDir Path tmp) throws IOException {
        var test = train(tmp.resolve("run"), "csv", "--data", "data/csv/toy.csv", "--epochs", "5");
        double acc = metric(test, "kind", "accuracy");
        assertTrue(acc > 0.6, "kind accuracy above chance (about 1/3): " + acc);
        double r2 = metric(test, "price", "r2");
        assertTrue(r2 > 0.5, "price R²: " + r2);
    }

    /**
     * A separate test file is read with the training file's classes; a class the training file does not have is a
     * one-line fault naming the file, line and column.
     */
    @Test
    void csvTestFileAndTargetKinds(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("data/csv/toy.csv"));
        Path train = tmp.resolve("train.csv");
        Path test = tmp.resolve("test.csv");
        Files.write(train, lines.subList(0, 451));
        List<String> testLines = new java.util.ArrayList<>(lines.subList(450, lines.size()));
        testLines.set(0, lines.get(0));
        Files.write(test, testLines);
        var metrics = train(tmp.resolve("run"), "csv", "--data", train.toString(), "--test-data", test.toString(),
                "--targets", "kind:class,price:real", "--epochs", "5");
        assertTrue(metric(metrics, "kind", "accuracy") > 0.6, metrics.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(tmp.resolve("run/metrics.json")), "m");
        assertEquals(150L, ((Number) ((Map<?, ?>) m.get("data")).get("test")).longValue());

        testLines.set(1, testLines.get(1).replaceFirst(",[0-2]?,", ",7,"));
        Files.write(test, testLines);
        PolyheadTest.Result r = PolyheadTest.run("train", "specs/csv.json", "--data", train.toString(), "--test-data",
                test.toString(), "--out", tmp.resolve("run2").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(test + ": line 2") && r.err().contains("kind"), r.err());
    }

    @Test
    void aSpecThatDoesNotFitTheDataIsRefusedWithItsPath(@TempDir Path tmp) throws IOException {
        String fashion = Files.readString(Path.of(PolyheadTest.SPEC));
        Object[][] cases = {
            {fashion.replace("\"units\": 10", "\"units\": 7"),
                "$.tasks[0].head: task item of dataset fashion needs one logit per class (10), the head outputs [7]"},
            {fashion.replace("[784]", "[900]"),
                "$.input: dataset fashion has samples of shape [784] (784 values), the spec's input is [900] (900 "
                        + "values)"},
            {fashion.replace("\"name\": \"group\"", "\"name\": \"left\""),
                "$.tasks[1].name: dataset fashion has no task 'left'"},
        };
        for (Object[] c : cases) {
            Path spec = tmp.resolve("spec.json");
            Files.writeString(spec, (String) c[0]);
            PolyheadTest.Result r = PolyheadTest.run("train", spec.toString(), "--dataset", "fashion", "--data",
                    PolyheadTest.SHIPPED, "--limit", "64", "--out", tmp.resolve("run").toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("error: " + spec + ": " + c[1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(Files.notExists(tmp.resolve("run").resolve("spec.json")), "nothing written");
        }
        Path mmoe = tmp.resolve("mmoe.json");
        Files.writeString(mmoe, Files.readString(Path.of("specs/mmoe.json")).replace("\"realVector\"", "\"binary\"")
                .replace("\"mse\" }", "\"bceWithLogits\" }").replace("[\"mse\", \"r2\"]", "[\"auc\"]"));
        PolyheadTest.Result r = PolyheadTest.run("train", mmoe.toString(), "--limit", "64");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("$.tasks[0].labels: task y1 of dataset mmoe has realVector labels, the spec says "
                + "binary"), r.err());
    }

    @Test
    void optionsOfAnotherDatasetAreUsageErrors() {
        PolyheadTest.Result r = PolyheadTest.run("train", "specs/mmoe.json", "--recipe", "sener-koltun");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dataset mmoe takes no --recipe"), r.err());
        r = PolyheadTest.run("train", "specs/mmoe.json", "--rho", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("option --rho: 2 is out of range (at most 1)"), r.err());
        r = PolyheadTest.run("train", "specs/csv.json", "--dataset", "csv");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dataset csv needs --data FILE"), r.err());
    }
}
