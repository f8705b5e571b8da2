package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.testing.Fixtures;

class FamoTest {
    private static final List<String> AB = List.of("t0", "t1");

    @Test
    void handCaseOfTwoTasks() {
        Famo famo = Weightings.famo(AB);
        // ξ = (0, 0): z = (½, ½). L = (1, 2): c = ½/1 + ½/2 = ¾, weights z_t/(c L_t) = (⅔, ⅓),
        // objective = (½ log 1 + ½ log 2)/¾ = ⅔ log 2 = 0.4620981
        double[] out = LossWeightingReference.objectiveAndGradient(famo, new double[] {1, 2}, Grads.ctx(0));
        assertEquals(2 * Math.log(2) / 3, out[0], 1e-6);
        assertEquals(2.0 / 3, out[1], 1e-6);
        assertEquals(1.0 / 3, out[2], 1e-6);
        // after the step L = (0.5, 1.8): δ = (log 2, log(2/1.8)) = (0.693147, 0.105361), z·δ = 0.399254,
        // ∂/∂ξ = z ⊙ (δ − z·δ) = (0.146947, −0.146947); Adam's first step moves each logit by lr against the sign
        // of its gradient (m̂/√v̂ = ±1; the decay adds γξ = 0): ξ = (−0.025, 0.025)
        famo.stepTaken(Map.of("t0", 1.0, "t1", 2.0), Map.of("t0", 0.5, "t1", 1.8));
        assertEquals(-0.025, famo.logits().get("t0"), 1e-8);
        assertEquals(0.025, famo.logits().get("t1"), 1e-8);
        // the task whose loss fell more now weighs less: z = (1/(1 + e^0.05), …) = (0.4875026, 0.5124974), which are
        // the weights for equal losses L = (1, 1) (c = Σ z_t = 1)
        double[] next = LossWeightingReference.objectiveAndGradient(famo, new double[] {1, 1}, Grads.ctx(1));
        assertEquals(0.4875026, next[1], 1e-6);
        assertEquals(0.5124974, next[2], 1e-6);
    }

    /**
     * LibMTL's FAMO (reference/generate_loss_weighting_reference.py) over 4 steps of 3 tasks at two settings: the
     * weights each loss gets (its gradient) and the objective within 1e-6 relative, the logits after each update
     * within 1e-6 (float32 in torch against double rounded to float here).
     */
    @Test
    void matchesLibMtlOverASequenceOfSteps() {
        int checked = 0;
        for (Object c : LossWeightingReference.cases("famo")) {
            double lr = Fixtures.number(Fixtures.get(c, "lr"), "lr");
            double decay = Fixtures.number(Fixtures.get(c, "weightDecay"), "weightDecay");
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            Famo famo = null;
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                double[] before = LossWeightingReference.numbers(step, "before");
                if (famo == null) {
                    famo = Weightings.famo(LossWeightingReference.tasks(before.length), lr, decay);
                }
                double[] out = LossWeightingReference.objectiveAndGradient(famo, before, Grads.ctx(s));
                double[] grads = LossWeightingReference.numbers(step, "lossGradients");
                String at = "lr " + lr + ", step " + s;
                double objective = Fixtures.number(Fixtures.get(step, "objective"), "objective");
                assertEquals(objective, out[0], 1e-6 * Math.abs(objective), at + " objective");
                for (int t = 0; t < grads.length; t++) {
                    assertEquals(grads[t], out[t + 1], 1e-6 * Math.abs(grads[t]), at + " ∂/∂L_" + t);
                }
                famo.stepTaken(LossWeightingReference.named(before),
                        LossWeightingReference.named(LossWeightingReference.numbers(step, "after")));
                double[] logits = LossWeightingReference.numbers(step, "logitsAfter");
                List<String> tasks = LossWeightingReference.tasks(logits.length);
                for (int t = 0; t < logits.length; t++) {
                    assertEquals(logits[t], famo.logits().get(tasks.get(t)), 1e-6, at + " ξ_" + t);
                }
                checked++;
            }
        }
        assertEquals(8, checked);
    }

    @Test
    void aTaskAbsentFromTheBatchIsLeftOutOfTheSoftmax() {
        Famo famo = Weightings.famo(List.of("a", "b", "c"));
        famo.stepTaken(Map.of("a", 1.0, "b", 2.0), Map.of("a", 0.5, "b", 1.8));
        // c had no gradient: only Adam's decay of ξ_c = 0 (nothing) moved it
        assertEquals(0, famo.logits().get("c"), 0);
        double[] z = famo.taskShares(List.of("a", "b"));
        assertEquals(1, z[0] + z[1], 1e-12);
        assertTrue(z[0] < z[1]);
    }

    @Test
    void badSettingsAndLossesAreOneLineFaults() {
        assertEquals("famo: needs a finite lr > 0 and weight decay >= 0, got lr=0.0, weightDecay=0.001",
                assertThrows(IllegalArgumentException.class, () -> Weightings.famo(AB, 0, 1e-3)).getMessage());
        assertEquals("famo: needs the task names (T = 0 given)",
                assertThrows(IllegalArgumentException.class, () -> Weightings.famo(List.of())).getMessage());
        Famo famo = Weightings.famo(AB);
        assertEquals("famo: loss of task 't0' is -0.5; famo takes the log of each loss, so losses must be finite and"
                + " > -1e-8", assertThrows(IllegalArgumentException.class, () -> LossWeightingReference
                        .objectiveAndGradient(famo, new double[] {-0.5, 1}, Grads.ctx(0))).getMessage());
        assertEquals("famo: task 'x' has no logit (tasks: [t0, t1])", assertThrows(IllegalArgumentException.class,
                () -> famo.stepTaken(Map.of("x", 1.0), Map.of("x", 0.5))).getMessage());
    }
}
