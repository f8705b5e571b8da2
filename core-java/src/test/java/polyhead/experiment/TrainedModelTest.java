package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.Checkpoints;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.io.Safetensors;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.nn.Module;
import polyhead.optim.Optimizers.Adam;
import polyhead.serve.Predictions;
import polyhead.serve.Predictor;
import polyhead.tensor.Tensor;
import polyhead.train.History;

/**
 * {@link Experiment#fit} returns a {@link TrainedModel} that honours the training plan, evaluates, predicts (with
 * probabilities and class names), saves and loads — in this JVM and in a fresh one, bit for bit.
 */
class TrainedModelTest {
    static final List<String> NAMES = List.of("neg", "pos");

    /** Inputs [N, 2]; "sign" (class: x0 > 0), "both" (binary: x0 > 0, x1 > 0 as two labels), "sum" (real x0 + x1). */
    static Dataset data(long seed, int n) {
        Tensor x = Tensor.randn(seed, n, 2);
        float[] sign = new float[n];
        float[] both = new float[2 * n];
        float[] sum = new float[n];
        for (int i = 0; i < n; i++) {
            float a = x.data()[2 * i];
            float b = x.data()[2 * i + 1];
            sign[i] = a > 0 ? 1 : 0;
            both[2 * i] = a > 0 ? 1 : 0;
            both[2 * i + 1] = b > 0 ? 1 : 0;
            sum[i] = a + b;
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("sign", Tensor.of(sign, n));
        t.put("both", Tensor.of(both, n, 2));
        t.put("sum", Tensor.of(sum, n, 1));
        return Dataset.of(x, t);
    }

    static ExperimentBuilder experiment(TrainingPlan training) {
        return new ExperimentBuilder()
                .input(2)
                .trunk(Layers.dense(8), Layers.tanh())
                .task(TaskPlan.named("sign").head(Layers.dense(2)).loss(Losses.crossEntropy())
                        .metrics(Metrics.accuracy()).classNames(NAMES))
                .task(TaskPlan.named("both").head(Layers.dense(2)).loss(Losses.bceWithLogits()).labels(LabelType.BINARY)
                        .weight(0.5))
                .task(TaskPlan.named("sum").head(Layers.dense(4), Layers.relu(), Layers.dense(1)).loss(Losses.mse())
                        .labels(LabelType.REAL_VECTOR).metrics(Metrics.mae()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.02))))
                .training(training);
    }

    static TrainingPlan plan() {
        return TrainingPlan.defaults().epochs(3).batchSize(16).seed(4);
    }

    @Test
    void fitHonoursTheValidationSplitAndReturnsTheHistory() {
        TrainedModel m = experiment(plan().validationSplit(0.25)).build().fit(data(1, 64), null);
        History h = m.history();
        assertEquals(3, h.epochs());
        assertTrue(h.last().containsKey("val.sign.accuracy"), h.last().toString());
        assertTrue(h.last().containsKey("val.loss"));
        // without a split nothing is validated
        TrainedModel none = experiment(plan()).build().fit(data(1, 64), null);
        assertFalse(none.history().last().containsKey("val.loss"));
    }

    @Test
    void predictionsGiveProbabilitiesClassesAndNames() {
        TrainedModel m = experiment(plan()).build().fit(data(1, 64), null);
        Tensor x = data(2, 10).inputs();
        Map<String, TaskPrediction> p = m.predict(x);
        assertEquals(List.of("sign", "both", "sum"), List.copyOf(p.keySet()));

        TaskPrediction sign = p.get("sign");
        float[] logits = sign.output().data();
        for (int i = 0; i < 10; i++) {
            double z0 = logits[2 * i];
            double z1 = logits[2 * i + 1];
            double p1 = 1 / (1 + Math.exp(z0 - z1)); // two-class softmax
            assertEquals(p1, sign.probabilities().data()[2 * i + 1], 1e-6);
            assertEquals(1 - p1, sign.probabilities().data()[2 * i], 1e-6);
            int cls = z1 > z0 ? 1 : 0;
            assertEquals(cls, sign.classes()[i]);
            assertEquals(NAMES.get(cls), sign.classNames().get(i));
        }
        TaskPrediction both = p.get("both");
        for (int i = 0; i < 20; i++) {
            assertEquals(1 / (1 + Math.exp(-both.output().data()[i])), both.probabilities().data()[i], 1e-6);
        }
        assertNull(both.classes());
        TaskPrediction sum = p.get("sum");
        assertNull(sum.probabilities());
        assertEquals(List.of(10, 1), List.of(sum.output().shape().dim(0), sum.output().shape().dim(1)));
        // the values are the model's outputs: a trained model roughly adds its inputs
        Map<String, Double> eval = m.evaluate(data(2, 200));
        assertTrue(eval.get("sum.mae") < 1.0, eval.toString());
        assertEquals(eval.get("sign.loss") + 0.5 * eval.get("both.loss") + eval.get("sum.loss"), eval.get("loss"), 1e-9);
    }

    @Test
    void aSavedModelLoadsWithTheSamePredictionsEvaluationAndHistory(@TempDir Path dir) {
        TrainedModel m = experiment(plan().validationSplit(0.25)).build().fit(data(1, 64), null);
        Path saved = dir.resolve("model");
        m.save(saved);
        TrainedModel again = TrainedModel.load(saved);

        Tensor x = data(3, 33).inputs();
        Map<String, TaskPrediction> a = m.predict(x);
        Map<String, TaskPrediction> b = again.predict(x);
        for (String t : a.keySet()) {
            assertArrayEquals(a.get(t).output().data(), b.get(t).output().data(), t);
        }
        assertEquals(a.get("sign").classNames(), b.get("sign").classNames());
        assertEquals(m.evaluate(data(3, 50)), again.evaluate(data(3, 50)));
        assertEquals(m.history().rows(), again.history().rows());
        assertEquals(4, again.seed());
        assertEquals(names(m.architecture()), names(again.architecture()));
        assertNull(again.spec());
        // the checkpoint records the description, the seed and the versions
        Checkpoint c = Checkpoints.read(saved);
        assertEquals(m.modelDescription().toJson().get("tasks").toString(), c.description().get("tasks").toString());
        assertEquals(4L, c.rng().get("seed"));
        assertEquals(3L, c.epoch());
        // a loaded model saves what it loaded
        again.save(dir.resolve("copy"));
        assertEquals(c.model().keySet(), Checkpoints.read(dir.resolve("copy")).model().keySet());
    }

    @Test
    void aLoadedModelServesFromManyThreadsWithTheTrainedModelsOutputs(@TempDir Path dir) throws Exception {
        TrainedModel m = experiment(plan()).build().fit(data(1, 64), null);
        m.save(dir.resolve("model"));
        Predictor served = TrainedModel.load(dir.resolve("model")).predictor();
        Tensor x = data(5, 16).inputs();
        Map<String, TaskPrediction> want = m.predict(x);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Predictions>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit(() -> served.predict(x)));
            }
            for (java.util.concurrent.Future<Predictions> f : calls) {
                Predictions got = f.get();
                for (String t : want.keySet()) {
                    assertArrayEquals(want.get(t).output().data(), got.task(t).raw().data(), t);
                }
                assertArrayEquals(want.get("sign").classes(), got.task("sign").predicted());
            }
        } finally {
            pool.shutdown();
        }
        // one sample, as a service receives it
        float[] first = java.util.Arrays.copyOf(x.data(), x.size() / 16);
        assertEquals(want.get("sign").classes()[0], served.predict(first).task("sign").predicted()[0]);
        assertSame(m.predictor(), m.predictor());
    }

    @Test
    void aMultiInputModelWithAFrozenLayerLoadsAsItWasSaved(@TempDir Path dir) {
        TrainedModel m = new ExperimentBuilder()
                .input(InputPlan.named("left").shape(2).trunk(Layers.dense(3).trainable(false), Layers.tanh()))
                .input(InputPlan.named("right").shape(2).trunk(Layers.dense(3), Layers.tanh()))
                .trunk(Layers.dense(4), Layers.relu())
                .task(TaskPlan.named("sign").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(3))
                .build().fit(packedSigns(1, 64), null);
        m.save(dir.resolve("model"));
        TrainedModel again = TrainedModel.load(dir.resolve("model"));

        assertEquals(List.of("left", "right"), again.modelDescription().inputs().stream().map(InputPlan::name).toList());
        assertArrayEquals(new int[] {4}, again.modelDescription().input());
        Tensor x = packedSigns(2, 9).inputs();
        assertArrayEquals(m.predict(x).get("sign").output().data(), again.predict(x).get("sign").output().data());
        Map<String, Boolean> frozen = new java.util.LinkedHashMap<>();
        again.architecture().namedParameters().forEach((k, v) -> frozen.put(k, !v.requiresGrad()));
        assertEquals(Boolean.TRUE, frozen.get("trunk.0.left.0.weight"), frozen.toString());
        assertEquals(Boolean.FALSE, frozen.get("trunk.0.right.0.weight"), frozen.toString());
    }

    /** Two inputs of 2 values packed in a row [N, 4]; "sign": whether the first value of the right input is > 0. */
    private static Dataset packedSigns(long seed, int n) {
        Tensor x = Tensor.randn(seed, n, 4);
        float[] sign = new float[n];
        for (int i = 0; i < n; i++) {
            sign[i] = x.data()[4 * i + 2] > 0 ? 1 : 0;
        }
        return Dataset.of(x, Map.of("sign", Tensor.of(sign, n)));
    }

    private static List<String> names(Module m) {
        return List.copyOf(m.namedParameters().keySet());
    }

    @Test
    void aFreshJvmRebuildsTheModelAndPredictsTheSameBits(@TempDir Path dir) throws Exception {
        TrainedModel m = experiment(plan()).build().fit(data(1, 64), null);
        m.save(dir.resolve("model"));
        Tensor x = data(5, 7).inputs();
        Map<String, Tensor> in = Map.of("x", x);
        Safetensors.write(dir.resolve("x.safetensors"), in);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), PredictInFreshJvm.class.getName(),
                dir.resolve("model").toString(), dir.resolve("x.safetensors").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals(PredictInFreshJvm.bits(m.predict(x)), out.strip());
    }

    @Test
    void aCheckpointWithoutADescriptionIsRefusedInOneLine(@TempDir Path dir) throws IOException {
        TrainedModel m = experiment(plan().epochs(1)).build().fit(data(1, 16), null);
        Map<String, Tensor> weights = m.architecture().stateDict();
        Checkpoints.write(dir.resolve("spec-only"), Checkpoint.builder(weights).spec("{}").build());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TrainedModel.load(dir.resolve("spec-only")));
        assertEquals(dir.resolve("spec-only").resolve("checkpoint.json") + ": the checkpoint records no model "
                + "description, only the spec it was trained from: rebuild it with the DSL (SpecCompiler.loadTrained) "
                + "or the command-line tool", e.getMessage());
    }

    @Test
    void aModelWithALayerWrittenOutsideLayersHasNoDescription() {
        Layer custom = new Layer() {
            @Override
            public String type() {
                return "custom";
            }

            @Override
            public int[] outputShape(int[] input) {
                return input;
            }

            @Override
            public Module create(int[] input, Random rng) {
                return polyhead.nn.Activation.relu();
            }
        };
        Experiment e = experiment(plan()).trunk(Layers.dense(8), custom).build();
        assertNull(e.modelDescription());
    }

    @Test
    void classNamesMustMatchTheHeadAndTheLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExperimentBuilder()
                .input(2)
                .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()).classNames("x", "y"))
                .task(TaskPlan.named("b").head(Layers.dense(1)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR)
                        .classNames("z"))
                .trunk(Layers.dense(4))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.defaults())))
                .build());
        assertEquals("task 'a': classNames: 2 names for a head of 3 classes; task 'b': classNames: class names are "
                + "for CLASS_INDEX, PIXEL_CLASS_MAP and TOKEN_CLASS labels, the task has REAL_VECTOR", e.getMessage());
    }
}
