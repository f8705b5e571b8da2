package polyhead.mtl.weighting;

import java.util.List;

/**
 * The Gram matrix of one batch's task gradients, M = G Gᵀ with G the tasks × shared-parameters matrix of
 * {@link TaskGradients}: all that a {@link GramDeterminedWeighting} reads of the gradients.
 *
 * @param tasks  the tasks present in the batch, in the model's task order
 * @param gram   {@code gram[s][t]} = g_s · g_t, symmetric, T×T (not modified by the weightings)
 * @param losses {@code losses[t]} = the value of L_t (unweighted, or the weighting's task objective)
 */
public record TaskGram(List<String> tasks, double[][] gram, double[] losses) {
    public TaskGram {
        if (gram.length != tasks.size() || losses.length != tasks.size()) {
            throw new IllegalArgumentException("task Gram matrix: " + tasks.size() + " tasks but " + gram.length
                    + " rows and " + losses.length + " losses");
        }
        for (int t = 0; t < gram.length; t++) {
            if (gram[t].length != tasks.size()) {
                throw new IllegalArgumentException("task Gram matrix: row " + t + " (" + tasks.get(t) + ") has "
                        + gram[t].length + " entries for " + tasks.size() + " tasks");
            }
        }
    }

    public int taskCount() {
        return tasks.size();
    }
}
