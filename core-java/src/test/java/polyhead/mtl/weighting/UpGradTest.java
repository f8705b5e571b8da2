package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** UPGrad (Quinton &amp; Rey, 2024) on two-task cases worked out by hand. */
class UpGradTest {
    /** A regularization small enough that the hand values (computed without it) hold to 1e-11. */
    private static final double TINY = 1e-12;

    @Test
    void orthogonalGradientsDoNotConflict() {
        // g1 = (1,0), g2 = (0,1): M̃ = I/2 + εI is diagonal; for u = (½,0) the minimum of vᵀM̃v over v ≥ u is v = u
        // (and likewise for (0,½)), so α = (½, ½) and d = (½, ½), the mean, whatever ε
        Combination out = Weightings.upGrad().combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.5, 0.5}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
    }

    @Test
    void conflictingGradientsAreProjectedOntoTheDualCone() {
        // g1 = (1,0), g2 = (−1,1): M = [[1,−1],[−1,2]], tr = 3, M̃ = M/3 (ε ≈ 0).
        // u = (½,0): v1 = ½ fixed, v2 minimizes M̃11/4 + 2M̃12·v2/2 + M̃22 v2² → v2 = −M̃12·½/M̃22 = (⅙)/(⅔) = ¼ ≥ 0;
        //   the bound on v1 is active: ∂/∂v1 = 2(M̃11·½ + M̃12·¼) = 2(⅙ − 1/12) = ⅙ > 0. v = (½, ¼).
        // u = (0,½): v1 = −M̃12·½/M̃11 = ½, ∂/∂v2 = 2(M̃21·½ + M̃22·½) = 2(−⅙ + ⅓) > 0. v = (½, ½).
        // α = (1, ¾), d = (1,0) + ¾(−1,1) = (¼, ¾): d·g1 = ¼ ≥ 0 and d·g2 = ½ ≥ 0, no conflict left.
        Combination out = Weightings.upGrad(UpGrad.DEFAULT_NORM_EPS, TINY)
                .combine(Grads.of(new double[] {1, 0}, new double[] {-1, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.25, 0.75}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 0.75},
                UpGrad.weights(new double[][] {{1, -1}, {-1, 2}}, UpGrad.DEFAULT_NORM_EPS, TINY), 1e-11, "α");
    }

    @Test
    void theUpdateConflictsWithNoTask() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            double[][] g = Grads.random(rng, 2 + trial % 5, 3);
            float[] d = Weightings.upGrad(0, TINY).combine(Grads.of(g), Grads.ctx(0)).shared();
            for (double[] row : g) {
                assertTrue(Grads.dot(row, Grads.toDouble(d)) >= -1e-6 * Grads.norm(row), "d·g_t >= 0");
            }
        }
    }

    @Test
    void tinyGramiansAreNotNormalized() {
        // tr M = 1e-6 < ε_norm = 1e-4: M̃ = ε_reg·I, so every v = u and α = (½, ½) even for opposite gradients
        Grads.assertVector(new double[] {0.5, 0.5},
                UpGrad.weights(new double[][] {{5e-7, -5e-7}, {-5e-7, 5e-7}}, 1e-4, 1e-4), 1e-15, "α");
    }

    @Test
    void settingsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weightings.upGrad(1e-4, 0));
        assertEquals("upGrad: needs finite normEps >= 0 and regEps > 0, got normEps=1.0E-4, regEps=0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Weightings.upGrad(-1, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> Weightings.upGrad(Double.NaN, 1e-4));
    }
}
