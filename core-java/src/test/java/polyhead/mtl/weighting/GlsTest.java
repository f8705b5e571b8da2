package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import polyhead.testing.Fixtures;

class GlsTest {
    @Test
    void handCaseOfTwoTasks() {
        // L = (1, 4): G = √(1·4) = 2, ∂G/∂L_t = G/(2 L_t) = (1, ¼)
        double[] out = LossWeightingReference.objectiveAndGradient(Weightings.gls(), new double[] {1, 4}, Grads.ctx(0));
        assertEquals(2, out[0], 1e-6);
        assertEquals(1, out[1], 1e-6);
        assertEquals(0.25, out[2], 1e-6);
        // rescaling one loss rescales only its own weight: L = (1, 400) gives G = 20, weights (10, 1/40)
        double[] scaled = LossWeightingReference.objectiveAndGradient(Weightings.gls(), new double[] {1, 400},
                Grads.ctx(0));
        assertEquals(20, scaled[0], 1e-5);
        assertEquals(10, scaled[1], 1e-5);
        assertEquals(0.025, scaled[2], 1e-7);
    }

    /**
     * LibMTL's GLS (reference/generate_loss_weighting_reference.py) for 2, 3 and 4 tasks with losses from 1e-3 to 50:
     * the objective and each loss's gradient within 1e-5 relative (float32 products and powers in torch against a
     * float32 sum of logs here).
     */
    @Test
    void matchesLibMtl() {
        int checked = 0;
        for (Object c : LossWeightingReference.cases("gls")) {
            for (Object step : Fixtures.list(Fixtures.get(c, "steps"), "steps")) {
                double[] before = LossWeightingReference.numbers(step, "before");
                double[] out = LossWeightingReference.objectiveAndGradient(Weightings.gls(), before, Grads.ctx(0));
                double objective = Fixtures.number(Fixtures.get(step, "objective"), "objective");
                String at = before.length + " tasks";
                assertEquals(objective, out[0], 1e-5 * objective, at + " objective");
                double[] grads = LossWeightingReference.numbers(step, "lossGradients");
                for (int t = 0; t < grads.length; t++) {
                    assertEquals(grads[t], out[t + 1], 1e-5 * Math.abs(grads[t]), at + " ∂/∂L_" + t);
                }
                checked++;
            }
        }
        assertEquals(3, checked);
    }

    @Test
    void aNegativeLossIsAOneLineFault() {
        assertEquals("gls: loss of task 't1' is -0.5; the geometric mean needs finite losses >= 0",
                assertThrows(IllegalArgumentException.class, () -> LossWeightingReference.objectiveAndGradient(
                        Weightings.gls(), new double[] {1, -0.5}, Grads.ctx(0))).getMessage());
    }
}
