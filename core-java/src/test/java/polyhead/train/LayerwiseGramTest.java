package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import polyhead.autodiff.DeferredWeightGradients;
import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.LabelType;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.GramDeterminedWeighting;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.WeightingContext;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Activation;
import polyhead.nn.BatchNorm;
import polyhead.nn.Conv2d;
import polyhead.nn.Embedding;
import polyhead.nn.Flatten;
import polyhead.nn.LayerNorm;
import polyhead.nn.Linear;
import polyhead.nn.Lstm;
import polyhead.nn.MaxPool2d;
import polyhead.nn.SequencePool;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The one-pass step of Gram-determined weightings ({@link LayerwiseGram}, {@link Trainer.Builder#layerwiseGram})
 * against the per-task path, which forms every task's gradient row: for every such weighting, on a dense trunk and on
 * a convolutional trunk with normalization layers, with missing labels and sample weights, each parameter's gradient
 * agrees to {@link #TOLERANCE} of that gradient's largest element; the Gram matrix agrees with G Gᵀ of the rows
 * formed by brute force, through either of the two ways a fully connected weight's part is computed.
 */
class LayerwiseGramTest {
    /** Relative to the largest |element| of each parameter's per-task-path gradient: float rounding of the products. */
    static final double TOLERANCE = 2e-4;
    private static final List<String> TASKS = List.of("a", "b", "c");

    static List<Arguments> weightings() {
        List<Arguments> w = new ArrayList<>();
        w.add(Arguments.of("mgda", (Supplier<Weighting>) Weightings::mgda));
        w.add(Arguments.of("caGrad", (Supplier<Weighting>) Weightings::caGrad));
        w.add(Arguments.of("pcGrad", (Supplier<Weighting>) Weightings::pcGrad));
        w.add(Arguments.of("gradVac", (Supplier<Weighting>) Weightings::gradVac));
        w.add(Arguments.of("nashMtl", (Supplier<Weighting>) Weightings::nashMtl));
        w.add(Arguments.of("imtlG", (Supplier<Weighting>) Weightings::imtlG));
        w.add(Arguments.of("imtlH", (Supplier<Weighting>) () -> Weightings.imtlH(TASKS)));
        w.add(Arguments.of("alignedMtl", (Supplier<Weighting>) Weightings::alignedMtl));
        w.add(Arguments.of("upGrad", (Supplier<Weighting>) Weightings::upGrad));
        w.add(Arguments.of("fairGrad", (Supplier<Weighting>) Weightings::fairGrad));
        w.add(Arguments.of("gradNorm", (Supplier<Weighting>) () -> Weightings.gradNorm(0.1)));
        return w;
    }

    private static List<Task> tasks(int width, Random rng) {
        return List.of(
                Task.builder("a").head(new Linear(width, 4, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(width, 3, rng)).loss(Losses.crossEntropy()).weight(0.5).build(),
                Task.builder("c").head(new Linear(width, 1, rng)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR)
                        .build());
    }

    /** W1's shape, small: dense 20-16-12 with ReLUs. */
    static HardSharing dense() {
        Random rng = new Random(5);
        return new HardSharing(new Sequential(new Linear(20, 16, rng), Activation.relu(), new Linear(16, 12, rng),
                Activation.tanh()), tasks(12, rng));
    }

    /** A convolution, batch and layer normalization, pooling, then a dense layer. */
    static HardSharing conv() {
        Random rng = new Random(6);
        return new HardSharing(new Sequential(new Conv2d(1, 3, 3, rng), BatchNorm.twoD(3), Activation.relu(),
                new MaxPool2d(2), new Flatten(), new LayerNorm(27), new Linear(27, 10, rng), Activation.relu()),
                tasks(10, rng));
    }

    /**
     * Tokens through an embedding, a fully connected layer on every position ([B, T, 6] inputs: its rows are
     * samples × positions), an LSTM, mean pooling and a dense layer.
     */
    static HardSharing recurrent() {
        Random rng = new Random(7);
        return new HardSharing(new Sequential(new Embedding(12, 6, rng), new Linear(6, 6, rng), Activation.tanh(),
                new Lstm(6, 5, 1, false, rng), new SequencePool(SequencePool.Mode.MEAN), new Linear(5, 8, rng),
                Activation.relu()), tasks(8, rng));
    }

    /** {@link #batch} with token ids in [0, 12) as inputs, [n, 4]. */
    static Batch tokens(int n, long seed) {
        Batch b = batch(Shape.of(4), n, seed);
        Random rng = new Random(seed);
        float[] ids = new float[n * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(12);
        }
        return new Batch(Tensor.of(ids, n, 4), b.targets(), b.masks(), b.sampleWeights());
    }

    /** n samples; task b misses labels of every third sample, task c has per-sample weights. */
    static Batch batch(Shape inputShape, int n, long seed) {
        Random rng = new Random(seed);
        int[] dims = new int[inputShape.rank() + 1];
        dims[0] = n;
        System.arraycopy(inputShape.dims(), 0, dims, 1, inputShape.rank());
        Tensor x = Tensor.randn(seed, dims);
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        float[] maskB = new float[n];
        float[] weightC = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(4);
            b[i] = rng.nextInt(3);
            c[i] = (float) rng.nextGaussian();
            maskB[i] = i % 3 == 0 ? 0 : 1;
            weightC[i] = 0.25f + rng.nextFloat();
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("a", Tensor.of(a, n));
        targets.put("b", Tensor.of(b, n));
        targets.put("c", Tensor.of(c, n, 1));
        Map<String, Tensor> masks = new LinkedHashMap<>();
        masks.put("a", Tensor.ones(n));
        masks.put("b", Tensor.of(maskB, n));
        masks.put("c", Tensor.ones(n));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("c", Tensor.of(weightC, n));
        return new Batch(x, targets, masks, weights);
    }

    private static Trainer trainer(HardSharing model, Weighting w, boolean layerwise) {
        return Trainer.builder(model).optimizer(Optimizers.adam(1e-2)).weighting(w).seed(3).layerwiseGram(layerwise)
                .diagnostics(false).build();
    }

    /** Three steps' gradients of both paths (stateful weightings move alike), compared parameter by parameter. */
    private static void assertSameUpdates(Supplier<HardSharing> model, Supplier<Weighting> weighting, Shape input,
            int n) {
        Trainer onePass = trainer(model.get(), weighting.get(), true);
        Trainer perTask = trainer(model.get(), weighting.get(), false);
        for (int step = 0; step < 3; step++) {
            Batch b = batch(input, n, 40 + step);
            BatchGradients expected = perTask.lossesAndGradients(b);
            BatchGradients actual = onePass.lossesAndGradients(b);
            assertEquals(TASKS, List.copyOf(actual.taskLosses().keySet()));
            assertEquals(expected.taskLosses(), actual.taskLosses());
            assertEquals(expected.gradients().keySet(), actual.gradients().keySet());
            String at = " at step " + step;
            expected.gradients().forEach((name, e) -> assertClose(name + at, e, actual.gradients().get(name)));
        }
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertClose(what, expected, actual, TOLERANCE);
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        assertEquals(expected.shape(), actual.shape(), what);
        double scale = 0;
        for (float v : expected.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, what + ": a zero gradient proves nothing");
        for (int i = 0; i < expected.size(); i++) {
            double d = Math.abs(expected.data()[i] - actual.data()[i]);
            assertTrue(d <= tolerance * scale, what + "[" + i + "]: " + actual.data()[i] + " against "
                    + expected.data()[i] + " (largest " + scale + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weightings")
    void denseTrunkGivesThePerTaskUpdate(String name, Supplier<Weighting> weighting) {
        assertTrue(weighting.get() instanceof GramDeterminedWeighting, name);
        assertSameUpdates(LayerwiseGramTest::dense, weighting, Shape.of(20), 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weightings")
    void convolutionalTrunkGivesThePerTaskUpdate(String name, Supplier<Weighting> weighting) {
        assertSameUpdates(LayerwiseGramTest::conv, weighting, Shape.of(1, 8, 8), 6);
    }

    /** Embedding and LSTM weights fall back to formed gradients; the linear layers do not. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("weightings")
    void recurrentTrunkGivesThePerTaskUpdate(String name, Supplier<Weighting> weighting) {
        Trainer onePass = trainer(recurrent(), weighting.get(), true);
        Trainer perTask = trainer(recurrent(), weighting.get(), false);
        for (int step = 0; step < 2; step++) {
            Batch b = tokens(6, 60 + step);
            BatchGradients expected = perTask.lossesAndGradients(b);
            BatchGradients actual = onePass.lossesAndGradients(b);
            assertEquals(expected.gradients().keySet(), actual.gradients().keySet());
            String at = " at step " + step;
            expected.gradients().forEach((p, e) -> assertClose(p + at, e, actual.gradients().get(p)));
        }
    }

    @Test
    void aTaskWithoutLabelsInTheBatchIsLeftOutAlike() {
        Supplier<Weighting> w = Weightings::mgda;
        Trainer onePass = trainer(dense(), w.get(), true);
        Trainer perTask = trainer(dense(), w.get(), false);
        Batch full = batch(Shape.of(20), 8, 7);
        Map<String, Tensor> masks = new LinkedHashMap<>(full.masks());
        masks.put("b", Tensor.zeros(8));
        Batch noB = new Batch(full.inputs(), full.targets(), masks, full.sampleWeights());
        BatchGradients expected = perTask.lossesAndGradients(noB);
        BatchGradients actual = onePass.lossesAndGradients(noB);
        assertFalse(actual.taskLosses().containsKey("b"));
        assertFalse(actual.gradients().containsKey("heads.b.weight"));
        expected.gradients().forEach((name, e) -> assertClose(name, e, actual.gradients().get(name)));
    }

    /**
     * The Gram matrix by brute force: each task's gradient row formed by its own backward pass, G Gᵀ in double;
     * at batch 4 the fully connected weights take the x xᵀ route, at batch 300 the formed-gradient route.
     */
    @ParameterizedTest(name = "batch {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 300})
    void gramMatrixIsThatOfTheFormedRows(int n) {
        HardSharing model = dense();
        Batch b = batch(Shape.of(20), n, 9);
        GradientStep step = new GradientStep(model, Weightings.mgda(), GradientSource.PARAMETERS);
        Map<String, Var> losses = step.forward(List.of(b), false).losses();
        List<Var> shared = GradientStep.trainableShared(model);
        float[][] rows = new float[TASKS.size()][];
        for (int t = 0; t < rows.length; t++) {
            model.zeroGrad();
            losses.get(TASKS.get(t)).backward();
            rows[t] = GradientStep.flatten(shared);
        }
        model.zeroGrad();
        losses.values().forEach(Var::zeroGrad); // a backward root keeps its seed, which a second pass would add to
        LayerwiseGram layers = new LayerwiseGram(TASKS.size(), shared);
        try (var capture = DeferredWeightGradients.capture(layers)) {
            for (String task : TASKS) {
                model.zeroGrad();
                layers.beginTask();
                losses.get(task).backward();
                layers.endTask();
            }
        }
        double[][] m = layers.gram();
        for (int s = 0; s < rows.length; s++) {
            for (int t = 0; t < rows.length; t++) {
                double e = 0;
                for (int k = 0; k < rows[s].length; k++) {
                    e += (double) rows[s][k] * rows[t][k];
                }
                double scale = Math.sqrt(m[s][s] * m[t][t]);
                assertEquals(e, m[s][t], 1e-5 * scale, "M[" + s + "][" + t + "]");
            }
        }
        // and the combination a = (1, -2, 0.5) is Σ a_t g_t
        model.zeroGrad();
        double[] a = {1, -2, 0.5};
        layers.applyCombination(a);
        float[] combined = GradientStep.flatten(shared);
        double scale = 0;
        for (float v : combined) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < combined.length; k++) {
            double e = a[0] * rows[0][k] + a[1] * rows[1][k] + a[2] * rows[2][k];
            assertEquals(e, combined[k], 1e-5 * scale, "element " + k);
        }
    }

    /** One data source per task: two batches, so each trunk weight has two inputs, stacked along the rows. */
    @Test
    void twoBatchesStackTheirInputs() {
        Supplier<Weighting> w = Weightings::caGrad;
        List<BatchGradients> results = new ArrayList<>();
        for (boolean layerwise : new boolean[] {false, true}) {
            HardSharing model = dense();
            Batch all = batch(Shape.of(20), 6, 12);
            Batch first = only(all, "a", "c");
            Batch second = only(batch(Shape.of(20), 5, 13), "b");
            GradientStep step = new GradientStep(model, w.get(), GradientSource.PARAMETERS, null, layerwise);
            StepResult r = step.run(List.of(first, second), new WeightingContext(0, 0, new Random(1), Map.of()));
            Map<String, Tensor> grads = new LinkedHashMap<>();
            model.namedParameters().forEach((k, v) -> {
                if (v.grad() != null) {
                    grads.put(k, v.grad().copy());
                }
            });
            results.add(new BatchGradients(r.taskLosses(), r.objective(), grads));
        }
        assertEquals(results.get(0).gradients().keySet(), results.get(1).gradients().keySet());
        results.get(0).gradients().forEach((name, e) -> assertClose(name, e, results.get(1).gradients().get(name)));
    }

    private static Batch only(Batch b, String... tasks) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String t : tasks) {
            targets.put(t, b.targets().get(t));
            if (b.masks().containsKey(t)) {
                masks.put(t, b.masks().get(t));
            }
            if (b.sampleWeights().containsKey(t)) {
                weights.put(t, b.sampleWeights().get(t));
            }
        }
        return new Batch(b.inputs(), targets, masks, weights);
    }
}
