package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointStore;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.mtl.arch.Architecture;
import polyhead.nn.Linear;
import polyhead.optim.Optimizers.AdamW;
import polyhead.tensor.Tensor;
import polyhead.train.Trainer;

/**
 * Freezing ({@code trainable(false)}) for fine-tuning: frozen parameters keep their values bit for bit, get no
 * gradient and no optimizer state, weight decay included; a frozen trunk trains the heads exactly as training them
 * alone on the trunk's fixed features does; a run with frozen layers resumes from its checkpoint.
 */
class FreezingTest {
    @TempDir
    Path dir;

    /** AdamW with weight decay: a frozen parameter handed to it would shrink even with a zero gradient. */
    private static ExperimentBuilder model(List<Layer> trunk, Layer headA) {
        return new ExperimentBuilder()
                .input(2)
                .trunk(trunk)
                .task(TaskPlan.named("a").head(headA).loss(Losses.crossEntropy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()).weight(0.5))
                .optimizer(OptimizerPlan.of(Algorithm.of(AdamW.lr(0.02).weightDecay(0.1))))
                .training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(7));
    }

    private static Map<String, float[]> values(Architecture a) {
        Map<String, float[]> v = new LinkedHashMap<>();
        a.stateDict().forEach((k, t) -> v.put(k, t.data().clone()));
        return v;
    }

    @Test
    void aFrozenLayerAndAFrozenHeadKeepTheirWeightsAndHaveNoOptimizerState() {
        Experiment e = model(List.of(Layers.dense(8).trainable(false), Layers.tanh(), Layers.dense(6), Layers.relu()),
                Layers.dense(2).trainable(false)).build();
        Map<String, float[]> before = values(e.architecture());
        Trainer t = e.trainerBuilder(4, null).build();
        t.fit(Batching.shuffled(ExperimentBuilderTest.points(3, 64), 16, false), null);
        Map<String, float[]> after = values(e.architecture());
        for (String frozen : List.of("trunk.0.weight", "trunk.0.bias", "heads.a.weight", "heads.a.bias")) {
            assertArrayEquals(before.get(frozen), after.get(frozen), frozen);
            assertFalse(e.architecture().namedParameters().get(frozen).requiresGrad(), frozen);
        }
        for (String trained : List.of("trunk.2.weight", "trunk.2.bias", "heads.b.weight", "heads.b.bias")) {
            assertFalse(java.util.Arrays.equals(before.get(trained), after.get(trained)), trained + " did not move");
        }
        Map<String, Tensor> state = t.optimizer().stateDict().tensors();
        assertFalse(state.isEmpty());
        state.keySet().forEach(k -> assertFalse(k.contains("trunk.0.") || k.contains("heads.a."), k));
        assertTrue(state.keySet().stream().anyMatch(k -> k.endsWith("/trunk.2.weight")), state.keySet().toString());
    }

    @Test
    void aFrozenStackComputesNoGradientBelowTheFirstTrainableLayer() {
        Experiment e = model(Layers.frozen(Layers.dense(8), Layers.tanh()), Layers.dense(2)).build();
        Architecture a = e.architecture();
        Var x = Var.constant(ExperimentBuilderTest.points(4, 8).inputs());
        Var features = ((polyhead.mtl.arch.HardSharing) a).trunk().call(x);
        assertFalse(features.requiresGrad(), "a frozen trunk on data records no graph");
        Var loss = Losses.crossEntropy().apply(a.outputs(x, List.of("a")).get("a"),
                ExperimentBuilderTest.points(4, 8).targets("a"));
        loss.backward();
        assertNull(a.namedParameters().get("trunk.0.weight").grad());
        assertTrue(a.namedParameters().get("heads.a.weight").grad() != null);
        assertThrows(IllegalStateException.class, () -> loss.requiresGrad(false), "only a leaf can be frozen");
    }

    @Test
    void aFrozenTrunkTrainsTheHeadsAsTrainingThemAloneOnTheTrunksFixedFeatures() {
        Dataset data = ExperimentBuilderTest.points(5, 64);
        Experiment frozen = model(Layers.frozen(Layers.dense(8), Layers.tanh()), Layers.dense(2)).build();
        // the heads alone, on the features the frozen trunk computes once, starting from the same head weights
        Tensor features;
        try (GradMode.Scope s = GradMode.noGrad()) {
            features = ((polyhead.mtl.arch.HardSharing) frozen.architecture()).trunk()
                    .call(Var.constant(data.inputs())).value().copy();
        }
        Experiment alone = new ExperimentBuilder().input(8)
                .task(TaskPlan.named("a").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()).weight(0.5))
                .optimizer(OptimizerPlan.of(Algorithm.of(AdamW.lr(0.02).weightDecay(0.1))))
                .training(TrainingPlan.defaults().epochs(2).batchSize(16).seed(7)).build();
        Map<String, Tensor> heads = new LinkedHashMap<>();
        frozen.architecture().stateDict().forEach((k, v) -> {
            if (k.startsWith("heads.")) {
                heads.put(k, v);
            }
        });
        alone.architecture().loadStateDict(heads);
        Map<String, Tensor> targets = new LinkedHashMap<>();
        data.tasks().forEach(task -> targets.put(task, data.targets(task)));
        frozen.fit(data, null, null, b -> b.diagnostics(false));
        alone.fit(Dataset.of(features, targets), null, null, b -> b.diagnostics(false));
        Map<String, float[]> f = values(frozen.architecture());
        Map<String, float[]> h = values(alone.architecture());
        h.forEach((k, v) -> assertArrayEquals(v, f.get(k), 1e-6f, k));
    }

    @Test
    void aGradientMethodOnAFullyFrozenSharedTrunkIsRefusedInOneLine() {
        Experiment e = model(Layers.frozen(Layers.dense(8), Layers.tanh()), Layers.dense(2))
                .weighting(WeightingPlan.pcGrad()).build();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> e.trainerBuilder(1, null).build());
        assertTrue(x.getMessage().contains("every shared parameter is frozen"), x.getMessage());
        assertFalse(x.getMessage().contains("\n"), x.getMessage());
        // on the shared representation, the tasks' gradients exist: it trains
        Experiment r = model(Layers.frozen(Layers.dense(8), Layers.tanh()), Layers.dense(2))
                .weighting(WeightingPlan.pcGrad().source(polyhead.train.GradientSource.REPRESENTATION)).build();
        assertTrue(Double.isFinite(r.fit(ExperimentBuilderTest.points(5, 32), null).history().last().get("train.a.loss")));
    }

    @Test
    void aRunWithFrozenLayersResumesFromItsCheckpoint() {
        List<Layer> trunk = List.of(Layers.dense(8).trainable(false), Layers.tanh(), Layers.dense(6), Layers.relu());
        Dataset data = ExperimentBuilderTest.points(6, 64);
        Experiment straight = model(trunk, Layers.dense(2)).build();
        straight.fit(data, null, null, null);

        Experiment first = model(trunk, Layers.dense(2)).training(TrainingPlan.defaults().epochs(1).batchSize(16)
                .seed(7)).build();
        CheckpointStore store = new CheckpointStore(dir, 3);
        first.fit(data, null, null, b -> b.checkpoints(store, 1, 0));
        Checkpoint saved = store.latest().orElseThrow().checkpoint();
        saved.optimizer().tensors().keySet().forEach(k -> assertFalse(k.contains("trunk.0."), k));

        Experiment resumed = model(trunk, Layers.dense(2)).build();
        Trainer t = resumed.trainerBuilder(4, null).build();
        t.resume(saved);
        t.fit(resumed.batches(data), null);
        Map<String, float[]> a = values(straight.architecture());
        values(resumed.architecture()).forEach((k, v) -> assertArrayEquals(a.get(k), v, k));
    }

    @Test
    void aFrozenLayerIsTheLayerInEverythingButTraining() {
        Layer dense = Layers.dense(3);
        Layer frozen = dense.trainable(false);
        assertFalse(frozen.trainable());
        assertTrue(dense.trainable());
        assertEquals(dense, frozen.trainable(true));
        assertEquals("dense", frozen.type());
        assertArrayEquals(new int[] {3}, frozen.outputShape(new int[] {5}));
        Linear built = (Linear) frozen.create(new int[] {5}, new java.util.Random(1));
        built.namedParameters().values().forEach(p -> assertFalse(p.requiresGrad()));
        Layer relu = Layers.relu();
        assertTrue(relu == relu.trainable(false).trainable(true));
    }
}
