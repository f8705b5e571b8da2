package polyhead.mtl.weighting;

/**
 * MGDA: the multiple-gradient descent algorithm as Sener &amp; Koltun apply it to multi-task learning ("Multi-Task
 * Learning as Multi-Objective Optimization", NeurIPS 2018).
 *
 * <p>The update is the minimum-norm point of the convex hull of the task gradients (their Sec. 3.1):
 * <pre>
 *   α* = argmin_{α ∈ Δ_T} ‖Σ_t α_t ĝ_t‖²,    d = Σ_t α*_t g_t,
 * </pre>
 * where Δ_T is the probability simplex and ĝ_t = g_t / n_t are the gradients divided by a normalizer n_t. d is a
 * common descent direction (d·g_t ≥ ‖d‖² &gt; 0 for every t, when normalization is NONE) unless it is 0, at a
 * Pareto-stationary point.
 *
 * <p>Solver: for two tasks the exact line-segment solution (their Alg. 1),
 * γ = clip[0,1]((ĝ_2 − ĝ_1)·ĝ_2 / ‖ĝ_1 − ĝ_2‖²), α = (γ, 1 − γ). For T ≥ 3, Frank-Wolfe from α = 1/T with the
 * same exact line search (their Alg. 2), extended with away steps so that it converges linearly
 * ({@link SimplexFrankWolfe}); it stops when the duality gap, which bounds ‖Gα‖² − ‖Gα*‖², falls to
 * {@code tolerance}·max_t‖ĝ_t‖², or after {@code maxIterations} iterations. Everything is in double, on the T×T
 * Gram matrix.
 *
 * <p>Normalization (not part of the paper; their public code, {@code min_norm_solvers.gradient_normalizers}):
 * NONE n_t = 1; L2 n_t = ‖g_t‖; LOSS n_t = L_t; LOSS_PLUS n_t = L_t·‖g_t‖. The public code's example configuration
 * ({@code sample.json}) uses "loss+", hence our {@link #DEFAULT_NORMALIZATION}. LOSS and LOSS_PLUS need
 * positive losses. As in that code, α is found on the normalized gradients but d combines the raw gradients (they
 * backpropagate Σ α_t L_t); LibMTL instead combines the normalized gradients.
 *
 * <p>Heads: {@link Combination#taskWeights()} = α, as their code's backward of Σ α_t L_t gives each head α_t times
 * its gradient. With T = 1, d = g and α = (1).
 *
 * <p>Deviations from their code: the exact 2-task solution (theirs clips γ to [0.001, 0.999]); away steps and a
 * duality-gap stopping rule instead of 250 plain steps stopping when Σ|Δα| &lt; 1e-5.
 */
public final class Mgda implements GramDeterminedWeighting {
    /** Gradient normalizers n_t, as named in Sener &amp; Koltun's public code. */
    public enum Normalization {
        /** n_t = 1 ('none'). */
        NONE,
        /** n_t = ‖g_t‖ ('l2'). */
        L2,
        /** n_t = L_t ('loss'). */
        LOSS,
        /** n_t = L_t·‖g_t‖ ('loss+'). */
        LOSS_PLUS
    }

    /** 'loss+', as in the example configuration of Sener &amp; Koltun's public code. */
    public static final Normalization DEFAULT_NORMALIZATION = Normalization.LOSS_PLUS;
    /** Stop when the Frank-Wolfe gap ≤ 1e-13·max_t‖ĝ_t‖² (so ‖d − d*‖ ≲ 3e-7·max_t‖ĝ_t‖). */
    public static final double DEFAULT_TOLERANCE = 1e-13;
    public static final int DEFAULT_MAX_ITERATIONS = 1000;

    static final String NAME = "mgda";

    private final Normalization normalization;
    private final SolverLimits solver;

    Mgda(Normalization normalization, double tolerance, int maxIterations) {
        if (normalization == null) {
            throw new IllegalArgumentException(NAME + ": normalization is null");
        }
        this.normalization = normalization;
        this.solver = SolverLimits.of(NAME, tolerance, maxIterations);
    }

    /** The same strategy with another solver tolerance (relative to max_t‖ĝ_t‖²) and iteration limit. */
    public Mgda withSolver(double newTolerance, int newMaxIterations) {
        return new Mgda(normalization, newTolerance, newMaxIterations);
    }

    /** The solver's stopping tolerance. */
    public double tolerance() {
        return solver.tolerance();
    }

    /** The solver's iteration limit. */
    public int maxIterations() {
        return solver.maxIterations();
    }

    public Normalization normalization() {
        return normalization;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GramCombination combineGram(TaskGram gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        GradientRows.checkLosses(NAME, gradients);
        double[][] m = gradients.gram();
        double[] n = normalizers(gradients, m);
        int tasks = m.length;
        double[][] normalized = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < tasks; j++) {
                normalized[i][j] = m[i][j] / (n[i] * n[j]);
            }
        }
        double[] alpha = minNormWeights(normalized, solver.tolerance(), solver.maxIterations());
        return new GramCombination(alpha, alpha);
    }

    private double[] normalizers(TaskGram gradients, double[][] m) {
        double[] n = new double[m.length];
        for (int t = 0; t < n.length; t++) {
            double loss = gradients.losses()[t];
            if ((normalization == Normalization.LOSS || normalization == Normalization.LOSS_PLUS) && !(loss > 0)) {
                throw new IllegalArgumentException(NAME + ": normalization " + normalization + " needs positive losses, "
                        + "task '" + gradients.tasks().get(t) + "' has loss " + loss);
            }
            double norm = Math.sqrt(m[t][t]);
            n[t] = switch (normalization) {
                case NONE -> 1;
                case L2 -> norm;
                case LOSS -> loss;
                case LOSS_PLUS -> loss * norm;
            };
            if (n[t] == 0) {
                n[t] = 1; // a zero gradient stays zero whatever it is divided by
            }
        }
        return n;
    }

    /**
     * The weights α ∈ Δ_T of the minimum-norm point Σ α_t g_t of the convex hull of vectors with Gram matrix
     * {@code gram} (not modified): exact for T ≤ 2, Frank-Wolfe with away steps for T ≥ 3 (see the class comment).
     *
     * @param tolerance stop when the duality gap ≤ tolerance·max_t gram[t][t]
     */
    public static double[] minNormWeights(double[][] gram, double tolerance, int maxIterations) {
        int tasks = gram.length;
        if (tasks == 1) {
            return new double[] {1};
        }
        double scale = GradientRows.maxDiagonal(gram);
        if (scale == 0) {
            return GradientRows.uniform(tasks); // every gradient is 0: any α gives d = 0
        }
        if (tasks == 2) {
            double gamma = twoTaskWeight(gram[0][0], gram[0][1], gram[1][1]);
            return new double[] {gamma, 1 - gamma};
        }
        return SimplexFrankWolfe.minimize(new SquaredNorm(gram), GradientRows.uniform(tasks), tolerance * scale, maxIterations);
    }

    /**
     * Sener &amp; Koltun's Alg. 1: the γ ∈ [0, 1] minimizing ‖γ u + (1 − γ) v‖², from uu = u·u, uv = u·v, vv = v·v:
     * γ = (vv − uv) / (uu + vv − 2uv) clipped to [0, 1]; ½ when u = v (every γ is optimal).
     */
    static double twoTaskWeight(double uu, double uv, double vv) {
        double denominator = uu + vv - 2 * uv;
        if (!(denominator > 0)) {
            return 0.5;
        }
        return Math.min(1, Math.max(0, (vv - uv) / denominator));
    }

    /** f(α) = αᵀMα: gradient 2Mα, exact line search of a quadratic. */
    private record SquaredNorm(double[][] m) implements SimplexFrankWolfe.Objective {
        @Override
        public double[] gradient(double[] w) {
            double[] g = GradientRows.times(m, w);
            for (int i = 0; i < g.length; i++) {
                g[i] *= 2;
            }
            return g;
        }

        @Override
        public double lineSearch(double[] w, double[] dir, double maxStep) {
            double slope = GradientRows.form(m, dir, w);
            double curvature = GradientRows.form(m, dir, dir);
            if (!(curvature > 0)) {
                return slope < 0 ? maxStep : 0;
            }
            return Math.min(maxStep, Math.max(0, -slope / curvature));
        }
    }
}
