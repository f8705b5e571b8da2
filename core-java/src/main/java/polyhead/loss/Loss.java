package polyhead.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/**
 * A loss function: (prediction, target, mask) → a differentiable loss, reduced as {@link #reduction()} says.
 * Instances are immutable and come from {@link Losses}.
 *
 * <p>The mask is how a batch carries missing labels: a sample whose mask is 0 contributes nothing to the loss nor
 * to the gradient, and its target is never read, so it may hold any placeholder (NaN, an out-of-range class).
 */
public interface Loss {
    /**
     * The loss of {@code prediction} against {@code target}. Only {@code prediction} is differentiated.
     *
     * @param prediction the model output; its first dimension indexes samples
     * @param target     the labels, in the shape the loss documents; not modified
     * @param mask       null (every sample labelled), or a tensor of shape [N] (N = the first dimension of
     *                   {@code prediction}) holding 1 where the label is present and 0 where it is missing
     * @return a scalar for {@link Reduction#MEAN} and {@link Reduction#SUM}; the per-element losses for
     *         {@link Reduction#NONE}
     * @throws polyhead.tensor.ShapeException if the shapes do not fit, naming every shape involved
     * @throws IllegalArgumentException       if a mask value is not 0 or 1, or a target is invalid for the loss
     */
    Var apply(Var prediction, Tensor target, Tensor mask);

    /** The loss with every sample labelled: {@code apply(prediction, target, null)}. */
    default Var apply(Var prediction, Tensor target) {
        return apply(prediction, target, null);
    }

    Reduction reduction();

    /** The loss's name as in {@link Losses} ({@code "crossEntropy"}, {@code "mse"}, …), used in error messages. */
    String name();

    /**
     * The loss as JSON-ready values, named as in the JSON spec: {@code type} (its {@link #name()}),
     * {@code reduction} ({@code "mean"}, {@code "sum"}, {@code "none"}) and the loss's own settings
     * ({@code labelSmoothing}, {@code delta}); what a checkpoint records to rebuild the loss
     * ({@code polyhead.experiment.ModelDescription}).
     */
    default Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", name());
        m.put("reduction", reduction().name().toLowerCase(Locale.ROOT));
        return m;
    }
}
