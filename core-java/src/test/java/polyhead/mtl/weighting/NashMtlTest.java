package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Nash-MTL's bargaining weights (Navon et al., ICML 2022): GᵀGα = 1/α, on cases worked out by hand. */
class NashMtlTest {
    private final NashMtl nash = Weightings.nashMtl();

    @Test
    void orthogonalUnitGradients() {
        // M = I: α_t² = 1 → α = (1, 1), d = (1, 1)
        Combination out = nash.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 1e-9, "α");
        Grads.assertVector(new double[] {1, 1}, out.shared(), 1e-7, "d");
    }

    @Test
    void alignedGradients() {
        // M = [[2, 4], [4, 8]]: 2α1 + 4α2 = 1/α1 and 4α1 + 8α2 = 1/α2 = 2/α1 ⇒ α1 = 2α2;
        // then 8α2 = 1/(2α2) ⇒ α2 = ¼, α1 = ½; d = ½(1,1) + ¼(2,2) = (1,1), g1·d = 2 = 1/α1, g2·d = 4 = 1/α2.
        // (M is singular, yet the solution exists: 0 is not in the hull.)
        Combination out = nash.combine(Grads.of(new double[] {1, 1}, new double[] {2, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.5, 0.25}, out.taskWeights(), 1e-9, "α");
        Grads.assertVector(new double[] {1, 1}, out.shared(), 1e-7, "d");
    }

    @Test
    void conflictingGradients() {
        // M = [[1, −1], [−1, 1.25]]: α1 − α2 = 1/α1 ⇒ α2 = α1 − 1/α1; −α1 + 1.25α2 = 1/α2.
        // With a = α1: (¼a² − 1.25)(a² − 1) = a² ⇒ a⁴ − 10a² + 5 = 0 ⇒ a² = 5 ± 2√5; α2 > 0 needs a > 1:
        // α1 = √(5 + 2√5) ≈ 3.07768, α2 = α1 − 1/α1 ≈ 2.75276, d = α1 g1 + α2 g2 ≈ (0.32492, 1.37638)
        double a1 = Math.sqrt(5 + 2 * Math.sqrt(5));
        double a2 = a1 - 1 / a1;
        Combination out = nash.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}), Grads.ctx(0));
        Grads.assertVector(new double[] {a1, a2}, out.taskWeights(), 1e-9, "α");
        Grads.assertVector(new double[] {a1 - a2, 0.5 * a2}, out.shared(), 1e-6, "d");
    }

    @Test
    void everyTaskImprovesByTheInverseOfItsWeight() {
        Random rng = new Random(9);
        for (int trial = 0; trial < 20; trial++) {
            int tasks = 2 + trial % 4;
            double[][] g = Grads.random(rng, tasks, tasks + 2 + trial % 3); // independent rows: a solution exists
            Combination out = nash.combine(Grads.of(g), Grads.ctx(0));
            // in double, from α: g_t·(Σ α_s g_s) = 1/α_t
            double[] d = new double[g[0].length];
            for (int t = 0; t < tasks; t++) {
                for (int k = 0; k < d.length; k++) {
                    d[k] += out.taskWeights()[t] * g[t][k];
                }
            }
            for (int t = 0; t < tasks; t++) {
                double alpha = out.taskWeights()[t];
                assertTrue(alpha > 0);
                assertEquals(1, alpha * Grads.dot(g[t], d), 1e-9, "trial " + trial + ", task " + t);
            }
        }
    }

    @Test
    void theUpdateDoesNotDependOnTheGradientsScale() {
        double[][] g = {{1, 0, 2}, {-1, 0.5, 0}, {0.3, 1, -1}};
        double[][] g10 = new double[3][];
        for (int t = 0; t < 3; t++) {
            g10[t] = new double[] {10 * g[t][0], 10 * g[t][1], 10 * g[t][2]};
        }
        Combination a = nash.combine(Grads.of(g), Grads.ctx(0));
        Combination b = nash.combine(Grads.of(g10), Grads.ctx(0));
        Grads.assertVector(Grads.toDouble(a.shared()), b.shared(), 1e-6, "d");
        for (int t = 0; t < 3; t++) {
            assertEquals(a.taskWeights()[t] / 10, b.taskWeights()[t], 1e-9);
        }
    }

    @Test
    void paretoStationaryGradientsGiveZero() {
        // g and −g: no direction improves both, and no α > 0 solves the equations
        Combination out = nash.combine(Grads.of(new double[] {1, 2}, new double[] {-1, -2}), Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0}, out.shared(), 0, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
    }

    @Test
    void newtonNeedsMoreThanOneStepAndSaysSoWhenStopped() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> nash.withMaxIterations(1)
                .combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}), Grads.ctx(0)));
        assertTrue(e.getMessage().startsWith("nashMtl: Newton's method did not converge in 1 iterations"),
                e.getMessage());
    }
}
