package polyhead.metrics;

import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Per-label counts for binary labels: logits and 0/1 targets of one shape [N] or [N, d1, …], each of the D = d1·…
 * elements of a sample being one label (D = 1 for [N]), predicted positive where its logit is > 0 (probability
 * > 0.5). The labels are scikit-learn's multilabel-indicator columns; later batches must have the first one's D.
 */
final class BinaryCounts {
    private final String metric;
    private int labels = -1;
    private long[] tp;
    private long[] fp;
    private long[] fn;
    private long total;
    private long correct;

    BinaryCounts(String metric) {
        this.metric = metric;
    }

    void add(Tensor logits, Tensor targets, Tensor mask) {
        Inputs.requireEqualShapes(metric, "logits", logits, targets, "equal shapes [N] or [N, D]");
        String shapes = Inputs.shapes("logits", logits, targets);
        int samples = logits.shape().dim(0);
        int d = logits.shape().sizeBetween(1, logits.rank());
        if (labels >= 0 && d != labels) {
            throw new ShapeException(metric + ": " + shapes + " have " + d + " labels per sample, but earlier "
                    + "batches had " + labels);
        }
        boolean[] kept = Inputs.keptSamples(metric, shapes, samples, mask);
        boolean[] positive = new boolean[targets.size()];
        for (int n = 0; n < samples; n++) {
            for (int e = n * d; kept[n] && e < (n + 1) * d; e++) {
                positive[e] = Inputs.binaryLabel(metric, targets, e);
            }
        }
        if (labels < 0) {
            labels = d;
            tp = new long[d];
            fp = new long[d];
            fn = new long[d];
        }
        float[] x = logits.data();
        for (int n = 0; n < samples; n++) {
            for (int j = 0; kept[n] && j < d; j++) {
                int e = n * d + j;
                boolean predicted = x[e] > 0;
                if (predicted && positive[e]) {
                    tp[j]++;
                } else if (predicted) {
                    fp[j]++;
                } else if (positive[e]) {
                    fn[j]++;
                }
                correct += predicted == positive[e] ? 1 : 0;
                total++;
            }
        }
    }

    /** (tp + tn) / total over every labelled element; NaN if nothing was added. */
    double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    long total() {
        return total;
    }

    /** The counts of the positive class of each label. */
    ClassCounts classCounts() {
        return new ClassCounts(tp.clone(), fp.clone(), fn.clone());
    }
}
