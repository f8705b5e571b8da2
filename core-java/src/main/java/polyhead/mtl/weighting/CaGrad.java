package polyhead.mtl.weighting;

/**
 * CAGrad: conflict-averse gradient descent (Liu, Liu, Jin, Stone &amp; Liu, "Conflict-Averse Gradient Descent for
 * Multi-task Learning", NeurIPS 2021, Sec. 3).
 *
 * <p>With g_0 = (1/T) Σ_t g_t the average gradient and c ≥ 0, CAGrad looks for the update that maximizes the worst
 * task's local improvement within a ball around g_0: max_d min_t g_tᵀd subject to ‖d − g_0‖ ≤ c‖g_0‖. Its
 * Lagrangian dual (with φ = c²‖g_0‖² and g_w = Σ_t w_t g_t) is
 * <pre>
 *   w* = argmin_{w ∈ Δ_T} F(w),   F(w) = g_wᵀ g_0 + √φ ‖g_w‖,
 *   d  = (g_0 + (√φ / ‖g_w*‖) g_w*) / (1 + c²).
 * </pre>
 * (The task statement we were given says "maximize F"; the paper and the official code minimize it.) The division by
 * 1 + c² is the official code's {@code rescale=1} (its NYUv2 trainer then multiplies by T "to match the sum loss";
 * we do not). With T = 1, d = g·(1 + c)/(1 + c²) (1.2·g at c = 0.5). With c = 0,
 * d = g_0.
 *
 * <p>Solver: the official code solves the inner problem with scipy's SLSQP (and its toy with a bounded scalar
 * search). F is convex on the simplex (a linear term plus a norm of a linear map), and along a line it has the form
 * a + bγ + k√(p + 2qγ + rγ²), whose minimizer has a closed form (see {@link #lineMinimum}). For T = 2 the
 * minimum over the edge w = (γ, 1 − γ) is that closed form, exact. For T ≥ 3 we run Frank-Wolfe with away steps
 * from w = 1/T with this exact line search ({@link SimplexFrankWolfe}), stopping when the duality gap, which bounds
 * F(w) − F(w*), is ≤ {@code tolerance}·max_t‖g_t‖², or after {@code maxIterations} iterations.
 *
 * <p>Degenerate cases, where the official code's 1e-8 guards decide: g_0 = 0 gives d = 0; if the optimum has
 * g_w* = 0 (the hull contains 0 and F is not differentiable there) the solver stops at that point and d = g_0/(1+c²).
 * We add no epsilons otherwise.
 *
 * <p>Heads: {@link Combination#taskWeights()} = 1, as the official trainer backpropagates the plain sum of losses to
 * the task-specific parameters.
 */
public final class CaGrad implements GramDeterminedWeighting {
    /** c = 0.5, the value of the paper's toy example and of its NYUv2/Cityscapes experiments. */
    public static final double DEFAULT_C = 0.5;
    /** Stop when the Frank-Wolfe gap ≤ 1e-13·max_t‖g_t‖². */
    public static final double DEFAULT_TOLERANCE = 1e-13;
    public static final int DEFAULT_MAX_ITERATIONS = 1000;

    static final String NAME = "caGrad";

    private final double c;
    private final SolverLimits solver;

    CaGrad(double c, double tolerance, int maxIterations) {
        if (!(c >= 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException(NAME + ": c must be finite and >= 0, got " + c);
        }
        this.c = c;
        this.solver = SolverLimits.of(NAME, tolerance, maxIterations);
    }

    /** The same strategy with another solver tolerance (relative to max_t‖g_t‖²) and iteration limit. */
    public CaGrad withSolver(double newTolerance, int newMaxIterations) {
        return new CaGrad(c, newTolerance, newMaxIterations);
    }

    /** The solver's stopping tolerance. */
    public double tolerance() {
        return solver.tolerance();
    }

    /** The solver's iteration limit. */
    public int maxIterations() {
        return solver.maxIterations();
    }

    public double c() {
        return c;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        GradientRows.check(NAME, gram);
        return GramCombination.headsWeightedOne(directionCoefficients(gram.gram(), c, solver.tolerance(),
                solver.maxIterations()));
    }

    /**
     * The coefficients a with d = Σ_t a_t g_t for gradients of Gram matrix {@code gram} (not modified):
     * a_t = (1/T + (√φ/‖g_w*‖) w*_t) / (1 + c²).
     */
    public static double[] directionCoefficients(double[][] gram, double c, double tolerance, int maxIterations) {
        int tasks = gram.length;
        double[] mean = GradientRows.uniform(tasks);
        double g0Squared = GradientRows.form(gram, mean, mean);
        double[] a = new double[tasks];
        if (!(g0Squared > 0)) {
            return a; // g_0 = 0, so √φ = 0 and d = 0
        }
        double k = c * Math.sqrt(g0Squared);
        double[] w = weights(gram, c, tolerance, maxIterations);
        double gwNorm = Math.sqrt(Math.max(0, GradientRows.form(gram, w, w)));
        double lambda = gwNorm > 0 ? k / gwNorm : 0;
        for (int t = 0; t < tasks; t++) {
            a[t] = (mean[t] + lambda * w[t]) / (1 + c * c);
        }
        return a;
    }

    /** w* = argmin over the simplex of F(w) = g_wᵀg_0 + c‖g_0‖‖g_w‖, for gradients of Gram matrix {@code gram}. */
    public static double[] weights(double[][] gram, double c, double tolerance, int maxIterations) {
        int tasks = gram.length;
        if (tasks == 1) {
            return new double[] {1};
        }
        Objective f = new Objective(gram, c);
        if (tasks == 2) {
            double[] start = {0, 1};
            double gamma = f.lineSearch(start, new double[] {1, -1}, 1);
            return new double[] {gamma, 1 - gamma};
        }
        return SimplexFrankWolfe.minimize(f, GradientRows.uniform(tasks), tolerance * GradientRows.maxDiagonal(gram), maxIterations);
    }

    /**
     * argmin over γ ∈ [0, maxStep] of h(γ) = bγ + k√(p + 2qγ + rγ²) (k ≥ 0, p ≥ 0, r ≥ 0, q² ≤ pr), a convex
     * function. With s = q + rγ and D = pr − q² ≥ 0, p + 2qγ + rγ² = (s² + D)/r, so h'(γ) = b + k·s√r/√(s² + D)
     * and h' = 0 at s = κ√D/√(r − κ²), κ = −b/k, when |κ| &lt; √r; otherwise h is monotone.
     */
    static double lineMinimum(double b, double k, double p, double q, double r, double maxStep) {
        double gamma;
        if (!(r > 0) || k == 0) {
            gamma = b < 0 ? maxStep : 0; // h is linear in γ
        } else {
            double kappa = -b / k;
            double sqrtR = Math.sqrt(r);
            if (kappa >= sqrtR) {
                gamma = maxStep;
            } else if (kappa <= -sqrtR) {
                gamma = 0;
            } else {
                double d = Math.max(0, p * r - q * q);
                double s = kappa * Math.sqrt(d) / Math.sqrt(r - kappa * kappa);
                gamma = (s - q) / r;
            }
        }
        return Math.min(maxStep, Math.max(0, gamma));
    }

    /** F(w) = g_wᵀg_0 + k‖g_w‖ with g_0 = G·1/T and k = c‖g_0‖, through the Gram matrix. */
    private static final class Objective implements SimplexFrankWolfe.Objective {
        private final double[][] m;
        private final double[] mg0; // M·(1/T) = (g_t·g_0)_t
        private final double k;

        Objective(double[][] m, double c) {
            this.m = m;
            double[] mean = GradientRows.uniform(m.length);
            this.mg0 = GradientRows.times(m, mean);
            this.k = c * Math.sqrt(Math.max(0, GradientRows.form(m, mean, mean)));
        }

        @Override
        public double[] gradient(double[] w) {
            double[] mw = GradientRows.times(m, w);
            double p = 0;
            for (int i = 0; i < w.length; i++) {
                p += w[i] * mw[i];
            }
            if (!(p > 0)) {
                return null; // g_w = 0: F is not differentiable here, and this is the minimum along the last line
            }
            double scale = k / Math.sqrt(p);
            double[] g = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                g[i] = mg0[i] + scale * mw[i];
            }
            return g;
        }

        @Override
        public double lineSearch(double[] w, double[] dir, double maxStep) {
            double b = 0;
            for (int i = 0; i < dir.length; i++) {
                b += dir[i] * mg0[i];
            }
            double p = Math.max(0, GradientRows.form(m, w, w));
            double q = GradientRows.form(m, w, dir);
            double r = Math.max(0, GradientRows.form(m, dir, dir));
            return lineMinimum(b, k, p, q, r, maxStep);
        }
    }
}
