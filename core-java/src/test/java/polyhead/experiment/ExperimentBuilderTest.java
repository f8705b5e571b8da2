package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.CheckpointStore;
import polyhead.data.Batching;
import polyhead.data.LabelType;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Metric;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.arch.Mmoe;
import polyhead.mtl.weighting.Mgda;
import polyhead.mtl.weighting.NashMtl;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Activation;
import polyhead.nn.Initializers;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.optim.Optimizers.Adam;
import polyhead.optim.Optimizers.Sgd;
import polyhead.tensor.Tensor;
import polyhead.train.EarlyStopping;
import polyhead.train.GradientSource;
import polyhead.train.History;
import polyhead.train.Trainer;
import polyhead.train.TrainingListener;

/**
 * The Java builder builds what a user builds by hand from the core with the same seed (same draws, same training, bit
 * for bit), and rejects what cannot be built with one message naming each field at fault.
 */
class ExperimentBuilderTest {
    /** Two standard normal inputs; task a: is x0 > 0, task b: is x1 > 0. */
    static Dataset points(long seed, int n) {
        Tensor x = Tensor.randn(seed, n, 2);
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = x.data()[2 * i] > 0 ? 1 : 0;
            b[i] = x.data()[2 * i + 1] > 0 ? 1 : 0;
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("a", Tensor.of(a, n));
        targets.put("b", Tensor.of(b, n));
        return Dataset.of(x, targets);
    }

    /** Two classification tasks with one-layer heads. */
    static ExperimentBuilder twoTasks(long seed) {
        return new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(8), Layers.tanh())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()).weight(0.5))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(seed));
    }

    private static Map<String, List<Float>> state(Module m) {
        Map<String, List<Float>> s = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> {
            float[] d = v.data();
            Float[] boxed = new Float[d.length];
            for (int i = 0; i < d.length; i++) {
                boxed[i] = d[i];
            }
            s.put(k, List.of(boxed));
        });
        return s;
    }

    @Test
    void buildsAndTrainsTheHandBuiltModelBitForBit() {
        Experiment built = twoTasks(3).build();
        built.fit(points(1, 64), null, null, null);

        Random rng = new Random(3);
        Sequential trunk = new Sequential(new Linear(2, 8, true, rng), Activation.tanh());
        Task a = Task.builder("a").head(new Linear(8, 2, true, rng)).loss(Losses.crossEntropy())
                .metrics(Metrics.accuracy()).build();
        Task b = Task.builder("b").head(new Linear(8, 2, true, rng)).loss(Losses.crossEntropy())
                .weight(0.5).build();
        HardSharing hand = new HardSharing(trunk, List.of(a, b));
        Trainer.builder(hand).weighting(Weightings.fixed(Map.of("a", 1.0, "b", 0.5))).optimizer(Optimizers.adam(0.02))
                .epochs(2).seed(3).build().fit(Batching.shuffled(points(1, 64), 16, false), null);

        assertEquals(state(hand), state(built.architecture()));
        assertTrue(state(hand).get("trunk.0.weight").stream().anyMatch(v -> v != 0f));
    }

    @Test
    void customInitializersTakeOnlyTheirOwnDrawsFromTheExperimentsGenerator() {
        Experiment e = new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(4).init(Initializers.constant(0.5f), Initializers.zeros()), Layers.dense(3))
                .task(TaskPlan.named("a").head(Layers.dense(2).init(Initializers.xavierUniform(1f), null))
                        .loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))
                .training(TrainingPlan.defaults().seed(9))
                .build();
        Map<String, Tensor> s = e.architecture().stateDict();
        for (float v : s.get("trunk.0.weight").data()) {
            assertEquals(0.5f, v);
        }
        for (float v : s.get("trunk.0.bias").data()) {
            assertEquals(0f, v);
        }
        // the constant draws nothing, so the next layer is the first draw of Random(9), and the head the next
        Random rng = new Random(9);
        Linear second = new Linear(4, 3, true, rng);
        assertArrayEquals(second.weight().value().data(), s.get("trunk.1.weight").data());
        assertArrayEquals(second.bias().value().data(), s.get("trunk.1.bias").data());
        Tensor xavier = Tensor.zeros(2, 3);
        Initializers.xavierUniform(1f).initialize(xavier, rng);
        assertArrayEquals(xavier.data(), s.get("heads.a.weight").data());
        Tensor bias = Tensor.zeros(2);
        Initializers.defaultBias(3).initialize(bias, rng);
        assertArrayEquals(bias.data(), s.get("heads.a.bias").data());
    }

    @Test
    void layersInferTheirShapesFromTheInput() {
        int[] s = {1, 8, 8};
        s = Layers.conv2d(4, 3, 2, 1, true).outputShape(s);
        assertArrayEquals(new int[] {4, 4, 4}, s);
        s = Layers.maxPool(2).outputShape(s);
        assertArrayEquals(new int[] {4, 2, 2}, s);
        assertArrayEquals(new int[] {4}, Layers.globalAvgPool().outputShape(s));
        assertArrayEquals(new int[] {16}, Layers.flatten().outputShape(s));
        assertArrayEquals(new int[] {5, 3}, Layers.embedding(10, 3).outputShape(new int[] {5}));
        assertEquals("kernel 9 is larger than the input [1, 8, 8]", assertThrows(IllegalArgumentException.class,
                () -> Layers.conv2d(4, 9).outputShape(new int[] {1, 8, 8})).getMessage());
        assertEquals("dropout: p must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Layers.dropout(1.0)).getMessage());
    }

    @Test
    void everyFaultIsReportedInOneMessageNamingItsField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExperimentBuilder()
                .input(64)
                .trunk(Layers.dense(64), Layers.relu())
                .task(TaskPlan.named("item").head(Layers.conv2d(4, 3)).loss(Losses.crossEntropy()))
                .task(TaskPlan.named("group").head(Layers.dense(5)).metrics(Metrics.mse()))
                .task(TaskPlan.named("group").head(Layers.dense(5)).loss(Losses.crossEntropy()))
                .build());
        assertEquals("optimizer: missing, e.g. optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))",
                e.getMessage().split("; ")[0]);
        assertTrue(e.getMessage().contains("task 'item': head[0] (conv2d): conv2d needs an image input "
                + "[channels, height, width], got [64]"), e.getMessage());
        assertTrue(e.getMessage().contains("task 'group': loss is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("task 'group': declared twice"), e.getMessage());
        assertTrue(e.getMessage().contains("task 'group': metric mse is not defined for CLASS_INDEX labels"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void mixturesOfExpertsNeedVectorExpertsAndRepresentationGradientsNeedOneRepresentation() {
        ExperimentBuilder images = twoTasks(1).input(1, 4, 4).trunk(Layers.conv2d(2, 3)).architecture(ArchitecturePlan.mmoe(2));
        assertEquals("trunk: mmoe(2) mixes its experts' outputs, which must be vectors: each expert (a copy of the "
                        + "trunk) outputs [2, 2, 2]; end the trunk with flatten() or a dense layer",
                assertThrows(IllegalArgumentException.class, images::build).getMessage());
        ExperimentBuilder towers = twoTasks(1).architecture(ArchitecturePlan.softSharing(1e-3))
                .weighting(WeightingPlan.pcGrad().source(GradientSource.REPRESENTATION));
        assertTrue(assertThrows(IllegalArgumentException.class, towers::build).getMessage()
                .startsWith("weighting: softSharing(0.001) has no single shared representation"));
        // GradDrop reads the representation only, so pointing it at the shared parameters would be no advice
        ExperimentBuilder drop = twoTasks(1).architecture(ArchitecturePlan.softSharing(1e-3))
                .weighting(WeightingPlan.gradDrop());
        assertEquals("weighting: softSharing(0.001) has no single shared representation; the weighting works only on "
                + "one, so use an architecture that has it (e.g. hard sharing)",
                assertThrows(IllegalArgumentException.class, drop::build).getMessage());
        Experiment omoe = twoTasks(1).architecture(ArchitecturePlan.omoe(3)).build();
        assertInstanceOf(Mmoe.class, omoe.architecture());
    }

    @Test
    void solverSettingsReachTheStrategyAndAreRefusedWhereThereIsNoSolver() {
        Mgda m = (Mgda) twoTasks(1).weighting(WeightingPlan.mgda().solver(1e-6, 7)).build().weighting();
        assertEquals(1e-6, m.tolerance());
        assertEquals(7, m.maxIterations());
        NashMtl n = (NashMtl) twoTasks(1).weighting(WeightingPlan.nashMtl().maxIterations(20)).build().weighting();
        assertEquals(20, n.maxIterations());
        assertEquals("weighting dwa has no solver tolerance (mgda and caGrad do)",
                assertThrows(IllegalArgumentException.class, () -> WeightingPlan.dwa().solver(1e-6, 7)).getMessage());
        assertEquals("weighting fixed combines losses and reads no gradients, so it has no source",
                assertThrows(IllegalArgumentException.class,
                        () -> WeightingPlan.fixed().source(GradientSource.REPRESENTATION)).getMessage());
    }

    @Test
    void parameterGroupsTakeTheirOwnRatesAndAGroupThatSelectsNothingIsAnError() {
        OptimizerPlan sgd = OptimizerPlan.of(Algorithm.of(Sgd.lr(0.1)));
        Experiment e = twoTasks(1).optimizer(sgd.group(ParameterGroup.of(Selector.shared()).lr(0.01))).build();
        Trainer t = e.trainerBuilder(4, null).build();
        assertEquals(Map.of("group0", 0.01, "default", 0.1), t.optimizer().learningRates());

        Experiment none = twoTasks(1).optimizer(sgd.group(ParameterGroup.of(Selector.names("tower.**")).lr(0.01))).build();
        assertEquals("optimizer group 0 (names tower.**) selects no parameter of this model (or only parameters an "
                + "earlier group took)", assertThrows(IllegalArgumentException.class, () -> none.optimizer(4)).getMessage());
    }

    @Test
    void maximizingAscendsWhereMinimizingDescends() {
        Dataset data = points(2, 16);
        Experiment down = twoTasks(5).optimizer(OptimizerPlan.of(Algorithm.of(Sgd.lr(0.1)))).build();
        Experiment up = twoTasks(5).optimizer(OptimizerPlan.of(Algorithm.of(Sgd.lr(0.1))).maximize(true)).build();
        float[] before = down.architecture().stateDict().get("trunk.0.weight").data().clone();
        down.trainerBuilder(1, null).epochs(1).build().fit(Batching.sequential(data, 16), null);
        up.trainerBuilder(1, null).epochs(1).build().fit(Batching.sequential(data, 16), null);
        float[] d = down.architecture().stateDict().get("trunk.0.weight").data();
        float[] u = up.architecture().stateDict().get("trunk.0.weight").data();
        double moved = 0;
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i] - d[i], u[i] - before[i], 1e-6);
            moved += Math.abs(u[i] - before[i]);
        }
        assertTrue(moved > 1e-4, "the step moved the weights");
    }

    @Test
    void multiSourceSamplingTrainsOnOneDatasetPerTaskAsTheCoreDoes() {
        TrainingPlan multi = TrainingPlan.defaults().epochs(1).batchSize(8).seed(4)
                .sampling(TrainingPlan.Sampling.MULTI_SOURCE).diagnostics(false);
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        perTask.put("a", points(1, 24));
        perTask.put("b", points(2, 12));
        Experiment e = twoTasks(4).training(multi).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> e.batches(points(1, 8))).getMessage()
                .startsWith("training.sampling: multiSource draws from one dataset per task"));
        assertEquals(3, e.batches(perTask).stepsPerEpoch());
        e.fit(perTask, null, null, null);

        Experiment hand = twoTasks(4).training(multi).build();
        Trainer.builder(hand.architecture()).weighting(Weightings.fixed(Map.of("a", 1.0, "b", 0.5)))
                .optimizer(Optimizers.adam(0.02)).epochs(1).seed(4).diagnostics(false).build()
                .fit(Batching.multiSource(perTask, 8), null);
        assertEquals(state(hand.architecture()), state(e.architecture()));
    }

    private static Map<String, float[]> copy(Module m) {
        Map<String, float[]> c = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> c.put(k, v.value().data().clone()));
        return c;
    }

    @Test
    void emaEndsTheRunWithTheMovingAverageOfTheWeightsAfterEachStep() {
        double d = 0.5;
        TrainingPlan twoSteps = TrainingPlan.defaults().epochs(1).batchSize(16).seed(7).diagnostics(false);
        Experiment raw = twoTasks(7).training(twoSteps).build();
        Map<String, float[]> start = copy(raw.architecture());
        List<Map<String, float[]>> afterEachStep = new java.util.ArrayList<>();
        raw.fit(points(3, 32), null, null, t -> t.listener(new TrainingListener() {
            @Override
            public void stepEnded(int epoch, long step, Map<String, Double> losses, int samples) {
                afterEachStep.add(copy(raw.architecture()));
            }
        }));
        assertEquals(2, afterEachStep.size());

        Experiment averaged = twoTasks(7).training(twoSteps)
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))).ema(d)).build();
        averaged.fit(points(3, 32), null, null, null);
        Map<String, float[]> got = copy(averaged.architecture());
        for (String name : start.keySet()) {
            float[] p0 = start.get(name);
            for (int i = 0; i < p0.length; i++) {
                double a = p0[i];
                for (Map<String, float[]> p : afterEachStep) {
                    a = d * a + (1 - d) * p.get(name)[i];
                }
                assertEquals(a, got.get(name)[i], 1e-6, name + "[" + i + "]");
            }
        }
        assertTrue(!java.util.Arrays.equals(got.get("trunk.0.weight"), afterEachStep.get(1).get("trunk.0.weight")));

        assertEquals("training.earlyStopping.higherIsBetter: val.a.accuracy is metric accuracy, for which higher is "
                + "better; higherIsBetter = false contradicts it (leave it out to read the direction from the monitor)",
                assertThrows(IllegalArgumentException.class, () -> twoTasks(7).training(twoSteps.earlyStopping(
                        new EarlyStopping("val.a.accuracy", 5, 0, false, false))).build()).getMessage());
        ExperimentBuilder both = twoTasks(7).optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))).ema(d))
                .training(twoSteps.earlyStopping(polyhead.train.EarlyStopping.on("train.loss")));
        assertEquals("optimizer.ema: the run ends with the averaged weights, early stopping's restoreBest with the "
                + "best epoch's; choose one", assertThrows(IllegalArgumentException.class, both::build).getMessage());
    }

    /** 1 − accuracy: a metric of the user's own, for which lower is better. */
    private record ErrorRate() implements Metric {
        @Override
        public String name() {
            return "error_rate";
        }

        @Override
        public java.util.Set<LabelType> labelTypes() {
            return java.util.Set.of(LabelType.CLASS_INDEX);
        }

        @Override
        public boolean higherIsBetter() {
            return false;
        }

        @Override
        public Accumulator newAccumulator() {
            Accumulator accuracy = Metrics.accuracy().newAccumulator();
            return new Accumulator() {
                @Override
                public void add(Tensor predictions, Tensor targets, Tensor mask) {
                    accuracy.add(predictions, targets, mask);
                }

                @Override
                public double result() {
                    return 1 - accuracy.result();
                }
            };
        }
    }

    /**
     * Early stopping and the best checkpoint rank epochs by one answer: a metric of the user's own is as good as its
     * own direction says. (The checkpoint store once read the direction from the built-in metric of the name, and
     * failed on a name it did not know.)
     */
    @Test
    void theBestCheckpointFollowsTheMonitoredMetricsOwnDirection(@TempDir Path dir) {
        EarlyStopping monitor = EarlyStopping.on("val.a.error_rate").withPatience(10);
        Experiment e = twoTasks(5)
                .task(TaskPlan.named("c").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(new ErrorRate()))
                .build();
        assertEquals(false, History.higherIsBetter("val.c.error_rate", e.architecture()));
        assertEquals(false, History.higherIsBetter("val.a.loss", e.architecture()));
        assertEquals(true, History.higherIsBetter("val.a.accuracy", e.architecture()));
        assertEquals("cannot tell whether higher or lower is better for 'val.a.error_rate'; give the direction "
                        + "explicitly", assertThrows(IllegalArgumentException.class,
                () -> History.higherIsBetter("val.a.error_rate", e.architecture())).getMessage());

        Dataset train = points(1, 64);
        Dataset data = Dataset.of(train.inputs(), Map.of("a", train.targets("a")));
        Experiment run = new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(4), Layers.tanh())
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()).metrics(new ErrorRate()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.05))))
                .training(TrainingPlan.defaults().epochs(4).batchSize(16).seed(5).validationSplit(0.25)
                        .earlyStopping(monitor).checkpoints(1, 1))
                .build();
        History h = run.fit(data, null, dir, null).history();
        double[] errors = h.series("val.a.error_rate");
        int bestEpoch = 0;
        for (int i = 1; i < errors.length; i++) {
            if (errors[i] < errors[bestEpoch]) {
                bestEpoch = i;
            }
        }
        // the store kept the last checkpoint and the best: that of the lowest error rate
        List<Long> kept = new CheckpointStore(dir, 1).scan().checkpoints().stream()
                .map(CheckpointStore.Entry::epoch).sorted().toList();
        assertEquals(new java.util.TreeSet<>(List.of(bestEpoch + 1L, 4L)).stream().toList(), kept,
                java.util.Arrays.toString(errors));
    }
}
