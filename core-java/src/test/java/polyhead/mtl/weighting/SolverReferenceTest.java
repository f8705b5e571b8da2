package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.testing.Fixtures;

/**
 * MGDA, CAGrad and Nash-MTL against independent solutions (scipy SLSQP / L-BFGS-B + root finding, see
 * {@code reference/generate_weighting_reference.py}) for random T×P gradient matrices with T = 2…6, including cases
 * where 0 lies in the hull and optima on vertices, edges and inside the simplex. Updates must agree element-wise
 * within 1e-6·max_t‖g_t‖ (plus float rounding of the output).
 */
class SolverReferenceTest {
    private static final String FIXTURE = "/reference/weighting_solvers.json";

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesTheReference() {
        Map<String, Object> cases = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            Object c = e.getValue();
            TaskGradients g = gradients(c);
            double scale = Grads.maxNorm(g);
            tests.add(DynamicTest.dynamicTest(e.getKey() + " mgda none", () -> compare(
                    Weightings.mgda(Mgda.Normalization.NONE).combine(g, Grads.ctx(0)).shared(),
                    Fixtures.doubles(Fixtures.get(c, "mgda_none", "direction")), scale)));
            boolean zeroInHull = Fixtures.number(Fixtures.get(c, "mgda_none", "min_norm_sq"), "min_norm_sq") < 1e-12;
            tests.add(DynamicTest.dynamicTest(e.getKey() + " mgda loss+", () -> {
                Combination out = Weightings.mgda().combine(g, Grads.ctx(0));
                if (zeroInHull) {
                    // 0 is in the hull of the normalized gradients too, but with T > P + 1 many α give Σ α_t ĝ_t = 0,
                    // and d = Σ α_t g_t differs between them: only the min-norm property is defined
                    assertEquals(0, normalizedCombinationNorm(g, out.taskWeights()), 1e-7 * scale);
                    return;
                }
                compare(out.shared(), Fixtures.doubles(Fixtures.get(c, "mgda_loss_plus", "direction")), scale);
            }));
            for (String key : List.of("cagrad_c0.5", "cagrad_c0.2")) {
                double cc = Fixtures.number(Fixtures.get(c, key, "c"), "c");
                tests.add(DynamicTest.dynamicTest(e.getKey() + " " + key, () -> compare(
                        Weightings.caGrad(cc).combine(g, Grads.ctx(0)).shared(),
                        Fixtures.doubles(Fixtures.get(c, key, "direction")), scale)));
            }
            if (Fixtures.object(c, e.getKey()).containsKey("nash")) {
                tests.add(DynamicTest.dynamicTest(e.getKey() + " nashMtl", () -> {
                    Combination out = Weightings.nashMtl().combine(g, Grads.ctx(0));
                    double[] alpha = Fixtures.doubles(Fixtures.get(c, "nash", "alpha"));
                    for (int t = 0; t < alpha.length; t++) {
                        assertEquals(alpha[t], out.taskWeights()[t], 1e-8 * Math.abs(alpha[t]), "α_" + t);
                    }
                    double[] d = Fixtures.doubles(Fixtures.get(c, "nash", "direction"));
                    compare(out.shared(), d, Grads.norm(d));
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theFixtureCoversTheInterestingCases() {
        int zeroInHull = 0;
        int nash = 0;
        int interiorCaGrad = 0;
        for (Object c : cases().values()) {
            double minNorm = Fixtures.number(Fixtures.get(c, "mgda_none", "min_norm_sq"), "min_norm_sq");
            zeroInHull += minNorm < 1e-12 ? 1 : 0;
            nash += Fixtures.object(c, "case").containsKey("nash") ? 1 : 0;
            int support = 0;
            for (double w : Fixtures.doubles(Fixtures.get(c, "cagrad_c0.5", "weights"))) {
                support += w > 1e-6 ? 1 : 0;
            }
            interiorCaGrad += support >= 3 ? 1 : 0;
        }
        assertTrue(zeroInHull >= 2, "cases with 0 in the hull: " + zeroInHull);
        assertTrue(nash >= 8, "cases with a Nash-MTL solution: " + nash);
        assertTrue(interiorCaGrad >= 2, "CAGrad optima with ≥ 3 tasks in the support: " + interiorCaGrad);
    }

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
    }

    private static TaskGradients gradients(Object c) {
        double[][] rows = Grads.fixtureRows(c);
        return Grads.of(Grads.names(rows.length), rows, Fixtures.doubles(Fixtures.get(c, "losses")));
    }

    /** ‖Σ_t α_t g_t / (L_t‖g_t‖)‖. */
    private static double normalizedCombinationNorm(TaskGradients g, double[] alpha) {
        double[] sum = new double[g.dimension()];
        for (int t = 0; t < alpha.length; t++) {
            double[] row = Grads.toDouble(g.grads()[t]);
            double n = g.losses()[t] * Grads.norm(row);
            for (int k = 0; k < sum.length; k++) {
                sum[k] += alpha[t] * row[k] / n;
            }
        }
        return Grads.norm(sum);
    }

    private static void compare(float[] actual, double[] expected, double scale) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            double tol = 1e-6 * scale + 1e-7 * Math.abs(expected[k]);
            assertEquals(expected[k], actual[k], tol, "element " + k);
        }
    }
}
