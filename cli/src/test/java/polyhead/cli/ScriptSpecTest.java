package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.dsl.script.SpecScripts;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;
import polyhead.io.Json;

/**
 * Kotlin scripts through the tool (sample 6, script half). Each script is compiled by the embedded compiler in a JVM
 * of its own, which takes seconds, so there are few: the sample end to end, how a faulty script reaches the user, and
 * the corpus of scripts that go wrong as they run ({@code polyhead/cli/badscripts/manifest.tsv}).
 */
class ScriptSpecTest {
    static final String SCRIPT = "specs/fashion.kts";
    /** The corpus of scripts that go wrong as they run (tests run in samples/). */
    private static final Path BAD_SCRIPTS = Path.of("../cli/src/test/resources/polyhead/cli/badscripts");

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

    /**
     * Each script of the corpus that loops, ends its process, exhausts its stack or memory, or throws is one line
     * {@code error: FILE[:LINE]: message}, exit 1, without Java class names; the tool returns promptly after a time
     * limit, and goes on after an exit in the script (it reports it).
     */
    @Test
    void everyScriptThatGoesWrongAsItRunsIsOneErrorLine() throws IOException {
        List<String> rows = Files.readAllLines(BAD_SCRIPTS.resolve("manifest.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(rows.size() >= 6, "the corpus has " + rows.size() + " scripts");
        for (String row : rows) {
            String[] f = row.split("\t");
            Path script = BAD_SCRIPTS.resolve(f[0]);
            List<String> args = new ArrayList<>(List.of("inspect", script.toString()));
            if (!f[1].equals("-")) {
                args.addAll(List.of(f[1].split(" ")));
            }
            long started = System.nanoTime();
            PolyheadTest.Result r = PolyheadTest.run(args.toArray(String[]::new));
            double seconds = (System.nanoTime() - started) / 1e9;
            BadInputCommandLineTest.assertOneErrorLine(r, f[0], Pattern.compile(
                    "^error: " + Pattern.quote(script.toString()) + f[2].replaceFirst("^\\^", "")));
            assertTrue(seconds < 60, f[0] + ": the tool returned after " + seconds + " s");
        }
    }

    @Test
    void theTimeLimitIsAnOptionOfTheCommandsThatReadASpec() {
        for (String command : List.of("train", "inspect")) {
            PolyheadTest.Result help = PolyheadTest.run(command, "--help");
            assertTrue(help.out().contains("--script-timeout=SECONDS") && help.out().contains("(default "
                    + SpecScripts.DEFAULT_TIMEOUT_SECONDS + ")"), help.out());
            PolyheadTest.Result zero = PolyheadTest.run(command, SCRIPT, "--script-timeout", "0");
            assertEquals(2, zero.code(), zero.err());
            assertTrue(zero.err().startsWith("error: option --script-timeout must be at least 1, got 0\n"), zero.err());
        }
    }
}
