package polyhead.mtl.weighting;

/**
 * The two-objective toy problem of the CAGrad paper's public code (Liu et al., NeurIPS 2021; repository
 * Cranial-XIX/CAGrad, {@code toy.py}), re-derived here in double with analytic gradients.
 *
 * <p>With x = (x1, x2), LOWER = 5e-6, t = tanh:
 * <pre>
 *   h1 = log max(|−½x1 − 3.5 + t(x2)|, LOWER) + 6        (their 0.5(−x1 − 7) − tanh(−x2))
 *   h2 = log max(|−½x1 + 3.5 − t(x2)|, LOWER) + 6        (their 0.5(−x1 + 3) + tanh(−x2) + 2)
 *   q1 = ((x1 − 7)² + 0.1(x2 + 8)²)/10 − 20,   q2 = ((x1 + 7)² + 0.1(x2 + 8)²)/10 − 20
 *   c1 = max(t(x2/2), 0),   c2 = max(t(−x2/2), 0)
 *   L1 = c1·h1 + c2·q1,     L2 = c1·h2 + c2·q2
 * </pre>
 * The Pareto set is the segment x1 ∈ [−7, 7] near x2 ≈ −8.36 (the paper's gray bar at x2 = −8.3552), and the
 * average loss ½(L1 + L2) is least at x1 = 0 on it. Published initial points: (−8.5, 7.5), (−8.5, −5), (9, 9).
 */
final class CaGradToy {
    static final double LOWER = 5e-6;
    static final double[][] INITIAL_POINTS = {{-8.5, 7.5}, {-8.5, -5}, {9, 9}};

    private CaGradToy() {
    }

    static double[] losses(double x1, double x2) {
        double t = Math.tanh(x2);
        double c1 = Math.max(Math.tanh(x2 / 2), 0);
        double c2 = Math.max(Math.tanh(-x2 / 2), 0);
        double h1 = Math.log(Math.max(Math.abs(-0.5 * x1 - 3.5 + t), LOWER)) + 6;
        double h2 = Math.log(Math.max(Math.abs(-0.5 * x1 + 3.5 - t), LOWER)) + 6;
        double q1 = ((x1 - 7) * (x1 - 7) + 0.1 * (x2 + 8) * (x2 + 8)) / 10 - 20;
        double q2 = ((x1 + 7) * (x1 + 7) + 0.1 * (x2 + 8) * (x2 + 8)) / 10 - 20;
        return new double[] {c1 * h1 + c2 * q1, c1 * h2 + c2 * q2};
    }

    /** {{∂L1/∂x1, ∂L1/∂x2}, {∂L2/∂x1, ∂L2/∂x2}}, by the chain rule (checked by finite differences in the test). */
    static double[][] gradients(double x1, double x2) {
        double t = Math.tanh(x2);
        double dt = 1 - t * t;                       // tanh' = 1 − tanh²
        double half = Math.tanh(x2 / 2);
        double dHalf = 0.5 * (1 - half * half);      // d/dx2 tanh(x2/2)
        double c1 = Math.max(half, 0);
        double dc1 = half > 0 ? dHalf : 0;
        double c2 = Math.max(-half, 0);
        double dc2 = -half > 0 ? -dHalf : 0;
        double u1 = -0.5 * x1 - 3.5 + t;             // ∂u1 = (−½, tanh')
        double u2 = -0.5 * x1 + 3.5 - t;             // ∂u2 = (−½, −tanh')
        double h1 = Math.log(Math.max(Math.abs(u1), LOWER)) + 6;
        double h2 = Math.log(Math.max(Math.abs(u2), LOWER)) + 6;
        double dh1 = Math.abs(u1) > LOWER ? 1 / u1 : 0; // d/du log|u| = 1/u; 0 where clamped
        double dh2 = Math.abs(u2) > LOWER ? 1 / u2 : 0;
        double q1 = ((x1 - 7) * (x1 - 7) + 0.1 * (x2 + 8) * (x2 + 8)) / 10 - 20;
        double q2 = ((x1 + 7) * (x1 + 7) + 0.1 * (x2 + 8) * (x2 + 8)) / 10 - 20;
        double dq2 = 0.02 * (x2 + 8);                // ∂q/∂x2, the same for both
        return new double[][] {
            {c1 * dh1 * -0.5 + c2 * (x1 - 7) / 5, c1 * dh1 * dt + dc1 * h1 + c2 * dq2 + dc2 * q1},
            {c1 * dh2 * -0.5 + c2 * (x1 + 7) / 5, c1 * dh2 * -dt + dc1 * h2 + c2 * dq2 + dc2 * q2}};
    }

    static double meanLoss(double x1, double x2) {
        double[] l = losses(x1, x2);
        return (l[0] + l[1]) / 2;
    }
}
