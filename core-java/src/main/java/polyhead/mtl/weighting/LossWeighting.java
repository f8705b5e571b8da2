package polyhead.mtl.weighting;

import java.util.Map;

import polyhead.autodiff.Var;

/** A strategy that combines the per-task losses into one scalar objective, backpropagated once. */
public non-sealed interface LossWeighting extends Weighting {
    /**
     * The objective to minimize.
     *
     * @param losses task name → scalar loss with its graph, in the model's task order; tasks with no label in the
     *               batch are absent
     */
    Var combine(Map<String, Var> losses, WeightingContext ctx);
}
