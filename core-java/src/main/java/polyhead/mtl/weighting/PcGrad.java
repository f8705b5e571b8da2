package polyhead.mtl.weighting;

import java.util.Random;

/**
 * PCGrad: projecting conflicting gradients (Yu, Kumar, Gupta, Levine, Hausman &amp; Finn, "Gradient Surgery for
 * Multi-Task Learning", NeurIPS 2020, Alg. 1).
 *
 * <p>For each task i, starting from g_i^PC = g_i, and for each other task j in an order drawn uniformly at random
 * (independently for each i, from {@link WeightingContext#rng()}):
 * <pre>
 *   if g_i^PC · g_j &lt; 0:   g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j
 * </pre>
 * (projections are onto the normal plane of the other task's original gradient). The update is the SUM
 * d = Σ_i g_i^PC, as in the paper's Alg. 1 and in LibMTL (the CAGrad toy and some ports take the mean). Heads are
 * weighted 1 ({@link Combination#taskWeights()}), as the paper leaves task-specific parameters to their own losses.
 *
 * <p>With T = 1, d = g; with T = 2 the result does not depend on the draw (and no random number is drawn). Computed
 * in double; one row of length P of extra memory.
 */
public final class PcGrad implements GradientWeighting {
    static final String NAME = "pcGrad";

    PcGrad() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        GradientRows.check(NAME, gradients);
        float[][] g = gradients.grads();
        int tasks = g.length;
        if (tasks > 2 && (ctx == null || ctx.rng() == null)) {
            throw new IllegalArgumentException(NAME + ": needs ctx.rng() to draw the projection order of "
                    + tasks + " tasks");
        }
        int p = g[0].length;
        double[] squaredNorm = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            double s = 0;
            for (float x : g[t]) {
                s += (double) x * x;
            }
            squaredNorm[t] = s;
        }
        double[] total = new double[p];
        double[] projected = new double[p];
        for (int i = 0; i < tasks; i++) {
            for (int k = 0; k < p; k++) {
                projected[k] = g[i][k];
            }
            for (int j : otherTasksShuffled(i, tasks, ctx == null ? null : ctx.rng())) {
                if (squaredNorm[j] == 0) {
                    continue;
                }
                double dot = 0;
                for (int k = 0; k < p; k++) {
                    dot += projected[k] * g[j][k];
                }
                if (dot < 0) {
                    double f = dot / squaredNorm[j];
                    for (int k = 0; k < p; k++) {
                        projected[k] -= f * g[j][k];
                    }
                }
            }
            for (int k = 0; k < p; k++) {
                total[k] += projected[k];
            }
        }
        return GradientRows.headsWeightedOne(GradientRows.toFloat(total), tasks);
    }

    /** The tasks other than i in a uniformly random order (Fisher-Yates); draws nothing when there is one. */
    static int[] otherTasksShuffled(int i, int tasks, Random rng) {
        int[] order = new int[tasks - 1];
        for (int j = 0, n = 0; j < tasks; j++) {
            if (j != i) {
                order[n++] = j;
            }
        }
        for (int k = order.length - 1; k > 0; k--) {
            int r = rng.nextInt(k + 1);
            int tmp = order[k];
            order[k] = order[r];
            order[r] = tmp;
        }
        return order;
    }
}
