package polyhead.mtl.weighting;

import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * How the per-task losses of a multi-task model become one update. Sealed into the two kinds the trainer
 * distinguishes (and it dispatches on the kind, never on a name):
 * <ul>
 *   <li>{@link LossWeighting}: combines the per-task losses into one scalar that is backpropagated once;</li>
 *   <li>{@link GradientWeighting}: combines the per-task gradients of the shared parameters (or of the shared
 *       representation) into one gradient.</li>
 * </ul>
 * Strategies may keep state (learned weights, loss history); it is saved and restored through
 * {@link #stateDict()} / {@link #loadStateDict(Map)} for checkpoints.
 */
public sealed interface Weighting permits LossWeighting, GradientWeighting {
    /** A short name for logs and reports; never used to decide behaviour. */
    String name();

    /**
     * Called by the trainer at the end of each epoch with each task's mean training loss over that epoch (tasks
     * that saw no label in the epoch are absent). Strategies that look at loss history (DWA, GradNorm's loss
     * ratios) use it; the default ignores it.
     */
    default void epochEnd(int epoch, Map<String, Double> meanTaskLosses) {
    }

    /**
     * Whether the strategy learns from what each optimizer step did to the losses (FAMO). If so, the trainer computes
     * the same batches' per-task losses again right after each step (forward only, in training mode, no gradients)
     * and calls {@link #stepTaken}; this costs one forward pass per step, so the default is false.
     */
    default boolean observesStepEffect() {
        return false;
    }

    /**
     * Called after each optimizer step when {@link #observesStepEffect()}: each task's loss on the step's batches
     * before the step (the losses the step was computed from) and after it, for the same tasks. The default ignores
     * it.
     */
    default void stepTaken(Map<String, Double> lossesBefore, Map<String, Double> lossesAfter) {
    }

    /**
     * Parameters the strategy learns together with the model (uncertainty weighting's log-variances, IMTL's loss
     * scales), by name; the trainer gives them to the optimizer as {@code weighting.<name>}, and their gradients come
     * from the backward pass of the objective ({@link LossWeighting#combine}) or of each task's objective
     * ({@link GradientWeighting#taskObjective}). Empty by default.
     */
    default Map<String, Var> parameters() {
        return Map.of();
    }

    /** The strategy's state by name (empty for stateless strategies). Values are copies. */
    default Map<String, Tensor> stateDict() {
        return Map.of();
    }

    /** Restores state written by {@link #stateDict()}; names and shapes must match. */
    default void loadStateDict(Map<String, Tensor> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(name() + " has no state, but was given " + state.keySet());
        }
    }
}
