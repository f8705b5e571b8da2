package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** PCGrad (Yu et al., 2020, Alg. 1) on two- and three-task cases worked out by hand. */
class PcGradTest {
    private final PcGrad pcGrad = Weightings.pcGrad();

    @Test
    void orthogonalGradientsDoNotConflictAndAreSummed() {
        // g1·g2 = 0, not < 0: nothing is projected; d = g1 + g2
        Combination out = pcGrad.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
    }

    @Test
    void alignedGradientsAreSummed() {
        Combination out = pcGrad.combine(Grads.of(new double[] {1, 1}, new double[] {2, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {3, 3}, out.shared(), 1e-7, "d");
    }

    @Test
    void conflictingGradientsAreProjectedOntoEachOthersNormalPlane() {
        // g1 = (1, 0), g2 = (−1, 0.5): g1·g2 = −1 < 0, ‖g1‖² = 1, ‖g2‖² = 1.25
        // g1' = g1 − (−1/1.25) g2 = (1, 0) + 0.8·(−1, 0.5) = (0.2, 0.4)     (g1'·g2 = −0.2 + 0.2 = 0)
        // g2' = g2 − (−1/1) g1    = (−1, 0.5) + (1, 0)     = (0, 0.5)       (g2'·g1 = 0)
        // d = g1' + g2' = (0.2, 0.9)
        Combination out = pcGrad.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.2, 0.9}, out.shared(), 1e-7, "d");
    }

    @Test
    void twoTasksDrawNoRandomNumbers() {
        Random used = new Random(3);
        pcGrad.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}),
                new WeightingContext(0, 0, used));
        assertEquals(new Random(3).nextLong(), used.nextLong());
    }

    @Test
    void threeTasksProjectInARandomOrderPerTask() {
        // g1 = (1, 0), g2 = (−1, 1), g3 = (−1, −1); g1·g2 = g1·g3 = −1, g2·g3 = 0, ‖g1‖² = 1, ‖g2‖² = ‖g3‖² = 2.
        // task 1, order (2, 3): (1,0) + ½(−1,1) = (½,½); ·g3 = −1 → + ½(−1,−1) = (0, 0)
        //         order (3, 2): (1,0) + ½(−1,−1) = (½,−½); ·g2 = −1 → + ½(−1,1) = (0, 0)
        // task 2, order (1, 3): (−1,1) + (1,0) = (0, 1); ·g3 = −1 → + ½(−1,−1) = (−½, ½)
        //         order (3, 1): ·g3 = 0, kept; ·g1 = −1 → (0, 1)
        // task 3, order (1, 2): (−1,−1) + (1,0) = (0,−1); ·g2 = −1 → + ½(−1,1) = (−½,−½)
        //         order (2, 1): ·g2 = 0, kept; ·g1 = −1 → (0,−1)
        // d = (0,0) + {(−½,½) | (0,1)} + {(−½,−½) | (0,−1)} ∈ {(−1,0), (−½,−½), (−½,½), (0,0)}
        Set<List<Float>> possible = Set.of(List.of(-1f, 0f), List.of(-0.5f, -0.5f), List.of(-0.5f, 0.5f),
                List.of(0f, 0f));
        TaskGradients g = Grads.of(new double[] {1, 0}, new double[] {-1, 1}, new double[] {-1, -1});
        Set<List<Float>> seen = new HashSet<>();
        for (long seed = 0; seed < 64; seed++) {
            float[] d = pcGrad.combine(g, Grads.ctx(seed)).shared();
            List<Float> v = List.of(d[0] + 0f, d[1] + 0f); // + 0f turns −0 into 0
            assertTrue(possible.contains(v), "seed " + seed + ": " + v);
            seen.add(v);
            assertEquals(v.toString(), toList(pcGrad.combine(g, Grads.ctx(seed)).shared()).toString(),
                    "the same seed gives the same order");
        }
        assertEquals(possible, seen, "every order occurs");
    }

    @Test
    void threeTasksNeedTheGenerator() {
        TaskGradients g = Grads.of(new double[] {1, 0}, new double[] {-1, 1}, new double[] {-1, -1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pcGrad.combine(g, new WeightingContext(0, 0, null)));
        assertTrue(e.getMessage().startsWith("pcGrad: needs ctx.rng()"), e.getMessage());
    }

    private static List<Float> toList(float[] d) {
        Float[] r = new Float[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = d[i] + 0f;
        }
        return Arrays.asList(r);
    }
}
