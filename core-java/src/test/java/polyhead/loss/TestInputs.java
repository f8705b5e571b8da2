package polyhead.loss;

import java.util.Random;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Seeded inputs for the loss tests, kept away from the points where a loss is not differentiable. */
final class TestInputs {
    /** Residuals |d| ≥ 0.25 and at least 0.1 from 0.5 and 1, the Huber thresholds tested; GradCheck's ε is 0.01. */
    private static final float[] OFFSETS = {-1.7f, -0.6f, -0.3f, 0.25f, 0.7f, 1.4f, 2.2f, -0.8f, 0.35f, -2.4f, 1.2f};

    private TestInputs() {
    }

    /** Class indices in [0, classes) as floats, in the given shape. */
    static Tensor classes(long seed, int classes, int... dims) {
        Random rng = new Random(seed);
        Tensor t = Tensor.zeros(dims);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = rng.nextInt(classes);
        }
        return t;
    }

    /** {@code prediction} plus residuals that avoid the kinks of MAE and Huber. */
    static Tensor awayFromKinks(Tensor prediction) {
        Tensor t = prediction.copy();
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] -= OFFSETS[i % OFFSETS.length];
        }
        return t;
    }

    /** Zeros and ones in a [n] mask, at least one of each for n ≥ 2. */
    static Tensor mask(float... values) {
        return Tensor.of(values, values.length);
    }

    /** 0/1 targets for BCE. */
    static Tensor binary(long seed, Shape shape) {
        Random rng = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = rng.nextBoolean() ? 1 : 0;
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
}
