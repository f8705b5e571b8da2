package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.testing.Fixtures;

class StchTest {
    private static WeightingContext epoch(int e) {
        return new WeightingContext(0, e, new Random(0));
    }

    @Test
    void handCaseOfTwoTasks() {
        Stch stch = Weightings.stch(1, 0);
        // epoch 0 = W: warm-up objective log L_1 + log L_2, weights 1/L_t; the losses are summed for the nadir
        double[] first = LossWeightingReference.objectiveAndGradient(stch, new double[] {2, 4}, epoch(0));
        assertEquals(Math.log(8), first[0], 1e-6);
        assertEquals(0.5, first[1], 1e-7);
        assertEquals(0.25, first[2], 1e-7);
        LossWeightingReference.objectiveAndGradient(stch, new double[] {4, 2}, epoch(0));
        assertTrue(stch.nadir().isEmpty());
        // epoch 1: z = mean of epoch 0 = (3, 3). L = (3, 6): l = (log 1, log 2) = (0, 0.693147),
        // objective = 2·log(e⁰ + e^0.693) = 2 log 3; ∂/∂l = 2·softmax(l) = (2/3, 4/3), ∂l_t/∂L_t = 1/L_t:
        // weights (2/3 · 1/3, 4/3 · 1/6) = (2/9, 2/9)
        double[] next = LossWeightingReference.objectiveAndGradient(stch, new double[] {3, 6}, epoch(1));
        assertEquals(Map.of("t0", 3.0, "t1", 3.0), stch.nadir());
        assertEquals(2 * Math.log(3), next[0], 1e-6);
        assertEquals(2.0 / 9, next[1], 1e-7);
        assertEquals(2.0 / 9, next[2], 1e-7);
    }

    @Test
    void aSmallMuApproachesTheTchebycheffMaximum() {
        Stch stch = Weightings.stch(1e-3, 0);
        LossWeightingReference.objectiveAndGradient(stch, new double[] {1, 1}, epoch(0));
        // z = (1, 1), L = (2, 1): T · max_t log(L_t/z_t) = 2 log 2, all the weight on task 0: 2 · 1/L_0 = 1
        double[] out = LossWeightingReference.objectiveAndGradient(stch, new double[] {2, 1}, epoch(1));
        assertEquals(2 * Math.log(2), out[0], 1e-5);
        assertEquals(1, out[1], 1e-6);
        assertEquals(0, out[2], 1e-6);
    }

    /**
     * LibMTL's STCH (reference/generate_loss_weighting_reference.py): 3 tasks, W = 1, two batches in each of epochs
     * 0–3, μ = 1 and 0.5; the objective and each loss's gradient within 1e-5 relative, the nadir vector within 1e-6
     * relative (float32 in both).
     */
    @Test
    void matchesLibMtlThroughWarmUpAveragingAndTheTchebycheffPhase() {
        int checked = 0;
        for (Object c : LossWeightingReference.cases("stch")) {
            double mu = Fixtures.number(Fixtures.get(c, "mu"), "mu");
            int warmup = (int) Fixtures.number(Fixtures.get(c, "warmupEpochs"), "warmupEpochs");
            Stch stch = Weightings.stch(mu, warmup);
            for (Object step : Fixtures.list(Fixtures.get(c, "steps"), "steps")) {
                int e = (int) Fixtures.number(Fixtures.get(step, "epoch"), "epoch");
                double[] before = LossWeightingReference.numbers(step, "before");
                double[] out = LossWeightingReference.objectiveAndGradient(stch, before, epoch(e));
                String at = "mu " + mu + ", step " + checked;
                double objective = Fixtures.number(Fixtures.get(step, "objective"), "objective");
                assertEquals(objective, out[0], 1e-5 * Math.abs(objective), at + " objective");
                double[] grads = LossWeightingReference.numbers(step, "lossGradients");
                for (int t = 0; t < grads.length; t++) {
                    assertEquals(grads[t], out[t + 1], 1e-5 * Math.abs(grads[t]), at + " ∂/∂L_" + t);
                }
                if (Fixtures.object(step, "step").containsKey("nadir")) {
                    double[] nadir = LossWeightingReference.numbers(step, "nadir");
                    List<String> tasks = LossWeightingReference.tasks(nadir.length);
                    for (int t = 0; t < nadir.length; t++) {
                        assertEquals(nadir[t], stch.nadir().get(tasks.get(t)), 1e-6 * nadir[t], at + " z_" + t);
                    }
                }
                checked++;
            }
        }
        assertEquals(16, checked);
    }

    @Test
    void badSettingsAndLossesAreOneLineFaults() {
        assertEquals("stch: needs a finite mu > 0 and warmupEpochs >= 0, got mu=0.0, warmupEpochs=4",
                assertThrows(IllegalArgumentException.class, () -> Weightings.stch(0, 4)).getMessage());
        assertEquals("stch: loss of task 't0' is -1.0; stch takes the log of each loss, so losses must be finite and"
                + " >= 0", assertThrows(IllegalArgumentException.class, () -> LossWeightingReference
                        .objectiveAndGradient(Weightings.stch(), new double[] {-1, 1}, epoch(0))).getMessage());
    }
}
