package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.data.Dataset;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.mtl.weighting.Weighting;
import polyhead.mtl.weighting.Weightings;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.tensor.Tensor;

class ExplodingGradientTest {
    /** Two linear regression tasks (y_a = x0 + x1, y_b = x0 − x1) on a linear trunk: SGD diverges when lr is large. */
    private static HardSharing regression(long seed) {
        Random rng = new Random(seed);
        List<Task> tasks = List.of(
                Task.builder("a").head(new Linear(4, 1, rng)).loss(Losses.mse()).build(),
                Task.builder("b").head(new Linear(4, 1, rng)).loss(Losses.mse()).build());
        return new HardSharing(new Sequential(new Linear(2, 4, rng)), tasks);
    }

    private static Dataset sums(long seed) {
        Random rng = new Random(seed);
        int n = 64;
        float[] x = new float[2 * n];
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) rng.nextGaussian();
            x[2 * i + 1] = (float) rng.nextGaussian();
            a[i] = x[2 * i] + x[2 * i + 1];
            b[i] = x[2 * i] - x[2 * i + 1];
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        targets.put("a", Tensor.of(a, n, 1));
        targets.put("b", Tensor.of(b, n, 1));
        return Dataset.of(Tensor.of(x, n, 2), targets);
    }

    private record Outcome(History history, List<ExplodingGradient> reports) {
    }

    private static Outcome train(double lr, Weighting weighting, int epochs) {
        List<ExplodingGradient> reports = new ArrayList<>();
        History h = Trainer.builder(regression(3)).optimizer(Optimizers.sgd(lr)).weighting(weighting).epochs(epochs)
                .seed(5).diagnostics(false).onNonFinite(NonFinitePolicy.SKIP)
                .listener(new TrainingListener() {
                    @Override
                    public void gradientExploded(ExplodingGradient report) {
                        reports.add(report);
                    }
                }).build().fit(sums(4), 8, null);
        return new Outcome(h, reports);
    }

    @Test
    void aDivergingRunIsReportedForTheWholeGradientAndPerTask() {
        Outcome o = train(1.0, Weightings.pcGrad(), 3);
        assertTrue(o.reports().stream().anyMatch(r -> r.task() == null), o.reports().toString());
        assertTrue(o.reports().stream().anyMatch(r -> "a".equals(r.task()) || "b".equals(r.task())),
                o.reports().toString());
        for (ExplodingGradient r : o.reports()) {
            assertTrue(r.norm() > r.threshold() && r.threshold() > 0, r.toString());
            assertTrue(r.step() >= GradientMonitor.WARM_UP, r.toString());
        }
        double counted = Arrays.stream(o.history().series("exploding_gradients")).sum();
        assertEquals(o.reports().size(), counted, 0);
    }

    @Test
    void aLossLevelWeightingIsCheckedOnTheWholeGradient() {
        Outcome o = train(1.0, Weightings.equal(), 3);
        assertFalse(o.reports().isEmpty());
        assertTrue(o.reports().stream().allMatch(r -> r.task() == null), o.reports().toString());
    }

    @Test
    void aNonFiniteTaskGradientFollowsThePolicyUnderAGradientWeighting() {
        Outcome skipped = train(3.0, Weightings.pcGrad(), 2);
        assertTrue(skipped.history().rows().get(0).get("skipped_steps") > 0);
        TrainingException e = assertThrows(TrainingException.class, () -> Trainer.builder(regression(3))
                .optimizer(Optimizers.sgd(3.0)).weighting(Weightings.pcGrad()).epochs(2).seed(5).build()
                .fit(sums(4), 8, null));
        assertTrue(e.getMessage().matches("(task '[ab]' has a non-finite (loss|gradient) \\(.*\\)"
                + "|the gradient is not finite .*) at step \\d+ \\(epoch 0\\); stopped before updating the weights"),
                e.getMessage());
    }

    @Test
    void aHealthyRunIsNotFlagged() {
        Outcome o = train(0.05, Weightings.pcGrad(), 5);
        assertEquals(List.of(), o.reports());
        assertTrue(Arrays.stream(o.history().series("exploding_gradients")).allMatch(v -> v == 0));
        // the regression did learn: the check was not quiet because nothing happened
        double[] loss = o.history().series("train.loss");
        assertTrue(loss[loss.length - 1] < loss[0] / 4, Arrays.toString(loss));
    }

    @Test
    void theCheckCanBeTurnedOffAndItsFactorIsChecked() {
        History h = Trainer.builder(regression(3)).optimizer(Optimizers.sgd(1.0)).explodingGradients(0).epochs(1)
                .onNonFinite(NonFinitePolicy.SKIP).build().fit(sums(4), 8, null);
        assertFalse(h.last().containsKey("exploding_gradients"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(regression(3)).explodingGradients(0.5));
        assertEquals("the exploding-gradient factor must be > 1 (or 0 = off), got 0.5", e.getMessage());
    }

    @Test
    void aSpikeIsReportedAgainstTheRunningMeanAndDoesNotRaiseTheBar() {
        GradientMonitor m = new GradientMonitor(10);
        for (int s = 0; s < 5; s++) {
            assertEquals(List.of(), m.check(s, 0, 2.0, Map.of("a", 1.0)));
        }
        // the bias-corrected mean of a constant is that constant: thresholds 10 · 2 and 10 · 1
        List<ExplodingGradient> spike = m.check(5, 0, 25.0, Map.of("a", 11.0));
        assertEquals(2, spike.size());
        assertEquals(null, spike.get(0).task());
        assertEquals(25.0, spike.get(0).norm());
        assertEquals(20.0, spike.get(0).threshold(), 1e-12);
        assertEquals("a", spike.get(1).task());
        assertEquals(10.0, spike.get(1).threshold(), 1e-12);
        assertEquals("step 5 (epoch 0): the gradient norm of task 'a' is 11.00, above the threshold 10.00",
                spike.get(1).message());
        // the spike entered the mean at the threshold, not at 25: 19.9 is still below the next threshold
        List<ExplodingGradient> next = m.check(6, 0, 19.9, Map.of());
        double mean = (0.9 * 2 * (1 - Math.pow(0.9, 5)) + 0.1 * 20) / (1 - Math.pow(0.9, 6));
        assertTrue(19.9 < 10 * mean, "mean " + mean);
        assertEquals(List.of(), next);
        double s6 = 0.9 * (0.9 * 2 * (1 - Math.pow(0.9, 5)) + 0.1 * 20) + 0.1 * 19.9;
        double bar = 10 * s6 / (1 - Math.pow(0.9, 7));
        List<ExplodingGradient> over = m.check(7, 1, bar * 1.001, Map.of());
        assertEquals(1, over.size());
        assertEquals(bar, over.get(0).threshold(), 1e-9);
    }
}
