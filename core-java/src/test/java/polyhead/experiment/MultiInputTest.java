package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Dataset;
import polyhead.data.InputLayout;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.arch.Architecture;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Flatten;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.MultiInput;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Tensor;

/**
 * Multi-input models: named inputs packed side by side, each read by its own trunk, concatenated before the shared
 * layers. Shapes and names, gradients through the split and concatenation against finite differences, the packing,
 * a two-input model that learns what a model without the informative input cannot, and the builder's faults.
 */
class MultiInputTest {
    private static ExperimentBuilder imageAndFeatures() {
        return new ExperimentBuilder()
                .input(InputPlan.named("image").shape(1, 6, 6).trunk(Layers.conv2d(2, 3), Layers.relu(), Layers.flatten()))
                .input(InputPlan.named("features").shape(3).trunk(Layers.dense(4), Layers.tanh()))
                .trunk(Layers.dense(8), Layers.relu())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))));
    }

    @Test
    void eachInputHasItsBranchAndTheSharedTrunkReadsTheirConcatenation() {
        Architecture a = imageAndFeatures().build().architecture();
        assertEquals(List.of("trunk.0.image.0.weight", "trunk.0.image.0.bias", "trunk.0.features.0.weight",
                "trunk.0.features.0.bias", "trunk.1.weight", "trunk.1.bias", "heads.a.weight", "heads.a.bias"),
                List.copyOf(a.namedParameters().keySet()));
        assertArrayEquals(new int[] {8, 2 * 4 * 4 + 4}, a.namedParameters().get("trunk.1.weight").shape().dims());
        // the same model by hand from the core, same draw order: image branch, features branch, shared, head
        Random rng = new Random(0);
        Module image = new Sequential(new Conv2d(1, 2, 3, 1, 0, true, rng), Activation.relu(), new Flatten());
        Module features = new Sequential(new Linear(3, 4, rng), Activation.tanh());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("image", new int[] {1, 6, 6});
        shapes.put("features", new int[] {3});
        Map<String, Module> branches = new LinkedHashMap<>();
        branches.put("image", image);
        branches.put("features", features);
        Module byHand = new Sequential(new MultiInput(shapes, branches), new Linear(36, 8, rng), Activation.relu());
        Tensor x = InputLayout.of(shapes).pack(Map.of("image", Tensor.randn(1, 5, 1, 6, 6),
                "features", Tensor.randn(2, 5, 3)));
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor viaBuilder = ((polyhead.mtl.arch.HardSharing) a).trunk().call(Var.constant(x)).value();
            assertArrayEquals(byHand.call(Var.constant(x)).value().data(), viaBuilder.data());
            assertArrayEquals(new int[] {5, 8}, viaBuilder.shape().dims());
        }
        assertTrue(a.summary(x.shape().dim(1)).contains("trunk.0.image.0 (Conv2d)"));
    }

    @Test
    void gradientsThroughTheSplitAndConcatenationMatchFiniteDifferences() {
        Random rng = new Random(4);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("grid", new int[] {2, 3});
        shapes.put("row", new int[] {4});
        shapes.put("raw", new int[] {2});
        Map<String, Module> branches = new LinkedHashMap<>();
        branches.put("grid", new Sequential(Activation.tanh())); // [2, 3], flattened by MultiInput
        branches.put("row", new Sequential(new Linear(4, 3, rng), Activation.tanh()));
        branches.put("raw", new Sequential());
        MultiInput m = new MultiInput(shapes, branches);
        GradCheck.assertGradients(v -> m.call(v[0]), Tensor.randn(5, 3, 12));
        Var w = m.namedParameters().get("row.0.weight");
        GradCheck.assertGradients(v -> {
            Var x = v[0];
            return polyhead.autodiff.ops.Shaping.concat(1, x.slice(1, 0, 6).tanh(),
                    x.slice(1, 6, 10).matmul(v[1].transpose(0, 1)).tanh(), x.slice(1, 10, 12)).mul(
                    m.call(x));
        }, Tensor.randn(6, 3, 12), w.value());
    }

    @Test
    void packingPutsInputsSideBySideAndNamesEachFault() {
        InputLayout l = InputLayout.of(new LinkedHashMap<>()).with("a", 2).with("b", 1, 2);
        Tensor packed = l.pack(Map.of("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
                "b", Tensor.of(new float[] {5, 6, 7, 8}, 2, 1, 2)));
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 7, 8}, packed.data());
        assertEquals("input 'c': the model has no such input; its inputs are [a, b]", assertThrows(
                IllegalArgumentException.class, () -> l.pack(Map.of("c", Tensor.zeros(2, 2)))).getMessage());
        assertEquals("input 'b' is missing; the model's inputs are [a, b]", assertThrows(
                IllegalArgumentException.class, () -> l.pack(Map.of("a", Tensor.zeros(2, 2)))).getMessage());
        assertEquals("input 'b': shape [2, 2] is not [N, 1, 2]", assertThrows(IllegalArgumentException.class,
                () -> l.pack(Map.of("a", Tensor.zeros(2, 2), "b", Tensor.zeros(2, 2)))).getMessage());
        assertEquals("input 'b' has 3 samples, the inputs before it 2", assertThrows(IllegalArgumentException.class,
                () -> l.pack(Map.of("a", Tensor.zeros(2, 2), "b", Tensor.zeros(3, 1, 2)))).getMessage());
    }

    /** Noise [4] and a second input [3] whose first two values decide the label. */
    private static Map<String, Tensor> inputs(long seed, int n, float[] labels) {
        Tensor noise = Tensor.randn(seed, n, 4);
        Tensor signal = Tensor.randn(seed + 1, n, 3);
        for (int i = 0; i < n; i++) {
            labels[i] = signal.data()[3 * i] + signal.data()[3 * i + 1] > 0 ? 1 : 0;
        }
        return Map.of("noise", noise, "signal", signal);
    }

    private static double accuracy(ExperimentBuilder b, InputLayout layout, List<String> used) {
        float[] trainLabels = new float[512];
        float[] testLabels = new float[256];
        Map<String, Tensor> train = inputs(10, 512, trainLabels);
        Map<String, Tensor> test = inputs(20, 256, testLabels);
        Map<String, Tensor> trainUsed = new LinkedHashMap<>();
        Map<String, Tensor> testUsed = new LinkedHashMap<>();
        used.forEach(k -> {
            trainUsed.put(k, train.get(k));
            testUsed.put(k, test.get(k));
        });
        Experiment e = b.task(TaskPlan.named("y").head(Layers.dense(2)).loss(Losses.crossEntropy())
                        .metrics(Metrics.accuracy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(TrainingPlan.defaults().epochs(8).batchSize(32).seed(5)).build();
        Dataset trainSet = Dataset.of(layout.pack(trainUsed), Map.of("y", Tensor.of(trainLabels, 512)));
        Dataset testSet = Dataset.of(layout.pack(testUsed), Map.of("y", Tensor.of(testLabels, 256)));
        polyhead.train.Trainer t = e.trainerBuilder(16, null).diagnostics(false).build();
        t.fit(e.batches(trainSet), null);
        return t.evaluate(testSet).get("y.accuracy");
    }

    @Test
    void aTwoInputModelLearnsWhatAModelWithoutTheInformativeInputCannot() {
        ExperimentBuilder two = new ExperimentBuilder()
                .input(InputPlan.named("noise").shape(4).trunk(Layers.dense(4), Layers.tanh()))
                .input(InputPlan.named("signal").shape(3).trunk(Layers.dense(4), Layers.tanh()))
                .trunk(Layers.dense(8), Layers.relu());
        InputLayout both = InputPlan.layout(List.of(InputPlan.named("noise").shape(4), InputPlan.named("signal")
                .shape(3)));
        ExperimentBuilder one = new ExperimentBuilder()
                .input(InputPlan.named("noise").shape(4).trunk(Layers.dense(4), Layers.tanh()))
                .trunk(Layers.dense(8), Layers.relu());
        double withSignal = accuracy(two, both, List.of("noise", "signal"));
        double without = accuracy(one, InputLayout.of(Map.of("noise", new int[] {4})), List.of("noise"));
        assertTrue(withSignal > 0.9, "with the informative input: " + withSignal);
        assertTrue(without < 0.65, "without it: " + without);
    }

    @Test
    void theBuilderNamesEachFaultOfTheInputs() {
        String m = assertThrows(IllegalArgumentException.class, () -> new ExperimentBuilder().input(3)
                .input(InputPlan.named("a").shape(4).trunk(Layers.conv2d(2, 3)))
                .input(InputPlan.named("a").shape(0))
                .input(InputPlan.named("b.c"))
                .task(TaskPlan.named("t").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01)))).build()).getMessage();
        assertTrue(m.contains("input: give one input shape or named inputs, not both"), m);
        assertTrue(m.contains("input 'a': declared twice"), m);
        assertTrue(m.contains("input 'a': shape[0]: an input dimension must be at least 1, got 0"), m);
        assertTrue(m.contains("input 'b.c': U+002E (.) at character 2 is not allowed in a name"), m);
        assertTrue(m.contains("input 'b.c': shape is missing"), m);
        m = assertThrows(IllegalArgumentException.class, () -> imageAndFeatures()
                .input(InputPlan.named("c").shape(4).trunk(Layers.conv2d(2, 3))).build()).getMessage();
        assertTrue(m.startsWith("input 'c': trunk[0] (conv2d): "), m);
        m = assertThrows(IllegalArgumentException.class, () -> imageAndFeatures()
                .architecture(ArchitecturePlan.crossStitch()).build()).getMessage();
        assertTrue(m.contains("architecture: crossStitch stitches the stages of one input's trunk"), m);
    }
}
