package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/**
 * A quality measure of one task's predictions, accumulated over batches: {@link #newAccumulator()} starts a count,
 * {@link Accumulator#add} adds a batch, {@link Accumulator#result()} gives the value over everything added.
 * Samples whose mask is 0 (missing label) are ignored. Instances are immutable and come from {@link Metrics}, which
 * states the conventions on inputs, masks and errors that every metric follows.
 */
public interface Metric {
    /** The name used in histories and monitors, e.g. {@code accuracy}, {@code f1_macro}, {@code mean_iou}. */
    String name();

    /** The label types this metric is defined for. */
    Set<LabelType> labelTypes();

    /** True if larger values are better (accuracy), false if smaller are (MSE). */
    boolean higherIsBetter();

    Accumulator newAccumulator();

    /** A running computation of the metric. */
    interface Accumulator {
        /**
         * Adds one batch.
         *
         * @param predictions the model's raw output for the task (logits for classification)
         * @param targets     the labels
         * @param mask        null, or [N] with 1 where the label is present and 0 where it is missing
         */
        void add(Tensor predictions, Tensor targets, Tensor mask);

        /** Adds one batch with every sample labelled: {@code add(predictions, targets, null)}. */
        default void add(Tensor predictions, Tensor targets) {
            add(predictions, targets, null);
        }

        /** The metric over all samples added; NaN if none was. */
        double result();
    }
}
