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
 * in double on the T×T Gram matrix ({@link #combineGram}).
 */
public final class PcGrad implements GramDeterminedWeighting {
    static final String NAME = "pcGrad";

    PcGrad() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The projections on coefficient vectors: g_i^PC = Σ_k c_k g_k, so g_i^PC · g_j = Σ_k c_k M_kj and a projection
     * onto the normal plane of g_j subtracts (g_i^PC · g_j / M_jj) from c_j. The update's coefficients are Σ_i c^(i).
     */
    @Override
    public GramCombination combineGram(TaskGram gram, WeightingContext ctx) {
        GradientRows.check(NAME, gram);
        double[][] m = gram.gram();
        int tasks = m.length;
        if (tasks > 2 && (ctx == null || ctx.rng() == null)) {
            throw new IllegalArgumentException(NAME + ": needs ctx.rng() to draw the projection order of "
                    + tasks + " tasks");
        }
        double[] total = new double[tasks];
        double[] c = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            java.util.Arrays.fill(c, 0);
            c[i] = 1;
            for (int j : otherTasksShuffled(i, tasks, ctx == null ? null : ctx.rng())) {
                if (m[j][j] == 0) {
                    continue;
                }
                double dot = 0;
                for (int k = 0; k < tasks; k++) {
                    dot += c[k] * m[k][j];
                }
                if (dot < 0) {
                    c[j] -= dot / m[j][j];
                }
            }
            for (int k = 0; k < tasks; k++) {
                total[k] += c[k];
            }
        }
        return GramCombination.headsWeightedOne(total);
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
