package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.io.Json;

/** {@link SparkMain}'s faults: one line each, with the tool's exit codes (in this JVM's Spark session). */
class SparkMainTest {
    static final String SPEC = SparkRunFolderTest.SPEC.toString();
    static final String CSV = SparkRunFolderTest.CSV.toString();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        SparkFixtures.spark(); // SparkMain takes the session that runs (spark-submit's; here the tests')
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        return r;
    }

    private String out() {
        return tmp.resolve("run").toString();
    }

    @Test
    void aMissingFeatureColumnIsOneLineNamingIt() {
        Result r = run(SPEC, "--data", CSV, "--features", "x0,x9", "--out", out());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("'x9'"), r.err());
    }

    @Test
    void aMissingDataPathIsOneLineNamingIt() {
        Result r = run(SPEC, "--data", tmp.resolve("none.csv").toString(), "--features", "x0,x1", "--out", out());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: --data ") && r.err().contains("none.csv"), r.err());
    }

    @Test
    void aBadSpecNamesTheJsonPath() throws IOException {
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, Files.readString(Path.of(SPEC)).replace("\"crossEntropy\"", "\"crossEntropi\""));
        Result r = run(spec.toString(), "--data", CSV, "--features", "x0,x1", "--out", out());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("$.tasks[0].loss"), r.err());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing written");
    }

    @Test
    void aBadCommandLineIsExitCodeTwo() {
        Result missingOut = run(SPEC, "--data", CSV, "--features", "x0,x1");
        assertEquals(2, missingOut.code(), missingOut.err());
        assertTrue(missingOut.err().contains("--out"), missingOut.err());
        Result both = run(SPEC, "--data", CSV, "--features", "x0,x1", "--vector", "v", "--out", out());
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().startsWith("error: give either --features, --vector, or --input/--input-vector for "
                + "each named input"), both.err());
        Result twoSources = run(SPEC, "--data", CSV, "--task-data", "a=" + CSV, "--features", "x0,x1", "--out", out());
        assertEquals(2, twoSources.code(), twoSources.err());
        assertTrue(twoSources.err().startsWith("error: give either --data or --task-data for each task"),
                twoSources.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunOnACsvFileRecordsItsDataSoThatEvaluateNeedsNoDataOptions() throws IOException {
        Result r = run(SPEC, "--data", CSV, "--features", "x0,x1", "--replicas", "2", "--out", out());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> data = (Map<String, Object>) Json.parse(Files.readString(tmp.resolve("run/data.json")),
                "data.json");
        assertEquals(Map.of("dataset", "csv", "data", Path.of(CSV).toAbsolutePath().normalize().toString()), data);
        SparkRunFolderTest.Result evaluate = SparkRunFolderTest.tool("evaluate", out());
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("accuracy"), evaluate.out());

        Result reordered = run(SPEC, "--data", CSV, "--features", "x1,x0", "--replicas", "2", "--out",
                tmp.resolve("other").toString());
        assertEquals(0, reordered.code(), reordered.err());
        assertTrue(reordered.out().contains("(no data.json: the tool would read the features [x0, x1], not [x1, x0]; "
                + "give polyhead evaluate the data options)"), reordered.out());
        assertFalse(Files.exists(tmp.resolve("other/data.json")));
    }

    @Test
    void namedInputsAndOneDataFilePerTaskFromTheCommandLine() throws IOException {
        Path spec = tmp.resolve("inputs.json");
        Files.writeString(spec, Files.readString(Path.of(SPEC))
                .replace("\"input\": [2],", "\"inputs\": [{ \"name\": \"p\", \"shape\": [1] }, "
                        + "{ \"name\": \"q\", \"shape\": [1] }],")
                .replace("\"seed\": 3", "\"seed\": 3, \"sampling\": \"multiSource\""));
        Result r = run(spec.toString(), "--task-data", "a=" + CSV, "--task-data", "b=" + CSV, "--input", "q=x1",
                "--input", "p=x0", "--replicas", "2", "--out", out());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 replicas, 6 steps") && r.out().contains("(no data.json: the data is one "
                + "DataFrame per task; give polyhead evaluate the data options)"), r.out());
        Result unknown = run(spec.toString(), "--task-data", "a=" + CSV, "--task-data", "b=" + CSV, "--input", "q=x1",
                "--input", "r=x0", "--out", tmp.resolve("other").toString());
        assertEquals(1, unknown.code(), unknown.err());
        assertEquals("error: input 'r': the model has no such input; its inputs are [p, q]", unknown.err().strip());
    }
}
