package polyhead.mtl.weighting;

/**
 * IMTL-G: the gradient balance of impartial multi-task learning (Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang,
 * "Towards Impartial Multi-task Learning", ICLR 2021, Sec. 3.2 and Alg. 1).
 *
 * <p>The shared update d = Σ_t α_t g_t with Σ_t α_t = 1 is chosen so that it projects equally onto every task's unit
 * gradient u_t = g_t/‖g_t‖: d·u_t is the same for all t. The paper writes the closed form with differences to the
 * first task, α_{2..T} = g_1 Uᵀ(D Uᵀ)⁻¹ with D = [g_1 − g_t]ᵀ, U = [u_1 − u_t]ᵀ (t = 2…T), α_1 = 1 − Σ_{t≥2} α_t,
 * as LibMTL's {@code IMTL.py} implements it. Equivalently, with M = GGᵀ the Gram matrix of the gradients and
 * n_t = ‖g_t‖, the condition is M α = c·n, so
 * <pre>
 *   v = M⁺ n,    α = v / Σ_t v_t        (α = 0 when |Σ_t v_t| &lt; 1e-12),
 * </pre>
 * the form of TorchJD's {@code IMTLGWeighting} (Quinton &amp; Rey, "Jacobian Descent for Multi-Objective
 * Optimization", 2024), which generalizes the paper's to linearly dependent gradients through the pseudo-inverse M⁺.
 * We compute it this way, in double, with M⁺ from {@link SymmetricEigen} treating eigenvalues ≤ T·2⁻⁵²·λ_max as 0
 * (the default cutoff of {@code torch.linalg.pinv} in double). For independent gradients it equals the paper's
 * closed form; for dependent ones LibMTL's inverse fails (or gives NaN for a zero gradient) where this one returns a
 * finite d.
 *
 * <p>This is the gradient half only (IMTL-G); the loss-scale half is {@link ImtlL} and the hybrid {@link ImtlH}. Heads: {@link Combination#taskWeights()} = 1, as in the paper and LibMTL, where the
 * task-specific parameters follow their own (here unscaled) losses.
 *
 * <p>With T = 1, d = g. It reads the gradients only, so it works over the shared parameters and over the shared
 * representation alike (LibMTL sums the representation gradient over the batch first; we flatten it whole).
 */
public final class ImtlG extends GramWeighting {
    static final String NAME = "imtlG";

    ImtlG() {
        super(NAME);
    }

    @Override
    double[] taskWeights(double[][] gram) {
        return weights(gram);
    }

    /** α for gradients of Gram matrix {@code gram} (not modified): v = M⁺n normalized to sum 1, or 0. */
    public static double[] weights(double[][] gram) {
        int tasks = gram.length;
        double[] norms = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            norms[t] = Math.sqrt(Math.max(0, gram[t][t]));
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double cutoff = tasks * Math.ulp(1.0) * Math.max(0, eigen.values()[0]);
        double[] v = eigen.pseudoInverseTimes(norms, cutoff);
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double[] alpha = new double[tasks];
        if (Math.abs(sum) < 1e-12) {
            return alpha;
        }
        for (int t = 0; t < tasks; t++) {
            alpha[t] = v[t] / sum;
        }
        return alpha;
    }
}
