package polyhead.mtl.weighting;

import polyhead.autodiff.Var;

/**
 * A strategy that works on gradients: given each task's gradient of the shared parameters (or of the shared
 * representation), it returns the gradient to apply to them, and how much of each task's own gradient its
 * task-specific parameters (its head) receive.
 */
public non-sealed interface GradientWeighting extends Weighting {
    Combination combine(TaskGradients gradients, WeightingContext ctx);

    /**
     * What the trainer differentiates for task {@code task} to form its gradient row and its head's gradient: the
     * task's loss {@code loss} itself by default. A strategy with its own {@link #parameters()} (IMTL-H's loss
     * scales) returns a function of the loss and those parameters, whose backward pass also gives them their
     * gradients. {@link TaskGradients#losses()} still holds the unscaled losses.
     */
    default Var taskObjective(String task, Var loss) {
        return loss;
    }

    /**
     * Whether the rows may be gradients of the shared representation; false for strategies that keep a per-task
     * gradient from step to step, which needs the same parameters in every row, not one batch's samples. The trainer
     * refuses the representation for them.
     */
    default boolean acceptsRepresentationGradients() {
        return true;
    }

    /**
     * Whether the rows may be gradients of the shared parameters; false for strategies that act on the shared
     * representation's features and need its values (GradDrop). The trainer refuses the parameters for them.
     */
    default boolean acceptsParameterGradients() {
        return true;
    }
}
