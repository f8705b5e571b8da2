package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecJson;
import polyhead.dsl.spec.SpecResult;
import polyhead.io.Json;

/**
 * The Brown sample spec through the tool, on a tiny budget (64 training and 64 test sentences, one epoch): train
 * writes the run folder with per-task test metrics, evaluate reads the run's data options back, predict prints each
 * word's tags and the sentence's genre; bad uses are one line.
 */
class SequenceSpecCommandTest {
    /**
     * The specs of the Brown results table ({@code samples/specs/brown/}) are valid specs, and each is the sample spec
     * with only its task list cut to one task (the single-task models, each task as in the sample) or only its
     * weighting changed (uncertainty, MGDA), so that the table compares like with like.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theResultsTableSpecsDifferFromTheSampleOnlyInTasksOrWeighting() throws IOException {
        Map<String, Object> base = (Map<String, Object>) Json.parse(Files.readString(Path.of("specs/brown.json")), "b");
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) base.get("tasks");
        for (String config : List.of("fine", "universal", "genre", "uncertainty", "mgda")) {
            String text = Files.readString(Path.of("specs/brown/brown-" + config + ".json"));
            SpecResult loaded = SpecJson.INSTANCE.load(text);
            assertTrue(loaded instanceof SpecResult.Ok, config + ": " + loaded);
            Map<String, Object> spec = new java.util.HashMap<>((Map<String, Object>) Json.parse(text, config));
            Map<String, Object> expected = new java.util.HashMap<>(base);
            if (config.equals("uncertainty") || config.equals("mgda")) {
                assertEquals(config, ((Map<String, Object>) spec.get("weighting")).get("type"), config);
                expected.put("weighting", spec.get("weighting"));
            } else {
                expected.put("tasks", tasks.stream().filter(t -> t.get("name").equals(config)).toList());
                assertEquals(1, ((List<Object>) expected.get("tasks")).size(), config);
            }
            assertEquals(expected, spec, config);
        }
    }

    @Test
    void trainEvaluateAndPredictTheBrownSpec(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", "specs/brown.json", "--epochs", "1", "--limit", "64",
                "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Brown corpus from") && r.out().contains("64 training and 64 test sentences"),
                r.out());
        assertTrue(r.out().contains("test results (64 sentences)"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> test = (Map<String, Map<String, Object>>) ((Map<String, Object>) Json.parse(
                Files.readString(out.resolve("metrics.json")), "metrics.json")).get("test");
        for (String task : List.of("fine", "universal", "genre")) {
            double accuracy = ((Number) test.get(task).get("accuracy")).doubleValue();
            assertTrue(accuracy >= 0 && accuracy <= 1, task + ": " + accuracy);
        }
        assertTrue(test.get("fine").containsKey("sequence_accuracy"), test.toString());
        ExperimentSpec used = ((SpecResult.Ok) SpecJson.INSTANCE.load(Files.readString(out.resolve("spec.json"))))
                .getSpec();
        assertEquals(472, used.getTasks().get(0).getClassNames().size(), "the tag names of the corpus");
        assertEquals(2, Files.readAllLines(out.resolve("history.csv")).size(), "header and one epoch");

        PolyheadTest.Result e = PolyheadTest.run("evaluate", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test results (64 sentences)"), e.out());

        PolyheadTest.Result p = PolyheadTest.run("predict", out.toString(), "--text", "The jury said it did find that");
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(8, lines.size(), p.out());
        assertTrue(lines.get(0).startsWith("The\t") && lines.get(0).split("\t").length == 3, lines.get(0));
        assertTrue(lines.get(7).startsWith("genre: "), lines.get(7));

        BadInputCommandLineTest.assertOneErrorLine(PolyheadTest.run("predict", out.toString(), "--text", "  "),
                "empty sentence", Pattern.compile("^error: --text: the sentence is empty"));
        BadInputCommandLineTest.assertOneErrorLine(PolyheadTest.run("train", "specs/fashion.json", "--dataset",
                "brown", "--out", tmp.resolve("other").toString()), "fixed-size spec on brown",
                Pattern.compile("^error: dataset brown is sentences of words; it trains a spec with a sequenceInput"));
        assertFalse(Files.exists(tmp.resolve("other")));
        BadInputCommandLineTest.assertOneErrorLine(PolyheadTest.run("inspect", "specs/brown.json"), "inspect",
                Pattern.compile("^error: specs/brown\\.json: \\$\\.sequenceInput: inspect reads no data"));
    }
}
