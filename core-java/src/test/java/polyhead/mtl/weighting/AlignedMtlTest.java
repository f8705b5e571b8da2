package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Aligned-MTL (Senushkin et al., CVPR 2023) on two-task cases worked out by hand. */
class AlignedMtlTest {
    private final AlignedMtl aligned = Weightings.alignedMtl();

    @Test
    void orthogonalGradientsAreScaledToTheSmallest() {
        // g1 = (1,0), g2 = (0,2): M = diag(1, 4), λ = (4, 1) with V = (e2, e1); λ_min = 1.
        // B = √1·(e2 e2ᵀ/2 + e1 e1ᵀ/1) = diag(1, ½); α = B·1 = (1, ½); d = (1,0) + ½(0,2) = (1, 1)
        Combination out = aligned.combine(Grads.of(new double[] {1, 0}, new double[] {0, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
    }

    @Test
    void conflictingGradientsBecomeOrthogonalComponentsOfEqualSize() {
        // g1 = (1,0), g2 = (−1,1): M = [[1,−1],[−1,2]], λ = (3 ± √5)/2. B = √λ₂·M^{-½}, so the aligned system
        // G̃ = BG satisfies G̃G̃ᵀ = λ₂·M^{-½} M M^{-½} = λ₂·I: orthogonal rows, each of norm √λ₂, so
        // ‖d‖² = ‖g̃1 + g̃2‖² = αᵀMα = 2λ₂.
        double lambda2 = (3 - Math.sqrt(5)) / 2;
        double[][] m = {{1, -1}, {-1, 2}};
        double[] alpha = AlignedMtl.weights(m);
        assertEquals(2 * lambda2, GradientRows.form(m, alpha, alpha), 1e-12, "‖d‖² = T·λ_min");
        // and by hand: for a 2×2 M, √M = (M + √det·I)/√(tr M + 2√det); det = 1, tr = 3: √M = [[2,−1],[−1,3]]/√5,
        // M^{-½} = (√M)⁻¹ = [[3,1],[1,2]]/√5, α = √λ₂·M^{-½}·1 = √λ₂·(4, 3)/√5
        double c = Math.sqrt(lambda2) / Math.sqrt(5);
        Grads.assertVector(new double[] {4 * c, 3 * c}, alpha, 1e-12, "α");
    }

    @Test
    void dependentGradientsKeepTheirRank() {
        // g2 = 2·g1: M = [[1,2],[2,4]], rank 1, v = (1,2)/√5, λ = 5. B = √5·vvᵀ/√5 = vvᵀ = [[1,2],[2,4]]/5,
        // α = B·1 = (⅗, 6/5), d = ⅗(1,0) + 6/5·(2,0) = (3, 0)
        Combination out = aligned.combine(Grads.of(new double[] {1, 0}, new double[] {2, 0}), Grads.ctx(0));
        Grads.assertVector(new double[] {3, 0}, out.shared(), 1e-6, "d");
    }

    @Test
    void zeroGradientsGiveTheirSum() {
        // rank 0: B = I as in TorchJD, α = 1
        Grads.assertVector(new double[] {1, 1}, AlignedMtl.weights(new double[][] {{0, 0}, {0, 0}}), 0, "α");
    }
}
