package polyhead.mtl.weighting;

/**
 * Minimizes a convex function over the probability simplex Δ = {w ≥ 0, Σ w = 1} by Frank-Wolfe with away steps
 * (Lacoste-Julien &amp; Jaggi, "On the Global Linear Convergence of Frank-Wolfe Optimization Variants", NeurIPS 2015,
 * Alg. 1) and an exact line search supplied by the objective.
 *
 * <p>Each iteration compares the Frank-Wolfe vertex s = argmin_i ∇f_i (move toward it) with the away vertex
 * v = argmax_{i: w_i > 0} ∇f_i (move mass away from it) and takes the direction with the larger gap. Plain
 * Frank-Wolfe — what Sener &amp; Koltun's Alg. 2 is — converges as O(1/k) when the optimum lies inside a face, too
 * slowly to reach 1e-6 accuracy in a few hundred steps; the away steps make the rate linear on polytopes.
 *
 * <p>Stopping rule: the Frank-Wolfe duality gap g(w) = ∇f(w)ᵀ(w − e_s) bounds f(w) − f* from above for convex f;
 * iteration stops when g(w) ≤ {@code tolerance}, when the line search makes no progress, or after
 * {@code maxIterations} steps (the current iterate is returned).
 */
final class SimplexFrankWolfe {
    private SimplexFrankWolfe() {
    }

    /** The objective: its gradient and the exact minimizer of f(w + γ·dir) over γ ∈ [0, maxStep]. */
    interface Objective {
        /** ∇f(w), or null if f is not differentiable at w (the solver then stops there). */
        double[] gradient(double[] w);

        double lineSearch(double[] w, double[] dir, double maxStep);
    }

    static double[] minimize(Objective f, double[] start, double tolerance, int maxIterations) {
        int n = start.length;
        double[] w = start.clone();
        double[] dir = new double[n];
        for (int it = 0; it < maxIterations; it++) {
            double[] grad = f.gradient(w);
            if (grad == null) {
                break;
            }
            int s = 0;
            int v = -1;
            double gw = 0;
            for (int i = 0; i < n; i++) {
                gw += w[i] * grad[i];
                if (grad[i] < grad[s]) {
                    s = i;
                }
                if (w[i] > 0 && (v < 0 || grad[i] > grad[v])) {
                    v = i;
                }
            }
            double gapFw = gw - grad[s];
            if (gapFw <= tolerance) {
                break;
            }
            double gapAway = grad[v] - gw;
            double maxStep;
            boolean away = gapAway > gapFw && w[v] < 1;
            if (away) {
                for (int i = 0; i < n; i++) {
                    dir[i] = w[i];
                }
                dir[v] -= 1;
                maxStep = w[v] / (1 - w[v]);
            } else {
                for (int i = 0; i < n; i++) {
                    dir[i] = -w[i];
                }
                dir[s] += 1;
                maxStep = 1;
            }
            double gamma = f.lineSearch(w, dir, maxStep);
            if (!(gamma > 0)) {
                break;
            }
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(0, w[i] + gamma * dir[i]);
            }
            if (away && gamma >= maxStep) {
                w[v] = 0; // a drop step removes the away vertex exactly
            }
            normalize(w);
        }
        return w;
    }

    /** Rescales w ≥ 0 to sum 1, removing the rounding drift of many small steps. */
    private static void normalize(double[] w) {
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
    }
}
