package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.metrics.Metrics;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizer;
import polyhead.optim.Optimizers;
import polyhead.tensor.Tensor;

class TrainerTest {
    /** Two classification tasks on 2-D points: a = sign of x0, b = sign of x1; 64 points. */
    static Dataset points(long seed, boolean maskB) {
        Random rng = new Random(seed);
        int n = 64;
        float[] x = new float[n * 2];
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) rng.nextGaussian();
            x[2 * i + 1] = (float) rng.nextGaussian();
            a[i] = x[2 * i] > 0 ? 1 : 0;
            b[i] = x[2 * i + 1] > 0 ? 1 : 0;
        }
        Map<String, Tensor> tg = new LinkedHashMap<>();
        tg.put("a", Tensor.of(a, n));
        tg.put("b", Tensor.of(b, n));
        Map<String, Tensor> mk = new LinkedHashMap<>();
        mk.put("a", Tensor.full(1f, polyhead.tensor.Shape.of(n)));
        mk.put("b", Tensor.full(maskB ? 0f : 1f, polyhead.tensor.Shape.of(n)));
        return Dataset.of(Tensor.of(x, n, 2), tg, mk);
    }

    static HardSharing model(long seed) {
        Random rng = new Random(seed);
        List<Task> tasks = List.of(
                Task.builder("a").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build(),
                Task.builder("b").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).weight(0.5).build());
        return new HardSharing(new Sequential(new Linear(2, 8, rng), Activation.tanh()), tasks);
    }

    static Map<String, float[]> weights(HardSharing m) {
        Map<String, float[]> w = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> w.put(k, v.data().clone()));
        return w;
    }

    static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
    }

    @Test
    void fixedWeightingEqualsTrainingOnTheWeightedSumStepForStep() {
        Dataset data = points(1, false);
        GradientTransformation adam = Optimizers.adam(0.01);
        HardSharing viaTrainer = model(3);
        Trainer trainer = Trainer.builder(viaTrainer).optimizer(adam).epochs(1).seed(5).diagnostics(false).build();
        trainer.fit(polyhead.data.Batching.sequential(data, 16), null);

        HardSharing byHand = model(3);
        Optimizer opt = Optimizer.create(Optimizers.adam(0.01), byHand.namedParameters());
        for (int s = 0; s < 4; s++) {
            int[] idx = new int[16];
            for (int i = 0; i < 16; i++) {
                idx[i] = s * 16 + i;
            }
            Batch b = data.batch(idx);
            byHand.zeroGrad();
            Map<String, Var> out = byHand.outputs(Var.constant(b.inputs()));
            Var la = Losses.crossEntropy().apply(out.get("a"), b.target("a"), b.mask("a"));
            Var lb = Losses.crossEntropy().apply(out.get("b"), b.target("b"), b.mask("b"));
            la.mul(1f).add(lb.mul(0.5f)).backward();
            opt.step();
        }
        assertSameWeights(weights(byHand), weights(viaTrainer));
    }

    @Test
    void aTaskWithoutLabelsLeavesItsHeadUntouchedAndTheLossFinite() {
        HardSharing m = model(3);
        Map<String, float[]> before = weights(m);
        History h = Trainer.builder(m).optimizer(Optimizers.adamw(0.01, 0.1)).epochs(3).seed(1).build()
                .fit(points(2, true), 16, null);
        Map<String, float[]> after = weights(m);
        assertArrayEquals(before.get("heads.b.weight"), after.get("heads.b.weight"));
        assertArrayEquals(before.get("heads.b.bias"), after.get("heads.b.bias"));
        assertFalse(java.util.Arrays.equals(before.get("heads.a.weight"), after.get("heads.a.weight")));
        assertTrue(Double.isFinite(h.last().get("train.loss")));
        assertFalse(h.last().containsKey("train.b.loss"));
    }

    @Test
    void aSeededRunIsReproducibleBitForBit() {
        Map<String, float[]> first = null;
        for (int run = 0; run < 2; run++) {
            HardSharing m = model(4);
            Trainer.builder(m).optimizer(Optimizers.sgd(0.1, 0.9)).epochs(2).seed(11)
                    .weighting(Weightings.pcGrad()).build().fit(points(3, false), 8, null);
            if (first == null) {
                first = weights(m);
            } else {
                assertSameWeights(first, weights(m));
            }
        }
        HardSharing other = model(4);
        Trainer.builder(other).optimizer(Optimizers.sgd(0.1, 0.9)).epochs(2).seed(12)
                .weighting(Weightings.pcGrad()).build().fit(points(3, false), 8, null);
        assertFalse(java.util.Arrays.equals(first.get("trunk.0.weight"), weights(other).get("trunk.0.weight")));
    }

    @Test
    void earlyStoppingRestoresTheBestEpochsWeights() {
        HardSharing m = model(5);
        List<Map<String, float[]>> perEpoch = new ArrayList<>();
        // a learning rate far too large makes validation loss wander, so the best epoch is not the last
        Trainer t = Trainer.builder(m).optimizer(Optimizers.sgd(3.0, 0.9)).epochs(12).seed(2).diagnostics(false)
                .earlyStopping(EarlyStopping.on("val.loss").withPatience(3))
                .listener(new TrainingListener() {
                    @Override
                    public void epochEnded(int epoch, Map<String, Double> row) {
                        perEpoch.add(weights(m));
                    }
                }).build();
        History h = t.fit(points(4, false), 8, points(5, false));
        double[] val = h.series("val.loss");
        int best = 0;
        for (int i = 1; i < val.length; i++) {
            if (val[i] < val[best]) {
                best = i;
            }
        }
        assertTrue(best < val.length - 1, "the run must have gone past its best epoch: " + java.util.Arrays.toString(val));
        assertSameWeights(perEpoch.get(best), weights(m));
        assertEquals(Math.min(12, best + 4), h.epochs(), "stops patience + 1 epochs after the best");
    }

    @Test
    void historyRecordsPerTaskLossesMetricsAndGradientDiagnostics() {
        HardSharing m = model(6);
        History h = Trainer.builder(m).optimizer(Optimizers.adam(0.05)).epochs(3).seed(3).build()
                .fit(points(6, false), 16, points(7, false));
        Map<String, Double> last = h.last();
        for (String k : List.of("train.loss", "train.a.loss", "train.b.loss", "val.a.loss", "val.a.accuracy",
                "val.loss", "grad_cos.a.b", "grad_norm_ratio.a.b", "seconds")) {
            assertTrue(last.containsKey(k), k + " in " + last.keySet());
        }
        double cos = last.get("grad_cos.a.b");
        assertTrue(cos >= -1 && cos <= 1);
        assertTrue(h.series("val.a.accuracy")[2] > 0.8, java.util.Arrays.toString(h.series("val.a.accuracy")));
        assertTrue(h.toCsv().startsWith("epoch,"));
    }

    @Test
    void everyGradientStrategyTrainsFromParametersOrTheRepresentationWithPerHeadLearningRates() {
        // heads learn 10× faster than the trunk; any strategy combines with that optimizer
        GradientTransformation perHead = polyhead.optim.Transforms.partition(
                (name, shape) -> name.startsWith("heads.") ? "heads" : "trunk",
                Map.of("heads", Optimizers.sgd(0.5), "trunk", Optimizers.sgd(0.05)));
        for (polyhead.mtl.weighting.Weighting w : List.of(Weightings.pcGrad(), Weightings.mgda(), Weightings.caGrad(),
                Weightings.nashMtl(), Weightings.gradNorm(0.025), Weightings.dwa(), Weightings.randomLossWeighting(),
                Weightings.uncertainty(List.of("a", "b")))) {
            for (GradientSource source : GradientSource.values()) {
                HardSharing m = model(8);
                History h = Trainer.builder(m).optimizer(perHead).weighting(w).gradientSource(source).epochs(4)
                        .seed(1).build().fit(points(8, false), 16, points(9, false));
                double[] acc = h.series("val.a.accuracy");
                assertTrue(acc[acc.length - 1] > 0.75, w.name() + " " + source + ": " + java.util.Arrays.toString(acc));
            }
        }
    }

    /** Every architecture with 8 hidden units on the 2-D points, and the two tasks' heads on top. */
    static List<polyhead.mtl.arch.Architecture> everyArchitecture() {
        Random rng = new Random(21);
        java.util.function.Supplier<List<Task>> tasks = () -> List.of(
                Task.builder("a").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build(),
                Task.builder("b").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build());
        java.util.function.Supplier<polyhead.nn.Module> tower = () -> new Sequential(new Linear(2, 8, rng), Activation.tanh());
        return List.of(
                new HardSharing(tower.get(), tasks.get()),
                new polyhead.mtl.arch.SoftSharing(tower, tasks.get(), 1e-3),
                new polyhead.mtl.arch.CrossStitch(List.of(tower, () -> new Sequential(new Linear(8, 8, rng), Activation.tanh())), tasks.get()),
                polyhead.mtl.arch.Mmoe.onePerTask(tower, 3, 2, tasks.get(), rng),
                polyhead.mtl.arch.Mmoe.oneGate(tower, 3, 2, tasks.get(), rng),
                polyhead.mtl.arch.Ple.cgc(tower, 2, 2, 1, tasks.get(), rng),
                polyhead.mtl.arch.Ple.progressive(List.of(tower, () -> new Sequential(new Linear(8, 8, rng), Activation.tanh())),
                        new int[] {2, 8}, 1, 1, tasks.get(), rng),
                new polyhead.mtl.arch.DSelectK(tower, 3, 2, 2, 1.0, 1e-3, tasks.get(), rng),
                new polyhead.mtl.arch.Mtan(List.of(new Sequential(new Linear(2, 8, rng), Activation.tanh())),
                        List.of(new int[] {8}), tasks.get(), rng));
    }

    @Test
    void everyArchitectureTrainsWithEveryKindOfWeighting() {
        for (java.util.function.Supplier<polyhead.mtl.weighting.Weighting> w : List.<java.util.function.Supplier<polyhead.mtl.weighting.Weighting>>of(
                Weightings::equal, () -> Weightings.uncertainty(List.of("a", "b")), Weightings::pcGrad,
                Weightings::mgda, () -> Weightings.famo(List.of("a", "b")), Weightings::gls,
                () -> Weightings.stch(1, 1))) {
            for (polyhead.mtl.arch.Architecture arch : everyArchitecture()) {
                History h = Trainer.builder(arch).optimizer(Optimizers.adam(0.05)).weighting(w.get()).epochs(5).seed(3)
                        .build().fit(points(15, false), 16, points(16, false));
                String what = arch.typeName() + " × " + w.get().name();
                assertTrue(h.last().get("val.a.accuracy") > 0.75, what + ": " + h.last());
                assertTrue(h.last().get("val.b.accuracy") > 0.75, what + ": " + h.last());
            }
        }
    }

    /**
     * A trainer's steps run in an arena that reuses arrays from step to step. With a poisoning arena (every array
     * NaN once its step ends) training must end with the same weights and history, bit for bit, as training that
     * allocates: nothing a step leaves behind (parameter gradients, weighting state, batch-norm statistics) may
     * live in arena memory. Every architecture, every kind of weighting and both gradient sources, one task's
     * labels missing in half of the runs.
     */
    @Test
    void trainingInAPoisonedArenaEqualsTrainingThatAllocatesBitForBit() {
        List<java.util.function.Supplier<polyhead.mtl.weighting.Weighting>> weightings = List.of(Weightings::equal,
                () -> Weightings.uncertainty(List.of("a", "b")), Weightings::pcGrad, Weightings::mgda,
                Weightings::caGrad, Weightings::nashMtl, () -> Weightings.gradNorm(0.025), Weightings::dwa,
                Weightings::randomLossWeighting, () -> Weightings.famo(List.of("a", "b")), Weightings::gls,
                () -> Weightings.stch(1, 0));
        int runs = 0;
        for (int k = 0; k < everyArchitecture().size(); k++) {
            for (java.util.function.Supplier<polyhead.mtl.weighting.Weighting> w : weightings) {
                for (GradientSource source : GradientSource.values()) {
                    boolean maskB = (k + runs) % 2 == 1;
                    polyhead.mtl.arch.Architecture poisoned = everyArchitecture().get(k);
                    polyhead.mtl.arch.Architecture plain = everyArchitecture().get(k);
                    String what = poisoned.typeName() + " × " + w.get().name() + " × " + source;
                    History hp;
                    History ha;
                    try {
                        hp = Trainer.builder(poisoned).optimizer(Optimizers.adam(0.05)).weighting(w.get())
                                .gradientSource(source).epochs(2).seed(3).arena(new polyhead.tensor.Arena(true))
                                .build().fit(points(15, maskB), 16, points(16, false));
                        ha = Trainer.builder(plain).optimizer(Optimizers.adam(0.05)).weighting(w.get())
                                .gradientSource(source).epochs(2).seed(3).arena(null)
                                .build().fit(points(15, maskB), 16, points(16, false));
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        continue; // a combination the trainer refuses (representation gradients without one)
                    }
                    runs++;
                    Map<String, Tensor> a = poisoned.stateDict();
                    Map<String, Tensor> b = plain.stateDict();
                    assertEquals(a.keySet(), b.keySet(), what);
                    for (String key : a.keySet()) {
                        assertArrayEquals(b.get(key).data(), a.get(key).data(), what + ": " + key);
                    }
                    Map<String, Double> rowA = new LinkedHashMap<>(ha.last());
                    Map<String, Double> rowP = new LinkedHashMap<>(hp.last());
                    rowA.remove("seconds");
                    rowP.remove("seconds");
                    assertEquals(rowA, rowP, what);
                }
            }
        }
        assertTrue(runs >= 60, "runs compared: " + runs);
    }

    @Test
    void uncertaintyWeightsAreLearnedWithTheModel() {
        polyhead.mtl.weighting.Uncertainty u = Weightings.uncertainty(List.of("a", "b"));
        float[] before = u.parameters().values().iterator().next().value().data().clone();
        Trainer.builder(model(9)).optimizer(Optimizers.adam(0.05)).weighting(u).epochs(2).seed(1).build()
                .fit(points(10, false), 16, null);
        assertFalse(java.util.Arrays.equals(before, u.parameters().values().iterator().next().value().data()));
    }

    @Test
    void representationGradientsNeedASharedRepresentation() {
        Random rng = new Random(0);
        List<Task> tasks = List.of(
                Task.builder("a").head(new Linear(2, 2, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(2, 2, rng)).loss(Losses.crossEntropy()).build());
        polyhead.mtl.arch.SoftSharing soft = new polyhead.mtl.arch.SoftSharing(() -> new Linear(2, 2, rng), tasks, 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(soft)
                .optimizer(Optimizers.sgd(0.1)).weighting(Weightings.mgda())
                .gradientSource(GradientSource.REPRESENTATION).build());
        assertTrue(e.getMessage().contains("no single shared representation: use gradients of the shared parameters"),
                e.getMessage());
        // GradDrop cannot take that advice: it works on the representation only, and the message says so
        IllegalArgumentException drop = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(soft)
                .optimizer(Optimizers.sgd(0.1)).weighting(Weightings.gradDrop())
                .gradientSource(GradientSource.REPRESENTATION).build());
        assertTrue(drop.getMessage().contains("works only on one, so use an architecture that has it"),
                drop.getMessage());
        // with parameter gradients soft sharing trains, the penalty included
        History h = Trainer.builder(soft).optimizer(Optimizers.sgd(0.1)).weighting(Weightings.mgda()).epochs(2).seed(0)
                .build().fit(points(11, false), 16, null);
        assertTrue(Double.isFinite(h.last().get("train.loss")));
    }

    @Test
    void oneDataSourcePerTask() {
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        Dataset a = points(12, false);
        Dataset b = points(13, false).rows(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        perTask.put("a", Dataset.of(a.inputs(), Map.of("a", a.targets("a"))));
        perTask.put("b", Dataset.of(b.inputs(), Map.of("b", b.targets("b"))));
        HardSharing m = model(10);
        History h = Trainer.builder(m).optimizer(Optimizers.adam(0.05)).epochs(3).seed(2).build()
                .fit(polyhead.data.Batching.multiSource(perTask, 16), points(14, false));
        assertTrue(h.last().containsKey("train.b.loss"));
        assertTrue(h.last().get("val.a.accuracy") > 0.8, h.last().toString());
    }

    /** The model with dropout in the trunk, so that resuming must also reproduce the masks. */
    static HardSharing modelWithDropout(long seed) {
        Random rng = new Random(seed);
        List<Task> tasks = List.of(
                Task.builder("a").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy()).build(),
                Task.builder("b").head(new Linear(8, 2, rng)).loss(Losses.crossEntropy()).build());
        return new HardSharing(new Sequential(new Linear(2, 8, rng), Activation.tanh(), new polyhead.nn.Dropout(0.2f, 9)), tasks);
    }

    static Trainer resumable(HardSharing m, int epochs, polyhead.checkpoint.CheckpointStore store) {
        Trainer.Builder b = Trainer.builder(m).optimizer(Optimizers.adam(0.02)).weighting(Weightings.dwa())
                .epochs(epochs).seed(17).earlyStopping(new EarlyStopping("val.loss", 10, 0, true, null));
        if (store != null) {
            b.checkpoints(store, 1);
        }
        return b.build();
    }

    @Test
    void resumingFromACheckpointEndsWithTheWeightsOfAnUninterruptedRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Dataset train = points(20, false);
        Dataset val = points(21, false);
        HardSharing straight = modelWithDropout(1);
        History full = resumable(straight, 5, null).fit(train, 8, val);

        polyhead.checkpoint.CheckpointStore store = new polyhead.checkpoint.CheckpointStore(dir, 2);
        resumable(modelWithDropout(1), 2, store).fit(train, 8, val);
        polyhead.checkpoint.Checkpoint saved = store.latest().orElseThrow().checkpoint();
        assertEquals(2, saved.epoch());

        HardSharing resumed = modelWithDropout(99); // other initial weights: everything must come from the checkpoint
        Trainer t = resumable(resumed, 5, null);
        t.resume(saved);
        History rest = t.fit(train, 8, val);
        assertSameWeights(weights(straight), weights(resumed));
        assertEquals(full.epochs(), rest.epochs());
        for (int e = 0; e < full.epochs(); e++) {
            Map<String, Double> a = new LinkedHashMap<>(full.rows().get(e));
            Map<String, Double> b = new LinkedHashMap<>(rest.rows().get(e));
            a.remove("seconds");
            b.remove("seconds");
            assertEquals(a, b, "history row " + e);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(modelWithDropout(1))
                .optimizer(Optimizers.adam(0.02)).weighting(Weightings.dwa()).seed(18).build().resume(saved));
        assertTrue(e.getMessage().contains("seed 17"), e.getMessage());
    }

    @Test
    void aNonFiniteLossStopsBeforeTheUpdateOrIsSkippedAndCounted() {
        // a learning rate of 1e38 overflows the weights within a few steps
        HardSharing m = model(12);
        List<Map<String, float[]>> seen = new ArrayList<>();
        Trainer stop = Trainer.builder(m).optimizer(Optimizers.sgd(1e38)).epochs(3).seed(1).diagnostics(false)
                .listener(new TrainingListener() {
                    @Override
                    public void stepEnded(int epoch, long step, Map<String, Double> losses, int samples) {
                        seen.add(weights(m));
                    }
                }).build();
        TrainingException e = assertThrows(TrainingException.class, () -> stop.fit(points(30, false), 8, null));
        assertTrue(e.getMessage().matches("(task '[ab]' has a non-finite loss \\(.*\\)|the gradient is not finite .*) at step \\d+ \\(epoch \\d\\); stopped before updating the weights"),
                e.getMessage());
        // the failing step changed nothing: the weights are those after the last good step
        assertFalse(seen.isEmpty());
        assertSameWeights(seen.get(seen.size() - 1), weights(m));

        HardSharing n = model(12);
        History h = Trainer.builder(n).optimizer(Optimizers.sgd(1e38)).epochs(2).seed(1).diagnostics(false)
                .onNonFinite(NonFinitePolicy.SKIP).build().fit(points(30, false), 8, null);
        assertTrue(h.rows().get(0).get("skipped_steps") > 0, h.rows().get(0).toString());
        assertTrue(h.rows().get(0).get("grad_norm.max") > 0);
    }

    @Test
    void evaluationAndPredictionDoNotDependOnTheirBatchSize() {
        Dataset data = Dataset.merge(List.of(points(40, false), points(41, true).rows(new int[] {0, 1, 2, 3, 4})));
        HardSharing m = model(13);
        Trainer small = Trainer.builder(m).optimizer(Optimizers.sgd(0.1)).evalBatchSize(7).build();
        Trainer whole = Trainer.builder(m).optimizer(Optimizers.sgd(0.1)).evalBatchSize(1000).build();
        Map<String, Double> a = small.evaluate(data);
        Map<String, Double> b = whole.evaluate(data);
        assertEquals(b.keySet(), a.keySet());
        b.forEach((k, v) -> assertEquals(v, a.get(k), 1e-6, k));
        // the 5 rows of the second part have no label for b: its loss is over the 64 labelled rows only
        Var logits = m.outputs(Var.constant(data.inputs())).get("b");
        double lossB = Losses.crossEntropy().apply(logits, data.targets("b"), data.mask("b")).value().item();
        assertEquals(lossB, b.get("b.loss"), 1e-6);
        Map<String, Tensor> p = small.predict(data.inputs());
        assertEquals(polyhead.tensor.Shape.of(69, 2), p.get("a").shape());
        assertArrayEquals(logits.value().data(), p.get("b").data(), 1e-6f);
    }

    @Test
    void unknownMonitorIsNamed() {
        HardSharing m = model(7);
        Trainer t = Trainer.builder(m).optimizer(Optimizers.adam(0.01)).epochs(2)
                .earlyStopping(EarlyStopping.on("val.c.accuracy")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(points(1, false), 16, points(2, false)));
        assertTrue(e.getMessage().contains("val.c.accuracy"), e.getMessage());
    }
}
