package polyhead.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.EnumSet;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
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
     *                   {@code prediction}) holding 1 where the label is present and 0 where it is missing; for
     *                   cross-entropy per token of padded sequences, [N, T] (see {@link Losses#crossEntropy(float,
     *                   Reduction)})
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

    /**
     * The loss with per-sample weights s (Keras' {@code sample_weight}): each labelled sample's loss is multiplied by
     * s_n before the reduction, and {@link Reduction#MEAN} divides by what it divides by without weights (the labelled
     * elements, or for class-weighted cross-entropy the labelled samples' class weights), as Keras divides by the
     * batch size and not by Σ s. A sample whose mask is 0 contributes nothing whatever its weight.
     *
     * @param sampleWeights null (every sample weighs 1), or [N] of finite values &gt;= 0
     * @throws UnsupportedOperationException if weights are given to a loss that does not take them (a loss of the
     *                                       user's own that does not override this method)
     */
    default Var apply(Var prediction, Tensor target, Tensor mask, Tensor sampleWeights) {
        if (sampleWeights == null) {
            return apply(prediction, target, mask);
        }
        throw new UnsupportedOperationException(name() + ": this loss does not take sample weights");
    }

    Reduction reduction();

    /**
     * Why this loss cannot take predictions of per-sample shape {@code output} (e.g. class weights for another number
     * of classes), or null: what a model's builder asks before any data flows. Null unless a loss says otherwise.
     */
    default String outputFault(int[] output) {
        return null;
    }

    /**
     * The labels this loss fits: a task whose labels are not among them is refused when it is built. A loss of the
     * user's own fits every label type unless it says otherwise.
     */
    default Set<LabelType> labelTypes() {
        return EnumSet.allOf(LabelType.class);
    }

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
