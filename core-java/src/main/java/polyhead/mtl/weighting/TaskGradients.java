package polyhead.mtl.weighting;

import java.util.List;

import polyhead.tensor.Tensor;

/**
 * The tasks × shared-parameters gradient matrix of one batch.
 *
 * @param tasks  the tasks present in the batch (at least one label), in the model's task order
 * @param grads  {@code grads[t]} = ∂L_t/∂θ_shared flattened (or ∂L_t/∂z for the shared representation z), one row
 *               per entry of {@code tasks}, all of one length; L_t is the task's unweighted loss, or the
 *               objective {@link GradientWeighting#taskObjective} makes of it
 * @param losses {@code losses[t]} = the value of L_t
 * @param representation when the rows are gradients of the shared representation z: z's values, with its shape
 *               [batch, …] (its size is the rows' length; the rows are laid out as it is); null for gradients of the
 *               shared parameters. Strategies that act per feature of z (GradDrop) read it; it is valid during
 *               {@link GradientWeighting#combine} only (the trainer's step may reuse its memory afterwards)
 */
public record TaskGradients(List<String> tasks, float[][] grads, double[] losses, Tensor representation) {
    /** Gradients of the shared parameters (no representation values). */
    public TaskGradients(List<String> tasks, float[][] grads, double[] losses) {
        this(tasks, grads, losses, null);
    }

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
        if (representation != null && grads.length > 0
                && (representation.shape().rank() < 1 || representation.size() != grads[0].length)) {
            throw new IllegalArgumentException("task gradients: representation of shape " + representation.shape()
                    + " does not fit gradient rows of length " + grads[0].length);
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
