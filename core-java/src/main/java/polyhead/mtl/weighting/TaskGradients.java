package polyhead.mtl.weighting;

import java.util.List;

/**
 * The tasks × shared-parameters gradient matrix of one batch.
 *
 * @param tasks  the tasks present in the batch (at least one label), in the model's task order
 * @param grads  {@code grads[t]} = ∂L_t/∂θ_shared flattened (or ∂L_t/∂z for the shared representation z), one row
 *               per entry of {@code tasks}, all of one length; L_t is the task's unweighted loss, or the
 *               objective {@link GradientWeighting#taskObjective} makes of it
 * @param losses {@code losses[t]} = the value of L_t
 */
public record TaskGradients(List<String> tasks, float[][] grads, double[] losses) {
    public TaskGradients {
        if (grads.length != tasks.size() || losses.length != tasks.size()) {
            throw new IllegalArgumentException("task gradients: " + tasks.size() + " tasks but " + grads.length
                    + " gradient rows and " + losses.length + " losses");
        }
        for (int t = 1; t < grads.length; t++) {
            if (grads[t].length != grads[0].length) {
                throw new IllegalArgumentException("task gradients: row " + t + " (" + tasks.get(t) + ") has length "
                        + grads[t].length + ", row 0 has " + grads[0].length);
            }
        }
    }

    public int taskCount() {
        return tasks.size();
    }

    /** Length of each gradient row. */
    public int dimension() {
        return grads.length == 0 ? 0 : grads[0].length;
    }
}
