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

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;
import polyhead.io.Json;

/**
 * Kotlin scripts through the tool (sample 6, script half). Each test compiles a script with the embedded compiler,
 * which takes seconds, so there are two: the sample end to end, and how a faulty script reaches the user.
 */
class ScriptSpecTest {
    static final String SCRIPT = "specs/fashion.kts";

    @Test
    void theScriptSampleIsTheJsonSampleAndTrains(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", SCRIPT, "--data", PolyheadTest.SHIPPED, "--limit", "1024",
                "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());

        // the run records the spec the script produced, and the script itself
        String specJson = Files.readString(out.resolve("spec.json"));
        ExperimentSpec fromJson = ((SpecResult.Ok) SpecJson.INSTANCE.load(
                Files.readString(Path.of(PolyheadTest.SPEC)))).getSpec();
        ExperimentSpec fromScript = ((SpecResult.Ok) SpecJson.INSTANCE.load(specJson)).getSpec();
        assertEquals(fromJson, fromScript);
        assertEquals(SpecJson.INSTANCE.encode(fromJson), specJson);
        assertEquals(Files.readString(Path.of(SCRIPT)), Files.readString(out.resolve("spec.kts")));

        // all five epochs of the sample, on 1,024 images
        assertEquals(6, Files.readAllLines(out.resolve("history.csv")).size(), "header and five epochs");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> test = (Map<String, Map<String, Object>>) ((Map<String, Object>) Json.parse(
                Files.readString(out.resolve("metrics.json")), "metrics.json")).get("test");
        double item = ((Number) test.get("item").get("accuracy")).doubleValue();
        double group = ((Number) test.get("group").get("accuracy")).doubleValue();
        assertTrue(item > 0.1 && item <= 1, "item accuracy above chance (0.1): " + item);
        assertTrue(group > 0.2 && group <= 1, "group accuracy above chance (0.2): " + group);
        for (String task : List.of("item", "group")) {
            assertTrue(Double.isFinite(((Number) test.get(task).get("loss")).doubleValue()), task + " loss finite");
        }
    }

    @Test
    void aFaultyScriptIsOneLinePerCompilerErrorAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path script = tmp.resolve("typo.kts");
        Files.writeString(script, """
                multiTask {
                    input(784)
                    trunk { dense(units = "256"); relu() }
                    task("item") { head { dense(10) }; loss = crossEntropy(); wieght = 1.0 }
                }
                """);
        Path out = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", script.toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals("error: " + script + ": the script has 2 faults:", lines.get(0));
        assertEquals(3, lines.size(), r.err());
        assertTrue(lines.get(1).startsWith("  " + script + ":3:27: "), r.err());
        assertTrue(lines.get(2).startsWith("  " + script + ":4:63: ") && lines.get(2).contains("wieght"), r.err());
        PolyheadTest.assertNoStackTrace(r);
        assertTrue(Files.notExists(out), "nothing written");
    }
}
