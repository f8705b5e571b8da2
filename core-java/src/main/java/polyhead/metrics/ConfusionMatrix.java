package polyhead.metrics;

import java.util.function.ToDoubleFunction;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Counts of (target class, predicted class) pairs over the labelled positions of the batches added, the predicted
 * class being the argmax of the logits (first on ties). Rows are target classes and columns predicted classes, as
 * scikit-learn's {@code confusion_matrix}. Not a {@link Metric}, since its result is a matrix; it is also what
 * accuracy, precision, recall, F1, pixel accuracy and mean IoU on class indices are computed from.
 *
 * <p>Inputs are logits [N, C] with targets [N], or per position logits [N, C, d1, …, dk] with targets
 * [N, d1, …, dk] (a segmentation map [N, C, H, W] with [N, H, W]); targets are floats holding class indices, and
 * the mask is null or [N] of 0/1, as for {@link polyhead.loss.Losses#crossEntropy()}. Counts are longs. Obtain one
 * from {@link Metrics#confusionMatrix(int)}.
 */
public final class ConfusionMatrix {
    /** The name used in messages. */
    public static final String NAME = "confusion_matrix";

    private final String metric;
    private final boolean classesFixed;
    private int classes;
    private long[] counts;
    private long total;

    /** Counts for exactly {@code numClasses} classes; messages name {@code metric}. */
    ConfusionMatrix(String metric, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException(metric + ": numClasses must be at least 1, got " + numClasses);
        }
        this.metric = metric;
        this.classesFixed = true;
        this.classes = numClasses;
        this.counts = new long[numClasses * numClasses];
    }

    /** Counts for as many classes as the first batch's logits have; later batches must have as many. */
    private ConfusionMatrix(String metric) {
        this.metric = metric;
        this.classesFixed = false;
        this.counts = new long[0];
    }

    /** The counts behind a scalar metric named {@code metric}, with the number of classes taken from the logits. */
    static ConfusionMatrix forMetric(String metric) {
        return new ConfusionMatrix(metric);
    }

    /** {@link #add(Tensor, Tensor, Tensor)} with every sample labelled. */
    public void add(Tensor logits, Tensor targets) {
        add(logits, targets, null);
    }

    /**
     * Adds one batch.
     *
     * @param logits  [N, C, d1, …]; not modified
     * @param targets [N, d1, …], class indices in [0, C) wherever the mask is 1; not modified
     * @param mask    null, or [N] with 1 where the label is present and 0 where it is missing; or per token [N, T]
     *                (logits [N, T, C], targets [N, T]), 0 at padding and missing labels
     * @throws ShapeException           if the shapes do not fit, or C differs from the expected number of classes
     * @throws IllegalArgumentException if a mask value is not 0 or 1, or a labelled target is not a class index
     */
    public void add(Tensor logits, Tensor targets, Tensor mask) {
        if (Tokens.marksTokens(logits, targets, mask)) {
            Tokens.Flat f = Tokens.flatten(metric, logits, targets, mask);
            add(f.logits(), f.targets(), f.mask());
            return;
        }
        Inputs.requireClassShapes(metric, logits, targets);
        String shapes = Inputs.shapes("logits", logits, targets);
        int c = logits.shape().dim(1);
        if (classes != 0 && c != classes) {
            throw new ShapeException(metric + ": " + shapes + " have " + c + " classes, "
                    + (classesFixed ? "expected " : "but earlier batches had ") + classes);
        }
        int samples = logits.shape().dim(0);
        boolean[] kept = Inputs.keptSamples(metric, shapes, samples, mask);
        int positions = logits.shape().sizeBetween(2, logits.rank());
        float[] x = logits.data();
        // validate the whole batch before counting, so that a rejected batch leaves the counts as they were
        int[] target = new int[targets.size()];
        for (int n = 0; n < samples; n++) {
            for (int e = n * positions; kept[n] && e < (n + 1) * positions; e++) {
                target[e] = Inputs.classIndex(metric, targets, e, c);
            }
        }
        if (classes == 0) {
            classes = c;
            counts = new long[c * c];
        }
        for (int n = 0; n < samples; n++) {
            for (int s = 0; kept[n] && s < positions; s++) {
                int predicted = Inputs.argmax(x, n * c * positions + s, positions, c);
                counts[target[n * positions + s] * c + predicted]++;
                total++;
            }
        }
    }

    /**
     * An accumulator of segmentation maps (logits [N, C, H, W], targets [N, H, W], checked as such) into these
     * counts, reading {@code result} from them.
     */
    Metric.Accumulator pixelAccumulator(ToDoubleFunction<ConfusionMatrix> result) {
        return new Metric.Accumulator() {
            @Override
            public void add(Tensor logits, Tensor targets, Tensor mask) {
                Inputs.requirePixelShapes(metric, logits, targets);
                ConfusionMatrix.this.add(logits, targets, mask);
            }

            @Override
            public double result() {
                return result.applyAsDouble(ConfusionMatrix.this);
            }
        };
    }

    /** The number of classes: as given, or as the first batch had (0 before it). */
    public int numClasses() {
        return classes;
    }

    /** The number of positions counted. */
    public long total() {
        return total;
    }

    /** A copy of the counts: {@code result()[target][predicted]}, numClasses × numClasses, all 0 if nothing was added. */
    public long[][] result() {
        long[][] m = new long[classes][classes];
        for (int t = 0; t < classes; t++) {
            System.arraycopy(counts, t * classes, m[t], 0, classes);
        }
        return m;
    }

    /**
     * Each class's F1 = 2tp/(2tp + fp + fn) over the positions counted, by class index (0 where tp = fp = fn = 0, as
     * scikit-learn's {@code f1_score(average=None, zero_division=0)}): per-tag F1 of a tagger, whose macro average
     * over the present classes is {@link Metrics#f1(Average) f1_macro}.
     */
    public double[] f1PerClass() {
        ClassCounts k = classCounts();
        double[] f1 = new double[classes];
        for (int c = 0; c < classes; c++) {
            long den = 2 * k.tp()[c] + k.fp()[c] + k.fn()[c];
            f1[c] = den == 0 ? 0 : 2.0 * k.tp()[c] / den;
        }
        return f1;
    }

    /** The fraction of positions whose predicted class is the target: trace / total; NaN if nothing was added. */
    double accuracy() {
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += counts[c * classes + c];
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Per class c: tp = m[c][c], fp = column sum − tp, fn = row sum − tp. */
    ClassCounts classCounts() {
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                long k = counts[t * classes + p];
                if (t == p) {
                    tp[t] += k;
                } else {
                    fn[t] += k;
                    fp[p] += k;
                }
            }
        }
        return new ClassCounts(tp, fp, fn);
    }
}
