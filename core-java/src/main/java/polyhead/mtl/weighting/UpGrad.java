package polyhead.mtl.weighting;

/**
 * UPGrad: unconflicting projection of gradients (Quinton &amp; Rey, "Jacobian Descent for Multi-Objective
 * Optimization", 2024, Sec. 3, eq. 3–4 and Prop. 1).
 *
 * <p>Each task gradient, weighted by the preference 1/T, is projected onto the dual cone of all task gradients (the
 * directions that conflict with none of them), and the projections are added. By Prop. 1 the projection of Gᵀu is
 * Gᵀv with v = argmin_{v ≥ u} vᵀ M v, M = GGᵀ, so with u_i = e_i/T:
 * <pre>
 *   M̃ = M / tr(M) + ε_reg·I        (M / tr(M) replaced by 0 when tr(M) &lt; ε_norm),
 *   v⁽ⁱ⁾ = argmin_{v ≥ e_i/T} vᵀ M̃ v,     α = Σ_i v⁽ⁱ⁾,     d = Σ_t α_t g_t.
 * </pre>
 * The normalization and regularization are those of TorchJD's {@code UPGradWeighting} (and LibMTL's
 * {@code UPGrad.py}), with its defaults {@link #DEFAULT_NORM_EPS} and {@link #DEFAULT_REG_EPS}: the trace scaling
 * makes the solve independent of the gradients' scale, and ε_reg keeps M̃ positive definite. TorchJD solves each
 * quadratic program with quadprog; we solve it exactly (to rounding) in double by the active-set method of Lawson
 * &amp; Hanson for bound constraints, on x = v − u ≥ 0 (min xᵀM̃x + 2(M̃u)ᵀx), each subsystem by the eigendecomposition
 * of its block of M̃. The reference comparison solves the same problems with cvxopt.
 *
 * <p>Heads: {@link Combination#taskWeights()} = 1 (TorchJD and LibMTL give task-specific parameters their own
 * gradients). With T = 1, d = g. It reads the gradients only, so it works over the shared parameters and over the
 * shared representation (LibMTL refuses the representation for UPGrad only because its code path does not build
 * the Gramian there; the mathematics is the same).
 */
public final class UpGrad extends GramWeighting {
    /** ε_norm = 1e-4, TorchJD's {@code norm_eps}. */
    public static final double DEFAULT_NORM_EPS = 1e-4;
    /** ε_reg = 1e-4, TorchJD's {@code reg_eps}. */
    public static final double DEFAULT_REG_EPS = 1e-4;

    static final String NAME = "upGrad";

    private final double normEps;
    private final double regEps;

    UpGrad(double normEps, double regEps) {
        super(NAME);
        if (!(normEps >= 0) || Double.isInfinite(normEps) || !(regEps > 0) || Double.isInfinite(regEps)) {
            throw new IllegalArgumentException(NAME + ": needs finite normEps >= 0 and regEps > 0, got normEps="
                    + normEps + ", regEps=" + regEps);
        }
        this.normEps = normEps;
        this.regEps = regEps;
    }

    public double normEps() {
        return normEps;
    }

    public double regEps() {
        return regEps;
    }

    @Override
    double[] taskWeights(double[][] gram) {
        return weights(gram, normEps, regEps);
    }

    /** α = Σ_i v⁽ⁱ⁾ for gradients of Gram matrix {@code gram} (not modified). */
    public static double[] weights(double[][] gram, double normEps, double regEps) {
        int tasks = gram.length;
        double trace = 0;
        for (int t = 0; t < tasks; t++) {
            trace += gram[t][t];
        }
        double[][] q = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < tasks; j++) {
                q[i][j] = trace < normEps ? 0 : gram[i][j] / trace;
            }
            q[i][i] += regEps;
        }
        double[] alpha = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            double[] u = new double[tasks];
            u[i] = 1.0 / tasks;
            double[] x = nonNegativeMinimum(q, GradientRows.times(q, u));
            for (int t = 0; t < tasks; t++) {
                alpha[t] += u[t] + x[t];
            }
        }
        return alpha;
    }

    /**
     * argmin_{x ≥ 0} ½xᵀQx + cᵀx for a positive definite Q, by Lawson &amp; Hanson's active-set method ("Solving Least
     * Squares Problems", 1974, Alg. NNLS, in its quadratic form): free one variable whose gradient is most negative,
     * solve for the free set, step back to feasibility when a free variable would turn negative; a gradient counts as
     * negative below −1e-13·max_i Q_ii.
     */
    static double[] nonNegativeMinimum(double[][] q, double[] c) {
        int n = c.length;
        boolean[] free = new boolean[n];
        double[] x = new double[n];
        double tol = 1e-13 * GradientRows.maxDiagonal(q);
        int limit = 10 * n + 10;
        for (int iteration = 0; ; iteration++) {
            if (iteration > limit) {
                throw notConverged(limit);
            }
            double[] grad = GradientRows.times(q, x);
            int enter = -1;
            for (int j = 0; j < n; j++) {
                grad[j] += c[j];
                if (!free[j] && grad[j] < -tol && (enter < 0 || grad[j] < grad[enter])) {
                    enter = j;
                }
            }
            if (enter < 0) {
                return x;
            }
            free[enter] = true;
            while (true) {
                double[] z = freeSolution(q, c, free);
                double step = 1;
                int blocker = -1;
                for (int j = 0; j < n; j++) {
                    if (free[j] && z[j] <= 0) {
                        double s = x[j] / (x[j] - z[j]);
                        if (s < step) {
                            step = s;
                            blocker = j;
                        }
                    }
                }
                if (blocker < 0) {
                    System.arraycopy(z, 0, x, 0, n);
                    break;
                }
                for (int j = 0; j < n; j++) {
                    x[j] += step * (z[j] - x[j]);
                    if (free[j] && (j == blocker || x[j] <= 0)) {
                        free[j] = false;
                        x[j] = 0;
                    }
                }
                if (++iteration > limit) {
                    throw notConverged(limit);
                }
            }
        }
    }

    private static IllegalStateException notConverged(int limit) {
        return new IllegalStateException(NAME + ": the dual-cone projection did not converge in " + limit
                + " active-set steps");
    }

    /** z with Q_FF z_F = −c_F on the free set F and z = 0 elsewhere. */
    private static double[] freeSolution(double[][] q, double[] c, boolean[] free) {
        int n = c.length;
        int[] index = new int[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (free[j]) {
                index[k++] = j;
            }
        }
        double[][] block = new double[k][k];
        double[] rhs = new double[k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                block[a][b] = q[index[a]][index[b]];
            }
            rhs[a] = -c[index[a]];
        }
        double[] sub = SymmetricEigen.of(block).pseudoInverseTimes(rhs, 0);
        double[] z = new double[n];
        for (int a = 0; a < k; a++) {
            z[index[a]] = sub[a];
        }
        return z;
    }
}
