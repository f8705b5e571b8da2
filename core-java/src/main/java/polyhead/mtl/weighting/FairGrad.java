package polyhead.mtl.weighting;

/**
 * FairGrad: α-fair allocation of the update among tasks (Ban &amp; Ji, "Fair Resource Allocation in Multi-Task
 * Learning", ICML 2024, Sec. 4; we could not check its equation numbers).
 *
 * <p>The update d = Σ_t w_t g_t maximizes the α-fair utility Σ_t (g_tᵀd)^{1−α}/(1−α) of the tasks' loss decreases
 * (Σ_t log g_tᵀd at α = 1) within a ball; its weights w &gt; 0 solve
 * <pre>
 *   GᵀG w = w^{−1/α}   (element-wise),   i.e.  g_tᵀ d = w_t^{−1/α}  for every task t,
 * </pre>
 * with G = [g_1 … g_T]. α = 1 is proportional fairness (Nash-MTL's system, {@link NashMtl}); α → ∞ approaches
 * max-min fairness. α is {@link #DEFAULT_ALPHA} (LibMTL's default) unless given.
 *
 * <p>Solver. LibMTL's {@code FairGrad.py} (commit 4336804) hands the system to scipy's {@code least_squares} with
 * bounds w ≥ 0 from w = 1/T; we solve it ourselves. These are the stationarity conditions of the strictly convex
 * <pre>
 *   min_{w &gt; 0}  f(w) = ½ wᵀMw + Σ_t h(w_t),   M = GᵀG,   h'(w) = −w^{−1/α}
 * </pre>
 * (h(w) = −log w at α = 1, −w^{1−1/α}/(1 − 1/α) otherwise), so we take Newton steps on f from the solution of the
 * diagonal system (w_t = M_tt^{−α/(1+α)}), halved until w stays positive and, while the Newton decrement λ² =
 * ∇fᵀ∇²f⁻¹∇f exceeds 1e-10, until f decreases by at least 1e-4·t·λ² (Armijo). It stops at λ²/2 ≤ 1e-20 on M divided
 * by max_t‖g_t‖² (w rescaled back by (max_t‖g_t‖²)^{−α/(1+α)}, so the rule does not depend on the gradients'
 * scale), or fails after {@link #MAX_ITERATIONS} steps. LibMTL's least_squares stops at a relative residual of
 * about 1e-7; ours is below 1e-10.
 *
 * <p>No w solves the system when a nonnegative combination of the gradients is 0 (0 in their convex hull, a
 * Pareto-stationary point, including a zero gradient): f is then unbounded below or does not attain its infimum.
 * As {@link NashMtl}, we then return d = 0 and heads weighted 1 (LibMTL returns whatever least_squares stops at).
 *
 * <p>Heads: {@link Combination#taskWeights()} = w, as LibMTL backpropagates Σ_t w_t L_t. Scale: multiplying every
 * g_t by s multiplies w by s^{−2α/(1+α)} and d by s^{(1−α)/(1+α)}. With T = 1, w = ‖g‖^{−2α/(1+α)}. LibMTL refuses
 * gradients of the shared representation; the method reads only the Gram matrix, so both sources work here.
 */
public final class FairGrad implements GramDeterminedWeighting {
    /** α = 1 (proportional fairness), LibMTL's default. */
    public static final double DEFAULT_ALPHA = 1;
    /** Newton steps before the solver gives up. */
    static final int MAX_ITERATIONS = 200;
    static final String NAME = "fairGrad";
    private static final double DECREMENT_TOLERANCE = 1e-20;
    private static final double ARMIJO_ABOVE = 1e-10;

    private final double alpha;

    FairGrad(double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException(NAME + ": alpha must be a finite number > 0, got " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        GradientRows.check(NAME, gram);
        return NashMtl.weightedOrZero(weights(gram.gram(), alpha), gram.taskCount());
    }

    /**
     * The w &gt; 0 with Mw = w^{−1/α} for the Gram matrix {@code gram} (not modified), or null if the gradients are
     * Pareto-stationary (see the class comment).
     *
     * @throws IllegalStateException if Newton's method has not converged after {@link #MAX_ITERATIONS} steps
     */
    public static double[] weights(double[][] gram, double alpha) {
        int tasks = gram.length;
        double[][] m = NashMtl.normalizedUnlessStationary(gram);
        if (m == null) {
            return null;
        }
        double scale = GradientRows.maxDiagonal(gram);
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            w[t] = Math.pow(m[t][t], -alpha / (1 + alpha)); // m[t][t] > 0: a zero gradient would put 0 in the hull
        }
        double lambdaSquared = Double.NaN;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] mw = GradientRows.times(m, w);
            double[] grad = new double[tasks];
            double[][] hessian = new double[tasks][tasks];
            for (int i = 0; i < tasks; i++) {
                grad[i] = mw[i] - Math.pow(w[i], -1 / alpha);
                System.arraycopy(m[i], 0, hessian[i], 0, tasks);
                hessian[i][i] += Math.pow(w[i], -1 / alpha - 1) / alpha;
            }
            double[] step = NashMtl.solvePositiveDefinite(hessian, grad);
            lambdaSquared = 0;
            for (int i = 0; i < tasks; i++) {
                lambdaSquared += grad[i] * step[i];
            }
            if (!Double.isFinite(lambdaSquared)) {
                throw new IllegalStateException(NAME + ": Newton's method broke down (Newton decrement squared "
                        + lambdaSquared + ")");
            }
            if (lambdaSquared / 2 <= DECREMENT_TOLERANCE) {
                double back = Math.pow(scale, -alpha / (1 + alpha));
                for (int t = 0; t < tasks; t++) {
                    w[t] *= back;
                }
                return w;
            }
            double t = 1;
            while (!positive(w, step, t)) {
                t /= 2;
            }
            if (lambdaSquared > ARMIJO_ABOVE) {
                double f0 = objective(m, w, alpha);
                for (int halvings = 0; halvings < 60
                        && objective(m, moved(w, step, t), alpha) > f0 - 1e-4 * t * lambdaSquared; halvings++) {
                    t /= 2;
                }
            }
            w = moved(w, step, t);
        }
        throw new IllegalStateException(NAME + ": Newton's method did not converge in " + MAX_ITERATIONS
                + " iterations (Newton decrement squared " + lambdaSquared + ")");
    }

    /** f(w) = ½ wᵀMw + Σ_t h(w_t). */
    private static double objective(double[][] m, double[] w, double alpha) {
        double f = GradientRows.form(m, w, w) / 2;
        for (double x : w) {
            f += alpha == 1 ? -Math.log(x) : -Math.pow(x, 1 - 1 / alpha) / (1 - 1 / alpha);
        }
        return f;
    }

    private static boolean positive(double[] w, double[] step, double t) {
        for (int i = 0; i < w.length; i++) {
            if (!(w[i] - t * step[i] > 0)) {
                return false;
            }
        }
        return true;
    }

    private static double[] moved(double[] w, double[] step, double t) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            r[i] = w[i] - t * step[i];
        }
        return r;
    }
}
