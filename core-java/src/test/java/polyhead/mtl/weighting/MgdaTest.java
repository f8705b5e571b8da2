package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** MGDA's min-norm point (Sener &amp; Koltun, 2018, Alg. 1 and 2) on cases worked out by hand. */
class MgdaTest {
    private final Mgda mgda = Weightings.mgda(Mgda.Normalization.NONE);

    @Test
    void orthogonalGradientsMeetHalfWay() {
        // γ = (g2 − g1)·g2 / ‖g1 − g2‖² = (0 + 1)/2 = ½: α = (½, ½), d = (½, ½)
        Combination out = mgda.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.5, 0.5}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {0.5, 0.5}, out.taskWeights(), 1e-12, "α");
    }

    @Test
    void alignedGradientsGiveTheShorterOne() {
        // g1·g2 = 4 ≥ ‖g1‖² = 2: the hull's nearest point to 0 is g1 itself; α = (1, 0), d = (1, 1)
        Combination out = mgda.combine(Grads.of(new double[] {1, 1}, new double[] {2, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 0}, out.taskWeights(), 1e-12, "α");
    }

    @Test
    void conflictingGradientsGiveThePerpendicularFoot() {
        // g1 = (1, 0), g2 = (−1, 0.5): g2 − g1 = (−2, 0.5); (g2 − g1)·g2 = 2 + 0.25 = 2.25; ‖g1 − g2‖² = 4.25
        // γ = 2.25/4.25 = 9/17, d = (9/17)(1, 0) + (8/17)(−1, 0.5) = (1/17, 4/17), and d ⟂ g1 − g2
        Combination out = mgda.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}), Grads.ctx(0));
        Grads.assertVector(new double[] {1.0 / 17, 4.0 / 17}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {9.0 / 17, 8.0 / 17}, out.taskWeights(), 1e-12, "α");
    }

    @Test
    void threeOrthonormalGradientsGetAThirdEach() {
        Combination out = mgda.combine(Grads.of(new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {0, 0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, out.shared(), 1e-7, "d");
    }

    @Test
    void aRedundantThirdTaskGetsNoWeight() {
        // hull of (1,0), (0,1), (1,1): nearest point to 0 is (½,½) on the first edge; (1,1) is farther
        Combination out = mgda.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}, new double[] {1, 1}),
                Grads.ctx(0));
        Grads.assertVector(new double[] {0.5, 0.5}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {0.5, 0.5, 0}, out.taskWeights(), 1e-7, "α");
    }

    @Test
    void zeroInTheHullGivesAZeroUpdate() {
        // ⅓(1,0) + ⅓(−½,1) + ⅓(−½,−1) = 0: Pareto-stationary, d = 0; the three points are affinely
        // independent, so α = (⅓, ⅓, ⅓) is the only solution
        Combination out = mgda.combine(Grads.of(new double[] {1, 0}, new double[] {-0.5, 1},
                new double[] {-0.5, -1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0}, out.shared(), 1e-6, "d");
        Grads.assertVector(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, out.taskWeights(), 1e-6, "α");
    }

    @Test
    void theUpdateDescendsForEveryTask() {
        // optimality of the min-norm point d: g_t·d ≥ ‖d‖² for every t
        Random rng = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            int tasks = 2 + trial % 5;
            double[][] g = Grads.random(rng, tasks, 3 + trial % 7);
            double[] d = Grads.toDouble(mgda.combine(Grads.of(g), Grads.ctx(0)).shared());
            double dd = Grads.dot(d, d);
            for (double[] row : g) {
                assertTrue(Grads.dot(row, d) >= dd - 1e-6, "trial " + trial + ": g·d = " + Grads.dot(row, d)
                        + " < ‖d‖² = " + dd);
            }
        }
    }

    @Test
    void normalizationsChooseWeightsOnScaledGradientsButCombineTheRawOnes() {
        TaskGradients g = Grads.of(List.of("a", "b"), new double[][] {{2, 0}, {0, 1}}, new double[] {3, 1});
        // l2: ĝ = (1,0), (0,1) → α = (½,½), d = ½(2,0) + ½(0,1) = (1, ½)
        Grads.assertVector(new double[] {1, 0.5}, Weightings.mgda(Mgda.Normalization.L2).combine(g, Grads.ctx(0))
                .shared(), 1e-7, "l2");
        // loss: ĝ = (2/3, 0), (0, 1) → γ = (1 − 0)/(4/9 + 1) = 9/13, d = (9/13)(2,0) + (4/13)(0,1)
        Grads.assertVector(new double[] {18.0 / 13, 4.0 / 13}, Weightings.mgda(Mgda.Normalization.LOSS)
                .combine(g, Grads.ctx(0)).shared(), 1e-7, "loss");
        // loss+: ĝ = (2,0)/(3·2) = (1/3, 0), (0,1)/(1·1) → γ = 1/(1/9 + 1) = 9/10, d = 0.9(2,0) + 0.1(0,1)
        Combination lossPlus = Weightings.mgda().combine(g, Grads.ctx(0));
        Grads.assertVector(new double[] {1.8, 0.1}, lossPlus.shared(), 1e-7, "loss+ (default)");
        Grads.assertVector(new double[] {0.9, 0.1}, lossPlus.taskWeights(), 1e-12, "loss+ α");
        assertEquals(Mgda.Normalization.LOSS_PLUS, Weightings.mgda().normalization());
    }

    @Test
    void lossNormalizationNeedsPositiveLosses() {
        TaskGradients g = Grads.of(List.of("a", "b"), new double[][] {{2, 0}, {0, 1}}, new double[] {3, -0.5});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Weightings.mgda().combine(g, Grads.ctx(0)));
        assertEquals("mgda: normalization LOSS_PLUS needs positive losses, task 'b' has loss -0.5", e.getMessage());
    }

    @Test
    void twoTaskSolutionIsAlgorithmOne() {
        assertEquals(0.5, Mgda.twoTaskWeight(1, 0, 1), 0);
        assertEquals(1, Mgda.twoTaskWeight(2, 4, 8), 0);        // u·v ≥ u·u: u itself
        assertEquals(0, Mgda.twoTaskWeight(8, 4, 2), 0);        // u·v ≥ v·v: v itself
        assertEquals(0.5, Mgda.twoTaskWeight(3, 3, 3), 0);      // u = v: every γ, we take ½
    }
}
