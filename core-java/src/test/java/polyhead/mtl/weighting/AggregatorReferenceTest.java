package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.testing.Fixtures;

/**
 * IMTL-G, Aligned-MTL and UPGrad against the published code run on the same float32 task-gradient matrices
 * ({@code reference/generate_aggregator_reference.py}: TorchJD at 46962c2b and LibMTL at 4336804, imported from a
 * path). TorchJD runs in float64, as we do: weights must agree within 1e-9 relative to the largest weight,
 * directions within 1e-9·max_t‖g_t‖ (times 1 + max α) plus float rounding of our output; for UPGrad 1e-6, because
 * the script solves TorchJD's quadratic programs with cvxopt, whose interior point stops about 1e-7 short on
 * near-singular Gramians; UPGrad's weights also match an exact enumeration of the active bounds within 1e-9. LibMTL computes in float32: within 1e-4 relative, on the well-conditioned cases where the fixture has
 * its results. Aligned-MTL's weights are TorchJD's times T (TorchJD's preference is 1/T, LibMTL's and ours 1).
 */
class AggregatorReferenceTest {
    private static final String FIXTURE = "/reference/aggregators.json";

    /** A method, and how close TorchJD's result must be, relative (UPGrad's: cvxopt's accuracy). */
    private record Method(String key, Function<double[][], double[]> weights, GradientWeighting weighting,
                          boolean torchJdPreferenceIsMean, double torchJdTolerance) {
    }

    private static final List<Method> METHODS = List.of(
            new Method("imtl_g", ImtlG::weights, Weightings.imtlG(), false, 1e-9),
            new Method("aligned_mtl", AlignedMtl::weights, Weightings.alignedMtl(), true, 1e-9),
            new Method("upgrad", AggregatorReferenceTest::upGradWeights, Weightings.upGrad(), false, 1e-6));

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesTorchJdAndLibMtl() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Object> e : cases().entrySet()) {
            Object c = e.getValue();
            TaskGradients g = gradients(c);
            double scale = Grads.maxNorm(g);
            for (Method m : METHODS) {
                Object ref = Fixtures.get(c, m.key());
                double factor = m.torchJdPreferenceIsMean() ? g.taskCount() : 1;
                tests.add(DynamicTest.dynamicTest(e.getKey() + " " + m.key() + " torchjd", () -> {
                    double[] w = m.weights().apply(GradientRows.gram(g.grads()));
                    double tol = m.torchJdTolerance();
                    compare(w, scaled(Fixtures.doubles(Fixtures.get(ref, "torchjd_weights")), factor), tol * maxAbs(w), "α");
                    float[] d = m.weighting().combine(g, Grads.ctx(0)).shared();
                    compare(Grads.toDouble(d), scaled(Fixtures.doubles(Fixtures.get(ref, "torchjd_direction")), factor),
                            tol * scale * (1 + maxAbs(w)), "d");
                }));
                if (Fixtures.object(ref, m.key()).containsKey("libmtl_weights")) {
                    tests.add(DynamicTest.dynamicTest(e.getKey() + " " + m.key() + " libmtl", () -> {
                        double[] w = m.weights().apply(GradientRows.gram(g.grads()));
                        compare(w, Fixtures.doubles(Fixtures.get(ref, "libmtl_weights")), 1e-4 * maxAbs(w), "α");
                        float[] d = m.weighting().combine(g, Grads.ctx(0)).shared();
                        compare(Grads.toDouble(d), Fixtures.doubles(Fixtures.get(ref, "libmtl_direction")),
                                1e-4 * scale * maxAbs(w), "d");
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> upGradMatchesTheExactEnumerationOfActiveBounds() {
        return cases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            double[] w = upGradWeights(GradientRows.gram(gradients(e.getValue()).grads()));
            compare(w, Fixtures.doubles(Fixtures.get(e.getValue(), "upgrad", "enumerated_weights")), 1e-9 * maxAbs(w),
                    "α");
        }));
    }

    private static double[] upGradWeights(double[][] gram) {
        return UpGrad.weights(gram, UpGrad.DEFAULT_NORM_EPS, UpGrad.DEFAULT_REG_EPS);
    }

    @Test
    void theFixtureCoversTheInterestingCases() {
        int libMtl = 0;
        int dependent = 0;
        int single = 0;
        for (Object c : cases().values()) {
            libMtl += (Boolean) Fixtures.get(c, "libmtl") ? 1 : 0;
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            single += tasks == 1 ? 1 : 0;
            double[][] m = GradientRows.gram(gradients(c).grads());
            double[] lambda = SymmetricEigen.of(m).values();
            dependent += tasks > 1 && lambda[tasks - 1] < 1e-6 * lambda[0] ? 1 : 0;
        }
        assertTrue(libMtl >= 8, "cases compared with LibMTL: " + libMtl);
        assertTrue(dependent >= 2, "cases with linearly dependent gradients: " + dependent);
        assertEquals(1, single, "single-task cases");
    }

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
    }

    private static TaskGradients gradients(Object c) {
        return Grads.of(Grads.fixtureRows(c));
    }

    private static double[] scaled(double[] v, double f) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= f;
        }
        return r;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void compare(double[] actual, double[] expected, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int k = 0; k < expected.length; k++) {
            // float rounding of a float output
            double t = tol + 1e-7 * Math.abs(expected[k]);
            assertEquals(expected[k], actual[k], t, what + " element " + k);
        }
    }
}
