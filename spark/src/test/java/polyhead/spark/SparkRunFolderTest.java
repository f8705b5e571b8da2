package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.cli.Polyhead;
import polyhead.io.Json;

/** A Spark run folder holds what a local {@code polyhead train} run's does, and the tool reads it. */
class SparkRunFolderTest {
    static final Path SPEC = Path.of("src/test/resources/tiny-spec.json");
    static final Path CSV = Path.of("src/test/resources/tiny.csv");

    @TempDir
    Path tmp;

    static Dataset<Row> csv() {
        return SparkFixtures.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(CSV.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSparkRunFolderHoldsTheFilesOfALocalRunAndTheToolReadsIt() throws IOException {
        Path local = tmp.resolve("local");
        String[] train = {"train", SPEC.toString(), "--dataset", "csv", "--data", CSV.toString(), "--quiet", "--out",
                local.toString()};
        assertEquals(0, tool(train).code(), "local run");

        Path run = tmp.resolve("spark");
        PolyheadSpark.fit(Files.readString(SPEC), csv(),
                SparkTrainingOptions.features("x0", "x1").withReplicas(2).withTest(csv()).withRunFolder(run));

        Set<String> expected = listing(local);
        expected.remove("data.json"); // the tool's own data options
        Set<String> actual = listing(run);
        actual.remove("model"); // the trained model, which TrainedModel.load reads
        assertEquals(expected, actual);
        assertTrue(actual.contains("loss-a.png") && actual.contains("metrics.json"), actual.toString());

        Map<String, Object> metrics = (Map<String, Object>) Json.parse(Files.readString(run.resolve("metrics.json")),
                "metrics.json");
        Map<String, Object> test = (Map<String, Object>) metrics.get("test");
        assertTrue(((Map<String, Object>) test.get("a")).get("accuracy") instanceof Double, metrics.toString());
        assertEquals(3L, metrics.get("seed"));
        assertEquals(2L, metrics.get("epochs"));
        assertEquals(48L, ((Map<String, Object>) metrics.get("data")).get("train"));

        Result evaluate = tool("evaluate", run.toString(), "--dataset", "csv", "--data", CSV.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("accuracy"), evaluate.out());
        Result inspect = tool("inspect", run.resolve("spec.json").toString()); // the spec the run recorded
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("parameters: "), inspect.out());
    }

    /** The names in a folder, sorted. */
    static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Polyhead.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
