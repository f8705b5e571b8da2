package polyhead.mtl.weighting;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What every gradient-level strategy does first and last: check the T×P matrix it is given, form its Gram matrix,
 * and combine its rows, all in double.
 */
final class GradientRows {
    private GradientRows() {
    }

    /**
     * Fails with a one-line message naming {@code strategy} if there are no tasks, a task appears twice, a row is
     * missing or of another length than the first, or a gradient element is not finite. The record checks lengths
     * when it is built, but its arrays stay writable, so the check is repeated here.
     */
    static void check(String strategy, TaskGradients gradients) {
        List<String> tasks = gradients.tasks();
        float[][] g = gradients.grads();
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(strategy + ": no tasks in the batch (T = 0); a gradient-level "
                    + "weighting needs at least one task gradient");
        }
        if (g.length != tasks.size() || gradients.losses().length != tasks.size()) {
            throw new IllegalArgumentException(strategy + ": " + tasks.size() + " tasks but " + g.length
                    + " gradient rows and " + gradients.losses().length + " losses");
        }
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < g.length; t++) {
            if (!seen.add(tasks.get(t))) {
                throw new IllegalArgumentException(strategy + ": task '" + tasks.get(t) + "' appears twice");
            }
            if (g[t] == null) {
                throw new IllegalArgumentException(strategy + ": gradient of task '" + tasks.get(t) + "' is null");
            }
            if (g[t].length != g[0].length) {
                throw new IllegalArgumentException(strategy + ": gradient of task '" + tasks.get(t) + "' has length "
                        + g[t].length + ", that of task '" + tasks.get(0) + "' has " + g[0].length);
            }
            for (int k = 0; k < g[t].length; k++) {
                if (!Float.isFinite(g[t][k])) {
                    throw new IllegalArgumentException(strategy + ": gradient of task '" + tasks.get(t)
                            + "' is not finite (" + g[t][k] + " at element " + k + ")");
                }
            }
        }
    }

    /**
     * {@link #check}s the rows, forms their Gram matrix, applies {@code rule} to it and combines the rows with the
     * coefficients it returns: a {@link GramDeterminedWeighting} given rows.
     */
    static Combination combineThroughGram(String strategy, TaskGradients gradients,
            java.util.function.Function<TaskGram, GramCombination> rule) {
        check(strategy, gradients);
        GramCombination c = rule.apply(new TaskGram(gradients.tasks(), gram(gradients.grads()), gradients.losses()));
        return new Combination(combine(gradients.grads(), c.sharedWeights()), c.taskWeights());
    }

    /** {@link #check}s the gradients, then returns their {@link #gram} matrix. */
    static double[][] checkedGram(String strategy, TaskGradients gradients) {
        check(strategy, gradients);
        return gram(gradients.grads());
    }

    /** The result {@code shared} with every head weighted 1: heads trained on their own loss. */
    static Combination headsWeightedOne(float[] shared, int tasks) {
        double[] ones = new double[tasks];
        Arrays.fill(ones, 1);
        return new Combination(shared, ones);
    }

    /** The uniform weights 1/T of {@code tasks} tasks. */
    static double[] uniform(int tasks) {
        double[] w = new double[tasks];
        Arrays.fill(w, 1.0 / tasks);
        return w;
    }

    /** Fails naming {@code strategy} if a loss is not finite (for strategies that read the losses). */
    static void checkLosses(String strategy, TaskGradients gradients) {
        checkLosses(strategy, gradients.tasks(), gradients.losses());
    }

    /** Fails naming {@code strategy} if a loss is not finite (for strategies that read the losses). */
    static void checkLosses(String strategy, TaskGram gram) {
        checkLosses(strategy, gram.tasks(), gram.losses());
    }

    private static void checkLosses(String strategy, List<String> tasks, double[] losses) {
        for (int t = 0; t < losses.length; t++) {
            if (!Double.isFinite(losses[t])) {
                throw new IllegalArgumentException(strategy + ": loss of task '" + tasks.get(t)
                        + "' is not finite (" + losses[t] + ")");
            }
        }
    }

    /**
     * The checks of {@link #check(String, TaskGradients)} for a Gram matrix: at least one task, no task twice, every
     * entry finite (a gradient with a non-finite element has a non-finite squared norm).
     */
    static void check(String strategy, TaskGram gram) {
        List<String> tasks = gram.tasks();
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(strategy + ": no tasks in the batch (T = 0); a gradient-level "
                    + "weighting needs at least one task gradient");
        }
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < tasks.size(); t++) {
            if (!seen.add(tasks.get(t))) {
                throw new IllegalArgumentException(strategy + ": task '" + tasks.get(t) + "' appears twice");
            }
            for (int s = 0; s < tasks.size(); s++) {
                if (!Double.isFinite(gram.gram()[t][s])) {
                    throw new IllegalArgumentException(strategy + ": Gram matrix entry (" + tasks.get(t) + ", "
                            + tasks.get(s) + ") is not finite (" + gram.gram()[t][s] + ")");
                }
            }
        }
    }

    /** The Gram matrix M_ij = g_i · g_j, accumulated in double. */
    static double[][] gram(float[][] g) {
        int n = g.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = polyhead.tensor.ArrayMath.dotDouble(g[i], g[j]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
        return m;
    }

    /** Σ_t w_t g_t, accumulated in double and rounded once to float. */
    static float[] combine(float[][] g, double[] w) {
        float[] r = new float[g[0].length];
        polyhead.tensor.ArrayMath.weightedSum(g, w, r.length, r);
        return r;
    }

    static float[] toFloat(double[] v) {
        float[] r = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            r[k] = (float) v[k];
        }
        return r;
    }

    /** wᵀ M v. */
    static double form(double[][] m, double[] w, double[] v) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            double r = 0;
            for (int j = 0; j < v.length; j++) {
                r += m[i][j] * v[j];
            }
            s += w[i] * r;
        }
        return s;
    }

    /** M v. */
    static double[] times(double[][] m, double[] v) {
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += m[i][j] * v[j];
            }
            r[i] = s;
        }
        return r;
    }

    /** The largest diagonal entry of a Gram matrix: max_t ‖g_t‖², the scale that solver tolerances refer to. */
    static double maxDiagonal(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            s = Math.max(s, m[i][i]);
        }
        return s;
    }
}
