package polyhead.mtl.weighting;

/**
 * Aligned-MTL: independent component alignment (Senushkin, Patakin, Kuznetsov &amp; Konushin, "Independent Component
 * Alignment for Multi-Task Learning", CVPR 2023, Alg. 1 and eq. 9–10).
 *
 * <p>The task gradients G (T×P) are replaced by an aligned system whose components are orthogonal and of equal
 * magnitude, the smallest singular value of G: with M = GGᵀ = V diag(λ) Vᵀ (λ descending) and r the numerical rank,
 * <pre>
 *   B = √λ_r · V_r diag(λ_1…λ_r)^{-½} V_rᵀ,     α = B w,     d = Σ_t α_t g_t,
 * </pre>
 * V_r the eigenvectors of the r eigenvalues above λ_1·T·ε, ε = 2⁻²³ (the float32 epsilon: both LibMTL's
 * {@code Aligned_MTL.py} and TorchJD's {@code _aligned_mtl.py} take {@code torch.finfo().eps} of the default dtype).
 * The preference w is 1 for every task, as in the paper's Alg. 1 with unit task weights and in LibMTL
 * ({@code B.sum(0)}); TorchJD's default w = 1/T gives d/T. The scale is the smallest kept eigenvalue, the paper's
 * (TorchJD also offers the median and the mean). If every eigenvalue is below the cutoff (all gradients 0),
 * α = w, as TorchJD does (LibMTL fails there). Computed in double with {@link SymmetricEigen}.
 *
 * <p>Heads: {@link Combination#taskWeights()} = 1 (LibMTL backpropagates each task's own loss to its head). With
 * T = 1, d = g. It reads the gradients only, so it works over the shared parameters and over the shared
 * representation (the paper's Aligned-MTL-UB is the latter).
 */
public final class AlignedMtl extends GramWeighting {
    static final String NAME = "alignedMtl";

    AlignedMtl() {
        super(NAME);
    }

    @Override
    double[] taskWeights(double[][] gram) {
        return weights(gram);
    }

    /** α = B·1 for gradients of Gram matrix {@code gram} (not modified). */
    public static double[] weights(double[][] gram) {
        int tasks = gram.length;
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double[] lambda = eigen.values();
        double cutoff = Math.max(0, lambda[0]) * tasks * Math.ulp(1f);
        int rank = 0;
        while (rank < tasks && lambda[rank] > cutoff) {
            rank++;
        }
        double[] alpha = new double[tasks];
        if (rank == 0) {
            java.util.Arrays.fill(alpha, 1);
            return alpha;
        }
        double[][] v = eigen.vectors();
        double scale = Math.sqrt(lambda[rank - 1]);
        for (int k = 0; k < rank; k++) {
            // column k of V contributes √λ_r/√λ_k · v_k (v_k·1) to B·1
            double along = 0;
            for (int j = 0; j < tasks; j++) {
                along += v[j][k];
            }
            double c = scale / Math.sqrt(lambda[k]) * along;
            for (int i = 0; i < tasks; i++) {
                alpha[i] += c * v[i][k];
            }
        }
        return alpha;
    }
}
