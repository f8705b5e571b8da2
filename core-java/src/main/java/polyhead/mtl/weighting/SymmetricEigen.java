package polyhead.mtl.weighting;

/**
 * The eigendecomposition M = V·diag(λ)·Vᵀ of a small symmetric matrix (a T×T Gram matrix of task gradients), by the
 * cyclic Jacobi method in double: rotations until every off-diagonal element is below 1e-300 or 1e-18 of its
 * diagonal pair, at most {@link #MAX_SWEEPS} sweeps. Jacobi is accurate to a few ulps of ‖M‖ for every
 * eigenvalue, which is what the rank decisions of IMTL-G and Aligned-MTL compare against.
 *
 * @param values  λ, in descending order
 * @param vectors {@code vectors[i][k]} = the i-th component of the eigenvector of {@code values[k]} (columns of V)
 */
record SymmetricEigen(double[] values, double[][] vectors) {
    static final int MAX_SWEEPS = 100;

    /** The decomposition of {@code m} (not modified; must be symmetric and finite). */
    static SymmetricEigen of(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && !diagonal(a); sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, v, p, q);
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * The pseudo-inverse times b: Σ_k (v_kᵀb / λ_k) v_k over the eigenvalues λ_k &gt; {@code cutoff}; the others are
     * treated as 0, as {@code torch.linalg.pinv} does below its cutoff.
     */
    double[] pseudoInverseTimes(double[] b, double cutoff) {
        int n = b.length;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            if (!(values[k] > cutoff)) {
                continue;
            }
            double c = 0;
            for (int i = 0; i < n; i++) {
                c += vectors[i][k] * b[i];
            }
            c /= values[k];
            for (int i = 0; i < n; i++) {
                x[i] += c * vectors[i][k];
            }
        }
        return x;
    }

    private static boolean diagonal(double[][] a) {
        for (int p = 0; p < a.length; p++) {
            for (int q = p + 1; q < a.length; q++) {
                if (!negligible(a, p, q)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean negligible(double[][] a, int p, int q) {
        double off = Math.abs(a[p][q]);
        return off < 1e-300 || off <= 1e-18 * (Math.abs(a[p][p]) + Math.abs(a[q][q]));
    }

    /** One Jacobi rotation zeroing a[p][q] (Golub &amp; Van Loan, Alg. 8.5.1, the stable choice of t). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        if (negligible(a, p, q)) {
            return;
        }
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
        a[p][q] = 0; // zero in exact arithmetic: keep the rounding residue from stalling the sweep
        a[q][p] = 0;
    }
}
