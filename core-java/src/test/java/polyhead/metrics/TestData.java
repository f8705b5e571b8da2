package polyhead.metrics;

import java.util.Random;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Small tensors for the metric tests. */
final class TestData {
    private TestData() {
    }

    /** A tensor of the given values in shape {@code dims}. */
    static Tensor t(int[] dims, float... values) {
        return Tensor.of(values, dims);
    }

    /** A [n] tensor of the values. */
    static Tensor vec(float... values) {
        return Tensor.of(values, values.length);
    }

    /** Logits [N, C] whose argmax is {@code predicted[n]}, strictly: 1 there, 0 elsewhere. */
    static Tensor oneHotLogits(int classes, int... predicted) {
        Tensor t = Tensor.zeros(predicted.length, classes);
        for (int n = 0; n < predicted.length; n++) {
            t.set(1, n, predicted[n]);
        }
        return t;
    }

    /** Class indices in [0, classes) as floats, in the given shape. */
    static Tensor classes(Random rng, int classes, int... dims) {
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = rng.nextInt(classes);
        }
        return t;
    }

    /** 0/1 values in the given shape. */
    static Tensor binary(Random rng, int... dims) {
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = rng.nextBoolean() ? 1 : 0;
        }
        return t;
    }

    /** Values on a grid of 1/2 in [−2, 2], so that ties are frequent. */
    static Tensor halves(Random rng, int... dims) {
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (rng.nextInt(9) - 4) / 2f;
        }
        return t;
    }

    /** Rows {@code keep} of a tensor along its first dimension. */
    static Tensor rows(Tensor t, int... keep) {
        int per = t.shape().sizeBetween(1, t.rank());
        float[] r = new float[keep.length * per];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(t.data(), keep[i] * per, r, i * per, per);
        }
        return Tensor.wrap(t.shape().with(0, keep.length), r);
    }

    /** Rows [from, to) of a tensor along its first dimension. */
    static Tensor slice(Tensor t, int from, int to) {
        int[] keep = new int[to - from];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = from + i;
        }
        return rows(t, keep);
    }

    /** The metric of one batch. */
    static double once(Metric metric, Tensor predictions, Tensor targets, Tensor mask) {
        Metric.Accumulator a = metric.newAccumulator();
        a.add(predictions, targets, mask);
        return a.result();
    }

    static double once(Metric metric, Tensor predictions, Tensor targets) {
        return once(metric, predictions, targets, null);
    }

    /** Sets every element of sample n of {@code t} to {@code value}. */
    static void fillRow(Tensor t, int n, float value) {
        int per = t.shape().sizeBetween(1, t.rank());
        java.util.Arrays.fill(t.data(), n * per, (n + 1) * per, value);
    }

    static Shape shape(int... dims) {
        return Shape.of(dims);
    }
}
