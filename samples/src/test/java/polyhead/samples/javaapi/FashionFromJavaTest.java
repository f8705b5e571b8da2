package polyhead.samples.javaapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.SpecJson;
import polyhead.experiment.Experiment;
import polyhead.nn.Module;

/**
 * Sample 6: the Java-built experiment and {@code specs/fashion.json} compiled by the DSL start and end with the same
 * weights, bit for bit, after training with the same seed (short run: one epoch of 384 images, three batches of 128).
 */
class FashionFromJavaTest {
    private static final Path SUBSET = Path.of("data/fashion-mnist");
    private static final Path SPEC = Path.of("specs/fashion.json");

    private static Map<String, List<Float>> state(Module m) {
        Map<String, List<Float>> s = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> {
            List<Float> values = new java.util.ArrayList<>();
            for (float f : v.data()) {
                values.add(f);
            }
            s.put(k, values);
        });
        return s;
    }

    /** fashion.json with one epoch instead of five, decoded through the DSL's reader. */
    private static ExperimentSpec shortSpec() throws IOException {
        String text = Files.readString(SPEC);
        String oneEpoch = text.replace("\"epochs\": 5", "\"epochs\": 1");
        assertNotEquals(text, oneEpoch, "fashion.json trains 5 epochs");
        return SpecJson.INSTANCE.load(oneEpoch).getOrThrow();
    }

    @Test
    void theJavaBuiltAndTheSpecCompiledExperimentEndWithTheSameWeights() throws IOException {
        Dataset train = FashionFromJava.dataset(FashionMnist.load(SUBSET).train(), 384);
        CompiledExperiment compiled = SpecCompiler.INSTANCE.compile(shortSpec());
        Experiment java = FashionFromJava.experiment().training(FashionFromJava.TRAINING.epochs(1)).build();

        Map<String, List<Float>> initial = state(java.architecture());
        assertEquals(state(compiled.getArchitecture()), initial);

        assertEquals(3, compiled.batches(train).stepsPerEpoch());
        compiled.fit(train);
        java.fit(train, null);

        Map<String, List<Float>> trained = state(java.architecture());
        assertNotEquals(initial, trained, "training changed the weights");
        assertEquals(state(compiled.getArchitecture()), trained);
    }

    @Test
    void theSampleRunsAndReportsBothTasks() {
        Map<String, Double> r = FashionFromJava.run(FashionFromJava.Options.parse(
                new String[] {"--data", SUBSET.toString(), "--epochs", "1", "--limit", "256", "--quiet"}));
        for (String key : List.of("item.loss", "item.accuracy", "item.f1_macro", "group.loss", "group.accuracy",
                "group.f1_macro")) {
            assertTrue(r.containsKey(key) && Double.isFinite(r.get(key)), key + " in " + r);
        }
    }

    @Test
    void badOptionsGiveOneLineErrors() {
        assertEquals("option --epochs: 'x' is not a whole number", assertThrows(IllegalArgumentException.class,
                () -> FashionFromJava.Options.parse(new String[] {"--epochs", "x"})).getMessage());
    }
}
