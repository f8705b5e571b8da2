package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** CAGrad (Liu et al., NeurIPS 2021) on two-task cases worked out by hand, c = 0.5 unless said. */
class CaGradTest {
    private final CaGrad caGrad = Weightings.caGrad();

    @Test
    void orthogonalGradients() {
        // g0 = (½,½), ‖g0‖ = √½, √φ = ½√½. g_w = (w, 1−w), g_wᵀg0 = ½ for every w, so F is least where ‖g_w‖ is:
        // w* = ½, g_w = g0, d = (g0 + (√φ/‖g0‖) g0)/(1 + c²) = 1.5·(½,½)/1.25 = (0.6, 0.6)
        Combination out = caGrad.combine(Grads.of(new double[] {1, 0}, new double[] {0, 1}), Grads.ctx(0));
        Grads.assertVector(new double[] {0.6, 0.6}, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {1, 1}, out.taskWeights(), 0, "heads");
        Grads.assertVector(new double[] {0.5, 0.5}, CaGrad.weights(gram(1, 0, 1), 0.5, 1e-13, 100), 1e-12, "w*");
    }

    @Test
    void alignedGradients() {
        // g_w = w(1,1) + (1−w)(2,2) = (2 − w)(1,1); F = (2−w)·3 + √φ·(2−w)√2 decreases in w: w* = 1, g_w = (1,1).
        // ‖g0‖ = 1.5√2, √φ = 0.75√2, ‖g_w‖ = √2 → d = ((1.5,1.5) + 0.75·(1,1))/1.25 = (1.8, 1.8)
        Combination out = caGrad.combine(Grads.of(new double[] {1, 1}, new double[] {2, 2}), Grads.ctx(0));
        Grads.assertVector(new double[] {1.8, 1.8}, out.shared(), 1e-6, "d");
    }

    @Test
    void conflictingGradients() {
        // g1 = (1,0), g2 = (−1,0.5): g0 = (0, ¼), ‖g0‖ = ¼, √φ = ⅛.
        // g_w = (2w − 1, ½(1 − w)), g_wᵀg0 = ⅛(1 − w), ‖g_w‖² = 4.25w² − 4.5w + 1.25.
        // F/⅛ = (1 − w) + √(4.25w² − 4.5w + 1.25); F' = 0 ⇔ 8.5w − 4.5 = 2√(…) ⇔ 55.25w² − 58.5w + 15.25 = 0
        // (keeping 8.5w ≥ 4.5): w* = (58.5 + √52)/110.5 = (117 + 4√13)/221 ≈ 0.594671, where ‖g_w‖² = 1/13.
        // d = (g0 + (⅛ / ‖g_w‖) g_w)/1.25 = (g0 + (√13/8) g_w)/1.25 ≈ (0.068268, 0.273072)
        double w = (117 + 4 * Math.sqrt(13)) / 221;
        double[] gw = {2 * w - 1, 0.5 * (1 - w)};
        assertEquals(1.0 / 13, Grads.dot(gw, gw), 1e-12, "‖g_w*‖²");
        double lambda = Math.sqrt(13) / 8;
        double[] expected = {lambda * gw[0] / 1.25, (0.25 + lambda * gw[1]) / 1.25};
        Combination out = caGrad.combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}), Grads.ctx(0));
        Grads.assertVector(expected, out.shared(), 1e-7, "d");
        Grads.assertVector(new double[] {0.068268, 0.273072}, out.shared(), 1e-6, "d, numerically");
        // at an interior w*, both tasks improve equally: g1·d = g2·d
        double[] d = Grads.toDouble(out.shared());
        assertEquals(Grads.dot(new double[] {1, 0}, d), Grads.dot(new double[] {-1, 0.5}, d), 1e-7);
    }

    @Test
    void cZeroIsTheMeanGradient() {
        Combination out = Weightings.caGrad(0).combine(Grads.of(new double[] {1, 0}, new double[] {-1, 0.5}),
                Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0.25}, out.shared(), 1e-7, "d");
    }

    @Test
    void oppositeGradientsGiveZero() {
        // g0 = 0 → √φ = 0 → d = 0
        Combination out = caGrad.combine(Grads.of(new double[] {1, 2}, new double[] {-1, -2}), Grads.ctx(0));
        Grads.assertVector(new double[] {0, 0}, out.shared(), 0, "d");
    }

    @Test
    void lineMinimumIsExact() {
        // h(γ) = bγ + k√(p + 2qγ + rγ²) for random convex instances, against a fine scan refined by golden section
        Random rng = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            double[] u = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double[] v = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            if (trial % 10 == 0) {
                v = new double[] {-2 * u[0], -2 * u[1], -2 * u[2]}; // the line passes through 0: a kink
            }
            double p = Grads.dot(u, u);
            double q = Grads.dot(u, v);
            double r = Grads.dot(v, v);
            double b = rng.nextGaussian();
            double k = rng.nextDouble() * 2;
            double max = trial % 3 == 0 ? 0.3 : 1.0;
            double gamma = CaGrad.lineMinimum(b, k, p, q, r, max);
            assertTrue(gamma >= 0 && gamma <= max);
            double best = scanMinimum(x -> b * x + k * Math.sqrt(Math.max(0, p + 2 * q * x + r * x * x)), max);
            double hGamma = b * gamma + k * Math.sqrt(Math.max(0, p + 2 * q * gamma + r * gamma * gamma));
            // 1e-8: where the line passes through 0, D = pr − q² is a cancellation of order 1e-16·pr, which moves
            // the kink by ~1e-8 (relative); elsewhere the closed form is exact to rounding
            assertTrue(hGamma <= best + 1e-8 * (1 + Math.abs(best)), "trial " + trial + ": h(γ) = " + hGamma + " > scan " + best);
        }
    }

    private static double scanMinimum(java.util.function.DoubleUnaryOperator h, double max) {
        int n = 2000;
        int arg = 0;
        for (int i = 1; i <= n; i++) {
            if (h.applyAsDouble(max * i / n) < h.applyAsDouble(max * arg / n)) {
                arg = i;
            }
        }
        double lo = max * Math.max(0, arg - 1) / n;
        double hi = max * Math.min(n, arg + 1) / n;
        for (int it = 0; it < 200; it++) {
            double a = lo + (hi - lo) / 3;
            double b = hi - (hi - lo) / 3;
            if (h.applyAsDouble(a) <= h.applyAsDouble(b)) {
                hi = b;
            } else {
                lo = a;
            }
        }
        return Math.min(h.applyAsDouble((lo + hi) / 2), Math.min(h.applyAsDouble(0), h.applyAsDouble(max)));
    }

    private static double[][] gram(double m11, double m12, double m22) {
        return new double[][] {{m11, m12}, {m12, m22}};
    }
}
