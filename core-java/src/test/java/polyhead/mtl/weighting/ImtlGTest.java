package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** IMTL-G (Liu et al., ICLR 2021) on two-task cases worked out by hand. */
class ImtlGTest {
    private final ImtlG imtl = Weightings.imtlG();

    @Test
    void orthogonalGradientsOfDifferentLengths() {
        // g1 = (1,0), g2 = (0,2): M = diag(1, 4), n = (1, 2), v = M⁻¹n = (1, ½), α = v/1.5 = (⅔, ⅓).
        // d = (⅔, ⅔): d·u1 = ⅔ = d·u2, equal projections on both unit gradients
        Combination out = imtl.combine(Grads.of(new double[] {1, 0}, new double[] {0, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {2.0 / 3, 2.0 / 3}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
    }

    @Test
    void conflictingGradientsTheClosedFormOfThePaper() {
        // g1 = (1,0), g2 = (−1,1). Paper: D = g1 − g2 = (2,−1), U = u1 − u2 = (1 + 1/√2, −1/√2),
        // α2 = g1·U / (D·U) = (1 + 1/√2) / (2 + 2/√2 + 1/√2) = (1 + s)/(2 + 3s), s = 1/√2; α1 = 1 − α2.
        double s = 1 / Math.sqrt(2);
        double a2 = (1 + s) / (2 + 3 * s);
        double[] expected = {1 - 2 * a2, a2};
        Combination out = imtl.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 1}), Grads.ctx(0));
        Grads.assertVector(expected, out.shared(), 1e-7, "d");
        double[] d = Grads.toDouble(out.shared());
        assertEquals(d[0], (-d[0] + d[1]) * s, 1e-7, "d·u1 = d·u2");
    }

    @Test
    void torchJdsDocumentedExample() {
        // TorchJD's IMTLG documentation: J = [[−4, 1, 1], [6, 1, 1]] aggregates to (0.0767, 1, 1)
        Combination out = imtl.combine(Grads.of(new double[] {-4, 1, 1}, new double[] {6, 1, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.0767, 1, 1}, out.shared(), 5e-5, "d");
    }

    @Test
    void dependentGradientsUseThePseudoInverse() {
        // g2 = 2·g1: M = [[1,2],[2,4]] has rank 1 with eigenvector (1,2)/√5, λ = 5; n = (1, 2) lies along it, so
        // v = M⁺n = (1,2)·(5/5)/5 = (⅕, ⅖), α = (⅓, ⅔) and d = ⅓(1,0) + ⅔(2,0) = (5/3, 0): d·u = 5/3 for both.
        // The paper's inverse (D Uᵀ = (−1,0)·(0,0) = 0) is undefined here.
        Grads.assertVector(new double[] {1.0 / 3, 2.0 / 3}, ImtlG.weights(new double[][] {{1, 2}, {2, 4}}), 1e-12, "α");
        Combination out = imtl.combine(Grads.of(new double[] {1, 0}, new double[] {2, 0}), Grads.ctx(0));
        Grads.assertVector(new double[] {5.0 / 3, 0}, out.shared(), 1e-7, "d");
    }

    @Test
    void zeroGradientsGiveZero() {
        Combination out = imtl.combine(Grads.of(new double[] {0, 0}, new double[] {0, 0}), Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0}, out.shared(), 0, "d");
    }
}
