package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.testing.Fixtures;

/**
 * FairGrad (Ban &amp; Ji, ICML 2024): two-task cases worked out by hand, the system's residual, and LibMTL's own
 * {@code FairGrad.py} ({@code reference/generate_libmtl_methods_reference.py}).
 */
class FairGradTest {
    @Test
    void orthogonalGradientsByHand() {
        // g_a = (1, 0), g_b = (0, 2): M = diag(1, 4). α = 1: w_a = 1/w_a → 1, 4 w_b = 1/w_b → ½; d = (1, 1)
        Combination one = Weightings.fairGrad().combine(Grads.of(new double[] {1, 0}, new double[] {0, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, one.shared(), 1e-7, "d at α = 1");
        Grads.assertVector(new double[] {1, 0.5}, one.taskWeights(), 1e-9, "heads get w");
        // α = 2: w_a = w_a^{−½} → 1, 4 w_b = w_b^{−½} → w_b = 4^{−⅔}; d = (1, 2·4^{−⅔})
        double wb = Math.pow(4, -2.0 / 3);
        Combination two = Weightings.fairGrad(2).combine(Grads.of(new double[] {1, 0}, new double[] {0, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 2 * wb}, two.shared(), 1e-7, "d at α = 2");
        Grads.assertVector(new double[] {1, wb}, two.taskWeights(), 1e-9, "w at α = 2");
    }

    @Test
    void identicalGradientsByHand() {
        // g_a = g_b = (1, 0), α = 1: M = [[1, 1], [1, 1]], w_a + w_b = 1/w_a = 1/w_b → w = 1/√2 each; d = (√2, 0)
        Combination c = Weightings.fairGrad().combine(Grads.of(new double[] {1, 0}, new double[] {1, 0}), Grads.ctx(0));
        Grads.assertVector(new double[] {Math.sqrt(2), 0}, c.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, c.taskWeights(), 1e-9, "w");
    }

    @Test
    void matchesLibMtlAndSolvesTheSystemToItsTolerance() {
        // LibMTL's least_squares stops at a relative residual of about 1e-7, so w agrees to 1e-5 relative and the
        // update to 1e-5 of its largest element; our own residual |Mw − w^{−1/α}| is below 1e-10 relative to Mw
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_methods.json").get("fairgrad"), "fairgrad");
        assertEquals(6, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            double alpha = Fixtures.number(Fixtures.get(c, "alpha"), "alpha");
            String at = tasks + " tasks, α = " + alpha;
            TaskGradients g = Grads.of(Grads.names(tasks), GradVacTest.rows(Fixtures.get(c, "grads")),
                    Fixtures.doubles(Fixtures.get(c, "losses")));
            Combination out = Weightings.fairGrad(alpha).combine(g, Grads.ctx(0));
            double[] expectedW = LossWeightingReference.numbers(c, "weights");
            for (int t = 0; t < tasks; t++) {
                assertEquals(expectedW[t], out.taskWeights()[t], 1e-5 * expectedW[t], at + ": w_" + t);
            }
            double[] expected = Fixtures.doubles(Fixtures.get(c, "direction"));
            double scale = Grads.maxAbs(expected);
            Grads.assertVector(expected, out.shared(), 1e-5 * scale, at + ": direction");
            double[][] m = GradientRows.gram(g.grads());
            double[] w = FairGrad.weights(m, alpha);
            double[] mw = GradientRows.times(m, w);
            for (int t = 0; t < tasks; t++) {
                assertEquals(0, (mw[t] - Math.pow(w[t], -1 / alpha)) / mw[t], 1e-10, at + ": residual of task " + t);
            }
        }
    }

    @Test
    void scalingTheGradientsScalesWAndDAsDocumented() {
        double[][] g = {{0.3, -1.2, 0.5}, {1.1, 0.4, -0.2}, {-0.6, 0.9, 1.4}};
        double alpha = 3;
        double s = 50;
        double[][] big = new double[3][3];
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < 3; k++) {
                big[t][k] = s * g[t][k];
            }
        }
        double[] w = FairGrad.weights(GradientRows.gram(floats(g)), alpha);
        double[] wBig = FairGrad.weights(GradientRows.gram(floats(big)), alpha);
        for (int t = 0; t < 3; t++) {
            assertEquals(w[t] * Math.pow(s, -2 * alpha / (1 + alpha)), wBig[t], 1e-9 * w[t], "w_" + t);
        }
    }

    @Test
    void paretoStationaryGradientsGiveZeroAndBadAlphaIsRefused() {
        // g_b = −g_a: ½g_a + ½g_b = 0, no w solves the system
        assertNull(FairGrad.weights(new double[][] {{1, -1}, {-1, 1}}, 1));
        Combination c = Weightings.fairGrad().combine(Grads.of(new double[] {1, 2}, new double[] {-1, -2}), Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0}, c.shared(), 0, "d");
        Grads.assertVector(new double[] {1, 1}, c.taskWeights(), 0, "heads");
        assertEquals("fairGrad: alpha must be a finite number > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Weightings.fairGrad(0)).getMessage());
    }

    private static float[][] floats(double[][] g) {
        float[][] r = new float[g.length][];
        for (int t = 0; t < g.length; t++) {
            r[t] = GradientRows.toFloat(g[t]);
        }
        return r;
    }
}
