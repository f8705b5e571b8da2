package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/** Builds task-gradient matrices and contexts for the tests, and compares vectors. */
final class Grads {
    private Grads() {
    }

    /** Tasks named t0, t1, … with losses 1. */
    static TaskGradients of(double[]... rows) {
        double[] losses = new double[rows.length];
        Arrays.fill(losses, 1);
        return of(names(rows.length), rows, losses);
    }

    static TaskGradients of(List<String> tasks, double[][] rows, double[] losses) {
        float[][] g = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            g[t] = new float[rows[t].length];
            for (int k = 0; k < rows[t].length; k++) {
                g[t][k] = (float) rows[t][k];
            }
        }
        // the values of a representation [1, P] of ones, which strategies reading parameters ignore (GradDrop needs one)
        Tensor z = rows.length == 0 ? null : Tensor.ones(1, rows[0].length);
        return new TaskGradients(List.copyOf(tasks), g, losses.clone(), z);
    }

    static List<String> names(int n) {
        List<String> r = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            r.add("t" + t);
        }
        return r;
    }

    /** Standard normal rows, rounded to float. */
    static double[][] random(Random rng, int tasks, int dimension) {
        double[][] g = new double[tasks][dimension];
        for (double[] row : g) {
            for (int k = 0; k < dimension; k++) {
                row[k] = (float) rng.nextGaussian();
            }
        }
        return g;
    }

    static WeightingContext ctx(long seed) {
        return new WeightingContext(0, 0, new Random(seed));
    }

    static double[] toDouble(float[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Element-wise |actual − expected| ≤ tol. */
    static void assertVector(double[] expected, float[] actual, double tol, String what) {
        assertVector(expected, toDouble(actual), tol, what);
    }

    static void assertVector(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + ": element " + i + " of " + Arrays.toString(actual)
                    + ", expected " + Arrays.toString(expected));
        }
    }

    /** The T×P rows of a reference case's {@code tasks}, {@code dimension} and flat {@code grads} fields. */
    static double[][] fixtureRows(Object referenceCase) {
        int tasks = (int) Fixtures.number(Fixtures.get(referenceCase, "tasks"), "tasks");
        int p = (int) Fixtures.number(Fixtures.get(referenceCase, "dimension"), "dimension");
        double[] flat = Fixtures.doubles(Fixtures.get(referenceCase, "grads"));
        double[][] rows = new double[tasks][p];
        for (int t = 0; t < tasks; t++) {
            System.arraycopy(flat, t * p, rows[t], 0, p);
        }
        return rows;
    }

    /** max_k |v_k|, the scale reference comparisons of an update measure their tolerances in. */
    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** max_t ‖g_t‖, the scale reference comparisons measure their tolerances in. */
    static double maxNorm(TaskGradients g) {
        double m = 0;
        for (float[] row : g.grads()) {
            m = Math.max(m, norm(toDouble(row)));
        }
        return m;
    }
}
