package polyhead.metrics;

import java.util.function.ToDoubleFunction;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * The counts behind accuracy, precision, recall and F1, for either label type, told apart by shape: logits of the
 * targets' shape are binary labels ({@link BinaryCounts}); logits [N, C, …] with targets [N, …] are class indices
 * ({@link ConfusionMatrix}, C from the logits); per-token logits [N, T, C] with targets and a mask [N, T] count each
 * labelled token as a sample ({@link Tokens}). All batches that count something must be of the same kind.
 */
final class ClassificationCounts {
    private final String metric;
    private ConfusionMatrix classes;
    private BinaryCounts labels;

    ClassificationCounts(String metric) {
        this.metric = metric;
    }

    void add(Tensor logits, Tensor targets, Tensor mask) {
        if (Tokens.marksTokens(logits, targets, mask)) {
            Tokens.Flat f = Tokens.flatten(metric, logits, targets, mask);
            add(f.logits(), f.targets(), f.mask());
            return;
        }
        String shapes = Inputs.shapes("logits", logits, targets);
        if (logits.shape().equals(targets.shape())) {
            if (classes != null && classes.total() > 0) {
                throw new ShapeException(metric + ": " + shapes + " are binary labels, but earlier batches held "
                        + "class indices");
            }
            labels = labels == null ? new BinaryCounts(metric) : labels;
            labels.add(logits, targets, mask);
        } else if (logits.rank() == targets.rank() + 1) {
            if (labels != null && labels.total() > 0) {
                throw new ShapeException(metric + ": " + shapes + " are class indices, but earlier batches held "
                        + "binary labels");
            }
            classes = classes == null ? ConfusionMatrix.forMetric(metric) : classes;
            classes.add(logits, targets, mask);
        } else {
            throw new ShapeException(metric + ": " + shapes + " do not match; expected logits [N, C] with targets "
                    + "[N] (class indices) or logits and targets of one shape (binary labels)");
        }
    }

    /** An accumulator that adds batches to these counts and reads {@code result} from them. */
    Metric.Accumulator accumulator(ToDoubleFunction<ClassificationCounts> result) {
        return new Metric.Accumulator() {
            @Override
            public void add(Tensor predictions, Tensor targets, Tensor mask) {
                ClassificationCounts.this.add(predictions, targets, mask);
            }

            @Override
            public double result() {
                return result.applyAsDouble(ClassificationCounts.this);
            }
        };
    }

    /** NaN if nothing was added. */
    double accuracy() {
        if (classes != null && classes.total() > 0) {
            return classes.accuracy();
        }
        return labels != null && labels.total() > 0 ? labels.accuracy() : Double.NaN;
    }

    /** NaN if nothing was added, else the score. */
    double score(ClassScore score, Average average) {
        if (classes != null && classes.total() > 0) {
            return score.average(classes.classCounts(), average);
        }
        if (labels != null && labels.total() > 0) {
            return score.average(labels.classCounts(), average);
        }
        return Double.NaN;
    }
}
