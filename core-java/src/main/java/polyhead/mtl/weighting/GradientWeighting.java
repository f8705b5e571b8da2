package polyhead.mtl.weighting;

/**
 * A strategy that works on gradients: given each task's gradient of the shared parameters (or of the shared
 * representation), it returns the gradient to apply to them, and how much of each task's own gradient its
 * task-specific parameters (its head) receive.
 */
public non-sealed interface GradientWeighting extends Weighting {
    Combination combine(TaskGradients gradients, WeightingContext ctx);
}
