package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.BatchSource;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointStore;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.Weightings;
import polyhead.optim.GradientTransformation;
import polyhead.optim.Optimizers;
import polyhead.optim.schedule.Schedules;

/**
 * A run checkpointed every k steps and stopped (a listener throws, as a crash would) one step after the checkpoint
 * at step k, then resumed from the latest checkpoint on disk into a model with other initial weights, ends with the
 * weights and history of the uninterrupted run, bit for bit. Stop points fall inside epochs and at an epoch's last
 * step; batching is shuffled, task-balanced and one source per task; the model has dropout; the weightings are
 * stateful (DWA per epoch, GradNorm per step) or draw random numbers (PCGrad); the learning rates follow schedules.
 */
class MidEpochResumeTest {
    private static final int EPOCHS = 3;
    /** Stop points: inside epoch 0, at epoch 0's last step (8 steps per epoch), inside epoch 1. */
    private static final int[] STOPS = {3, 8, 13};

    @TempDir
    Path dir;

    /** One training configuration: how its batches, weighting and optimizer are made, and its validation data. */
    private record Run(String name, BatchSource data, Dataset validation, Supplier<Weighting> weighting,
            Supplier<GradientTransformation> optimizer, NonFinitePolicy policy, EarlyStopping earlyStopping) {
    }

    private Trainer trainer(Run run, HardSharing model, CheckpointStore store, int everySteps, TrainingListener crash) {
        Trainer.Builder b = Trainer.builder(model).optimizer(run.optimizer().get()).weighting(run.weighting().get())
                .epochs(EPOCHS).seed(23).onNonFinite(run.policy());
        if (run.earlyStopping() != null) {
            b.earlyStopping(run.earlyStopping());
        }
        if (crash != null) {
            b.listener(crash);
        }
        if (store != null) {
            // epoch-end saves only after the last epoch: the latest checkpoint at a stop is the step's
            b.checkpoints(store, EPOCHS, everySteps);
        }
        return b.build();
    }

    private void resumeEqualsUninterrupted(Run run) {
        HardSharing straight = TrainerTest.modelWithDropout(1);
        History full = trainer(run, straight, null, 0, null).fit(run.data(), run.validation());
        for (int stop : STOPS) {
            CheckpointStore store = new CheckpointStore(dir.resolve(run.name() + "-" + stop), 3);
            TrainingListener crash = new TrainingListener() {
                @Override
                public void stepEnded(int epoch, long step, Map<String, Double> losses, int samples) {
                    if (step == stop + 1) {
                        throw new IllegalStateException("crash");
                    }
                }
            };
            Trainer first = trainer(run, TrainerTest.modelWithDropout(1), store, stop, crash);
            assertThrows(IllegalStateException.class, () -> first.fit(run.data(), run.validation()));
            Checkpoint saved = store.latest().orElseThrow().checkpoint();
            assertEquals(stop, saved.step(), run.name());
            assertEquals(stop / 8 - (stop % 8 == 0 ? 1 : 0), saved.epoch(), run.name() + " stop " + stop);
            assertEquals(stop % 8 == 0 ? 8 : stop % 8, saved.dataPosition(), run.name() + " stop " + stop);

            HardSharing resumed = TrainerTest.modelWithDropout(99);
            Trainer second = trainer(run, resumed, null, 0, null);
            second.resume(saved);
            History rest = second.fit(run.data(), run.validation());
            TrainerTest.assertSameWeights(TrainerTest.weights(straight), TrainerTest.weights(resumed));
            assertEquals(full.epochs(), rest.epochs(), run.name() + " stop " + stop);
            for (int e = 0; e < full.epochs(); e++) {
                assertEquals(withoutSeconds(full.rows().get(e)), withoutSeconds(rest.rows().get(e)),
                        run.name() + " stop " + stop + ", history row " + e);
            }
        }
    }

    private static Map<String, Double> withoutSeconds(Map<String, Double> row) {
        Map<String, Double> r = new LinkedHashMap<>(row);
        r.remove("seconds");
        return r;
    }

    @Test
    void shuffledBatchesWithDwaEarlyStoppingAndACosineSchedule() {
        resumeEqualsUninterrupted(new Run("shuffled", Batching.shuffled(TrainerTest.points(20, false), 8, false),
                TrainerTest.points(21, false), Weightings::dwa,
                () -> Optimizers.adam(Optimizers.Adam.lr(Schedules.cosine(0.03, 24))), NonFinitePolicy.STOP,
                new EarlyStopping("val.loss", 10, 0, true, null)));
    }

    @Test
    void shuffledBatchesWithFamo() {
        // FAMO's logits and their Adam state move after every step: a resume must restore them
        resumeEqualsUninterrupted(new Run("famo", Batching.shuffled(TrainerTest.points(22, false), 8, false),
                TrainerTest.points(23, false), () -> Weightings.famo(List.of("a", "b")), () -> Optimizers.adam(0.03),
                NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithStchAveragingInEpochZero() {
        // the stops fall inside the averaging epoch (the loss sums), at its end and in the Tchebycheff phase (nadir)
        resumeEqualsUninterrupted(new Run("stch", Batching.shuffled(TrainerTest.points(24, false), 8, false),
                TrainerTest.points(25, false), () -> Weightings.stch(0.5, 0), () -> Optimizers.adam(0.03),
                NonFinitePolicy.STOP, null));
    }

    @Test
    void taskBalancedBatchesWithGradNormAndAStepSchedule() {
        // task b labelled in 16 of the 64 rows: the balanced sampler draws those rows more often
        Dataset data = Dataset.merge(List.of(TrainerTest.points(30, true).rows(range(48)),
                TrainerTest.points(31, false).rows(range(16))));
        resumeEqualsUninterrupted(new Run("balanced", Batching.taskBalanced(data, 8), null,
                () -> Weightings.gradNorm(0.05), () -> Optimizers.sgd(Optimizers.Sgd.lr(Schedules.step(0.1, 7))
                        .momentum(0.9)), NonFinitePolicy.SKIP, null));
    }

    @Test
    void oneSourcePerTaskWithPcGrad() {
        Dataset a = TrainerTest.points(40, false);
        Dataset b = TrainerTest.points(41, false).rows(range(20));
        Map<String, Dataset> perTask = new LinkedHashMap<>();
        perTask.put("a", Dataset.of(a.inputs(), Map.of("a", a.targets("a"))));
        perTask.put("b", Dataset.of(b.inputs(), Map.of("b", b.targets("b"))));
        resumeEqualsUninterrupted(new Run("multi", Batching.multiSource(perTask, 8), TrainerTest.points(42, false),
                Weightings::pcGrad, () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithGradVacTargets() {
        resumeEqualsUninterrupted(new Run("gradVac", Batching.shuffled(TrainerTest.points(50, false), 8, false), null,
                () -> Weightings.gradVac(0.3), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithDbMtlAverages() {
        resumeEqualsUninterrupted(new Run("dbMtl", Batching.shuffled(TrainerTest.points(51, false), 8, false), null,
                () -> Weightings.dbMtl(0.8, 0.5), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithMoCoTrackingAndWeights() {
        resumeEqualsUninterrupted(new Run("moCo", Batching.shuffled(TrainerTest.points(52, false), 8, false), null,
                Weightings::moCo, () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithImtlHLossScalesAndTheirAdamState() {
        // the scales are optimizer parameters (weighting.lossScale.<task>): the checkpoint's weighting state and
        // the optimizer's moments for them must both come back
        resumeEqualsUninterrupted(new Run("imtlH", Batching.shuffled(TrainerTest.points(53, false), 8, false), null,
                () -> Weightings.imtlH(List.of("a", "b")), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithExcessMtlWeightsAndSquaredGradientSums() {
        resumeEqualsUninterrupted(new Run("excessMtl", Batching.shuffled(TrainerTest.points(55, false), 8, false), null,
                () -> Weightings.excessMtl(0.5), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithSdmGradWeights() {
        resumeEqualsUninterrupted(new Run("sdmGrad", Batching.shuffled(TrainerTest.points(56, false), 8, false), null,
                () -> Weightings.sdmGrad(0.3, 5), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void shuffledBatchesWithImtlLLossScales() {
        resumeEqualsUninterrupted(new Run("imtlL", Batching.shuffled(TrainerTest.points(54, false), 8, false), null,
                () -> Weightings.imtlL(List.of("a", "b")), () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null));
    }

    @Test
    void resumingInsideAnEpochOnDataOfAnotherLengthIsRefused() {
        CheckpointStore store = new CheckpointStore(dir, 2);
        Run run = new Run("refused", Batching.shuffled(TrainerTest.points(20, false), 8, false), null,
                Weightings::dwa, () -> Optimizers.adam(0.02), NonFinitePolicy.STOP, null);
        TrainingListener crash = new TrainingListener() {
            @Override
            public void stepEnded(int epoch, long step, Map<String, Double> losses, int samples) {
                if (step == 4) {
                    throw new IllegalStateException("crash");
                }
            }
        };
        assertThrows(IllegalStateException.class,
                () -> trainer(run, TrainerTest.modelWithDropout(1), store, 3, crash).fit(run.data(), null));
        Trainer t = trainer(run, TrainerTest.modelWithDropout(1), null, 0, null);
        t.resume(store.latest().orElseThrow().checkpoint());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.fit(Batching.shuffled(TrainerTest.points(20, false), 16, false), null));
        assertEquals("the checkpoint was taken 3 steps into epoch 0 of data with 8 steps per epoch; this data has 4:"
                + " resume with the same data and batch size", e.getMessage());
    }

    static int[] range(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
