package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CAGrad paper's toy problem ({@link CaGradToy}), run as its public code runs it: from each published initial
 * point, 100,000 Adam steps (lr 1e-3, β = (0.9, 0.999), ε = 1e-8, PyTorch's defaults) on the update each method gives.
 * The paper's figure shows: mean-gradient descent gets stuck in the flat upper region from two of the three points
 * and reaches the average-loss optimum only from the third; MGDA and PCGrad reach the Pareto set from all three but
 * stop wherever they reach it, away from the average-loss optimum; CAGrad (c = 0.5) reaches the average-loss
 * optimum from all three. The checks below are those statements, made quantitative.
 *
 * <p>Differences from their script that do not change what the figure shows: PCGrad sums (theirs averages) and CAGrad
 * divides by 1 + c² (their toy by 1 + c) — Adam is invariant to a constant scale of the update; their CAGrad adds
 * 1e-4 inside ‖g_0‖ and ‖g_w‖, ours is exact; the gradients reach the strategies as float, as in training.
 */
class CaGradToyTest {
    private static final int STEPS = 100_000;
    private static double optimumX2;
    private static double optimumMean;

    @BeforeAll
    static void averageLossOptimum() {
        // by symmetry (L1(x1, x2) = L2(−x1, x2)) the optimum of ½(L1 + L2) is at x1 = 0; golden-section search in x2
        double lo = -10;
        double hi = -7;
        for (int it = 0; it < 200; it++) {
            double a = lo + (hi - lo) * 0.382;
            double b = lo + (hi - lo) * 0.618;
            if (CaGradToy.meanLoss(0, a) < CaGradToy.meanLoss(0, b)) {
                hi = b;
            } else {
                lo = a;
            }
        }
        optimumX2 = (lo + hi) / 2;
        optimumMean = CaGradToy.meanLoss(0, optimumX2);
        assertEquals(-8.3551, optimumX2, 1e-3, "the paper marks the optimum at x2 = −8.3552");
    }

    @Test
    void analyticGradientsMatchFiniteDifferences() {
        Random rng = new Random(3);
        int checked = 0;
        while (checked < 200) {
            double x1 = -10 + 20 * rng.nextDouble();
            double x2 = -10 + 20 * rng.nextDouble();
            double h = 1e-6;
            if (Math.abs(x2) < 10 * h || nearClamp(x1, x2, h)) {
                continue; // the kinks of max(·, 0) at x2 = 0 and of the clamp are not differentiable
            }
            double[][] g = CaGradToy.gradients(x1, x2);
            for (int task = 0; task < 2; task++) {
                double d1 = (CaGradToy.losses(x1 + h, x2)[task] - CaGradToy.losses(x1 - h, x2)[task]) / (2 * h);
                double d2 = (CaGradToy.losses(x1, x2 + h)[task] - CaGradToy.losses(x1, x2 - h)[task]) / (2 * h);
                assertEquals(d1, g[task][0], 1e-5 * (1 + Math.abs(d1)), "∂L" + (task + 1) + "/∂x1 at " + x1 + ", " + x2);
                assertEquals(d2, g[task][1], 1e-5 * (1 + Math.abs(d2)), "∂L" + (task + 1) + "/∂x2 at " + x1 + ", " + x2);
            }
            checked++;
        }
    }

    @Test
    void meanGradientDescentGetsStuckFromTwoOfTheThreePoints() {
        double[][] end = runAll("mean", null);
        // from (−8.5, 7.5) and (9, 9): still in the flat upper region, far above the optimum
        for (int i : new int[] {0, 2}) {
            assertTrue(end[i][1] > 0, "stuck in the upper region: " + str(end[i]));
            assertTrue(CaGradToy.meanLoss(end[i][0], end[i][1]) > optimumMean + 10, str(end[i]));
            assertTrue(paretoGap(end[i]) > 0.01, "not Pareto-stationary: " + paretoGap(end[i]));
        }
        // from (−8.5, −5): the average-loss optimum
        assertAtOptimum(end[1]);
    }

    @Test
    void mgdaReachesTheParetoSetWhereverItArrives() {
        assertParetoSetAwayFromTheOptimum(runAll("mgda", Weightings.mgda(Mgda.Normalization.NONE)));
    }

    @Test
    void pcGradReachesTheParetoSetWhereverItArrives() {
        assertParetoSetAwayFromTheOptimum(runAll("pcGrad", Weightings.pcGrad()));
    }

    @Test
    void caGradReachesTheAverageLossOptimumFromEveryPoint() {
        for (double[] x : runAll("caGrad", Weightings.caGrad(0.5))) {
            assertAtOptimum(x);
        }
    }

    private static void assertAtOptimum(double[] x) {
        assertEquals(0, x[0], 1e-2, "x1 at the optimum: " + str(x));
        assertEquals(optimumX2, x[1], 1e-2, "x2 at the optimum: " + str(x));
        assertEquals(optimumMean, CaGradToy.meanLoss(x[0], x[1]), 1e-4, str(x));
    }

    private static void assertParetoSetAwayFromTheOptimum(double[][] end) {
        for (double[] x : end) {
            assertTrue(paretoGap(x) < 1e-3, "Pareto-stationary: min-norm gap " + paretoGap(x) + " at " + str(x));
            assertTrue(Math.abs(x[0]) <= 7.05 && Math.abs(x[1] - optimumX2) < 0.1, "on the Pareto set: " + str(x));
            assertTrue(Math.abs(x[0]) > 1, "stopped away from the average-loss optimum: " + str(x));
            assertTrue(CaGradToy.meanLoss(x[0], x[1]) > optimumMean + 0.4, str(x));
        }
    }

    /** ‖min-norm point of the hull of ∇L1, ∇L2‖ — 0 exactly at Pareto-stationary points. */
    private static double paretoGap(double[] x) {
        double[][] g = CaGradToy.gradients(x[0], x[1]);
        double uu = Grads.dot(g[0], g[0]);
        double uv = Grads.dot(g[0], g[1]);
        double vv = Grads.dot(g[1], g[1]);
        double gamma = Mgda.twoTaskWeight(uu, uv, vv);
        return Math.sqrt(Math.max(0, gamma * gamma * uu + 2 * gamma * (1 - gamma) * uv + (1 - gamma) * (1 - gamma) * vv));
    }

    /** The final point from each initial point; {@code strategy} null means the mean gradient ½(g1 + g2). */
    private static double[][] runAll(String label, GradientWeighting strategy) {
        double[][] end = new double[3][];
        for (int i = 0; i < 3; i++) {
            end[i] = run(CaGradToy.INITIAL_POINTS[i], strategy);
            System.out.printf(Locale.ROOT, "toy %-6s from %s -> %s, mean loss %.5f%n", label,
                    str(CaGradToy.INITIAL_POINTS[i]), str(end[i]), CaGradToy.meanLoss(end[i][0], end[i][1]));
        }
        return end;
    }

    private static double[] run(double[] start, GradientWeighting strategy) {
        double[] x = start.clone();
        double[] m = new double[2];
        double[] v = new double[2];
        Random rng = new Random(0);
        List<String> tasks = List.of("L1", "L2");
        double b1 = 0.9;
        double b2 = 0.999;
        for (int step = 1; step <= STEPS; step++) {
            double[][] g = CaGradToy.gradients(x[0], x[1]);
            double[] d;
            if (strategy == null) {
                d = new double[] {(g[0][0] + g[1][0]) / 2, (g[0][1] + g[1][1]) / 2};
            } else {
                double[] l = CaGradToy.losses(x[0], x[1]);
                d = Grads.toDouble(strategy.combine(Grads.of(tasks, g, l),
                        new WeightingContext(step - 1, 0, rng)).shared());
            }
            for (int k = 0; k < 2; k++) { // torch.optim.Adam, lr 1e-3
                m[k] = b1 * m[k] + (1 - b1) * d[k];
                v[k] = b2 * v[k] + (1 - b2) * d[k] * d[k];
                double mHat = m[k] / (1 - Math.pow(b1, step));
                double vHat = v[k] / (1 - Math.pow(b2, step));
                x[k] -= 1e-3 * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        return x;
    }

    private static boolean nearClamp(double x1, double x2, double h) {
        double t = Math.tanh(x2);
        return Math.abs(-0.5 * x1 - 3.5 + t) < 1e-3 || Math.abs(-0.5 * x1 + 3.5 - t) < 1e-3;
    }

    private static String str(double[] x) {
        return String.format(Locale.ROOT, "(%.4f, %.4f)", x[0], x[1]);
    }
}
