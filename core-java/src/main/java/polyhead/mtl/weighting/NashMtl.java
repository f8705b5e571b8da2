package polyhead.mtl.weighting;

/**
 * Nash-MTL: the Nash bargaining solution between tasks (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik &amp;
 * Fetaya, "Multi-Task Learning as a Bargaining Game", ICML 2022, Sec. 3).
 *
 * <p>The update d = Σ_t α_t g_t has weights α &gt; 0 solving (their Sec. 3, the bargaining solution)
 * <pre>
 *   GᵀG α = 1/α   (element-wise),   i.e.  g_tᵀ d = 1/α_t  for every task t,
 * </pre>
 * with G = [g_1 … g_T]. The paper approximates this with a sequence of convex problems solved by cvxpy (at
 * most 20 per step in the official code). We solve it exactly instead: these are the stationarity conditions of the strictly
 * convex problem
 * <pre>
 *   min_{α &gt; 0}  f(α) = ½ αᵀMα − Σ_t log α_t,     M = GᵀG,
 * </pre>
 * (∇f = Mα − 1/α), which has a unique minimizer whenever it is bounded below, i.e. whenever 0 is not in the convex
 * hull of the task gradients. f is self-concordant, so Newton's method with the damped step 1/(1 + λ) while the
 * Newton decrement λ = (∇fᵀ∇²f⁻¹∇f)^{1/2} ≥ ¼ and full steps after that stays in α &gt; 0 and converges globally and
 * then quadratically (Boyd &amp; Vandenberghe, Convex Optimization, Sec. 9.6). Stopping rule: λ²/2 ≤ 1e-20 (an
 * estimate of f(α) − f*), or {@code maxIterations} steps. M is first divided by max_t‖g_t‖² (and α rescaled back)
 * so that the rule does not depend on the gradients' scale.
 *
 * <p>The result does not depend on the gradients' scale: multiplying every g_t by s divides α by s and leaves d
 * unchanged. With T = 1, d = g/‖g‖ and α = 1/‖g‖.
 *
 * <p>Pareto-stationary points: if the minimum-norm point of the hull of the normalized gradients has norm ≤ 1e-6
 * (see {@link Mgda#minNormWeights}), no α solves the equations (no direction improves every task); we return
 * d = 0 and heads weighted 1.
 *
 * <p>Heads: {@link Combination#taskWeights()} = α, as the official code backpropagates Σ α_t L_t. Deviations from
 * the official code: the exact solution instead of ≤ 20 convex-concave steps; α recomputed every step (their
 * {@code update_weights_every} = 1, the default); no clipping of the shared gradient's norm (their
 * {@code max_norm = 1}) — use the optimizer's {@code clipByGlobalNorm} for that.
 */
public final class NashMtl implements GramDeterminedWeighting {
    public static final int DEFAULT_MAX_ITERATIONS = 1000;
    /** Newton's method stops when λ²/2 ≤ this. */
    static final double DECREMENT_TOLERANCE = 1e-20;
    /** ‖min-norm point‖² ≤ this (relative to max_t‖g_t‖²) counts as Pareto-stationary. */
    static final double STATIONARY = 1e-12;

    static final String NAME = "nashMtl";

    private final int maxIterations;

    NashMtl(int maxIterations) {
        if (maxIterations < 1) {
            throw new IllegalArgumentException(NAME + ": maxIterations must be >= 1, got " + maxIterations);
        }
        this.maxIterations = maxIterations;
    }

    /** The same strategy with another iteration limit for Newton's method. */
    public NashMtl withMaxIterations(int newMaxIterations) {
        return new NashMtl(newMaxIterations);
    }

    /** The iteration limit of Newton's method. */
    public int maxIterations() {
        return maxIterations;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        GradientRows.check(NAME, gram);
        return weightedOrZero(bargainingWeights(gram.gram(), maxIterations), gram.taskCount());
    }

    /**
     * The α &gt; 0 with Mα = 1/α for the Gram matrix {@code gram} (not modified), or null if the gradients are
     * Pareto-stationary (see the class comment).
     *
     * @throws IllegalStateException if Newton's method has not converged after {@code maxIterations} steps
     */
    public static double[] bargainingWeights(double[][] gram, int maxIterations) {
        int tasks = gram.length;
        double[][] m = normalizedUnlessStationary(gram);
        if (m == null) {
            return null;
        }
        double scale = GradientRows.maxDiagonal(gram);
        double[] alpha = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            alpha[t] = 1 / Math.sqrt(m[t][t]); // m[t][t] > 0: a zero gradient would put 0 in the hull
        }
        double decrement = Double.NaN;
        for (int it = 0; it < maxIterations; it++) {
            double[] mAlpha = GradientRows.times(m, alpha);
            double[] grad = new double[tasks];
            double[][] hessian = new double[tasks][tasks];
            for (int i = 0; i < tasks; i++) {
                grad[i] = mAlpha[i] - 1 / alpha[i];
                for (int j = 0; j < tasks; j++) {
                    hessian[i][j] = m[i][j];
                }
                hessian[i][i] += 1 / (alpha[i] * alpha[i]);
            }
            double[] step = solvePositiveDefinite(hessian, grad);
            double lambdaSquared = 0;
            for (int i = 0; i < tasks; i++) {
                lambdaSquared += grad[i] * step[i];
            }
            decrement = Math.sqrt(Math.max(0, lambdaSquared));
            if (lambdaSquared / 2 <= DECREMENT_TOLERANCE) {
                return rescale(alpha, scale);
            }
            double t = decrement >= 0.25 ? 1 / (1 + decrement) : 1;
            for (int i = 0; i < tasks; i++) {
                alpha[i] -= t * step[i];
            }
        }
        throw new IllegalStateException(NAME + ": Newton's method did not converge in " + maxIterations
                + " iterations (Newton decrement " + decrement + ")");
    }

    /**
     * {@code gram} divided by max_t‖g_t‖², or null if the gradients are Pareto-stationary: zero, or with a convex
     * combination of norm² ≤ {@link #STATIONARY} (relative), where no positive weights solve a bargaining or
     * α-fair system (Nash-MTL, {@link FairGrad}).
     */
    static double[][] normalizedUnlessStationary(double[][] gram) {
        int tasks = gram.length;
        double scale = GradientRows.maxDiagonal(gram);
        if (!(scale > 0)) {
            return null;
        }
        double[][] m = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < tasks; j++) {
                m[i][j] = gram[i][j] / scale;
            }
        }
        double[] hull = Mgda.minNormWeights(m, Mgda.DEFAULT_TOLERANCE, Mgda.DEFAULT_MAX_ITERATIONS);
        return GradientRows.form(m, hull, hull) <= STATIONARY ? null : m;
    }

    /** The combination for weights {@code w} (heads weighted w too), or d = 0 with heads 1 if w is null. */
    static GramCombination weightedOrZero(double[] w, int tasks) {
        if (w == null) {
            return GramCombination.headsWeightedOne(new double[tasks]);
        }
        return new GramCombination(w, w);
    }

    private static double[] rescale(double[] alpha, double scale) {
        double[] r = new double[alpha.length];
        for (int t = 0; t < r.length; t++) {
            r[t] = alpha[t] / Math.sqrt(scale);
        }
        return r;
    }

    /** Solves A x = b for a symmetric positive definite A (Cholesky); A is overwritten. */
    static double[] solvePositiveDefinite(double[][] a, double[] b) {
        int n = b.length;
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= a[j][k] * a[j][k];
            }
            if (!(d > 0)) {
                throw new IllegalStateException(NAME + ": Hessian is not positive definite (pivot " + d + ")");
            }
            a[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= a[i][k] * a[j][k];
                }
                a[i][j] = s / a[j][j];
            }
        }
        double[] x = b.clone();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                x[i] -= a[i][k] * x[k];
            }
            x[i] /= a[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            for (int k = i + 1; k < n; k++) {
                x[i] -= a[k][i] * x[k];
            }
            x[i] /= a[i][i];
        }
        return x;
    }
}
