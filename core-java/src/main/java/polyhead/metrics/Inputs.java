package polyhead.metrics;

import java.util.Arrays;
import java.util.Objects;

import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * The checks every metric shares, with the conventions of {@code polyhead.loss}: the mask is null or [N] of 0/1;
 * a masked sample is skipped before its target is read, so its target may hold any placeholder (NaN, an
 * out-of-range class); every message is one line that starts with the metric's name.
 */
final class Inputs {
    private Inputs() {
    }

    /** "logits [4, 3] and targets [4]", as messages show a pair of inputs. */
    static String shapes(String predictionName, Tensor predictions, Tensor targets) {
        Objects.requireNonNull(predictions, "predictions");
        Objects.requireNonNull(targets, "targets");
        return predictionName + " " + predictions.shape() + " and targets " + targets.shape();
    }

    /** Predictions and targets of one shape with a sample dimension: binary labels and real values. */
    static void requireEqualShapes(String metric, String predictionName, Tensor predictions, Tensor targets,
            String expected) {
        String shapes = shapes(predictionName, predictions, targets);
        if (!predictions.shape().equals(targets.shape()) || predictions.rank() == 0) {
            throw new ShapeException(metric + ": " + shapes + " do not match; expected " + expected);
        }
    }

    /** Logits [N, C, d1, …] with class-index targets [N, d1, …] and C ≥ 1. */
    static void requireClassShapes(String metric, Tensor logits, Tensor targets) {
        String shapes = shapes("logits", logits, targets);
        Shape ls = logits.shape();
        if (ls.rank() < 2 || !targets.shape().equals(ls.without(1))) {
            throw new ShapeException(metric + ": " + shapes + " do not match; expected logits [N, C, d1, ...] and "
                    + "targets [N, d1, ...]");
        }
        if (ls.dim(1) == 0) {
            throw new ShapeException(metric + ": " + shapes + " have no classes (C = 0)");
        }
    }

    /** Per-pixel logits [N, C, H, W] with targets [N, H, W]; any [N, C, d1, …, dk] with [N, d1, …, dk], k ≥ 1. */
    static void requirePixelShapes(String metric, Tensor logits, Tensor targets) {
        if (logits.rank() < 3) {
            throw new ShapeException(metric + ": " + shapes("logits", logits, targets) + " are not per-pixel; "
                    + "expected logits [N, C, H, W] and targets [N, H, W]");
        }
    }

    /**
     * Which of the {@code samples} samples carry a label: all without a mask, else those whose mask is 1.
     *
     * @param shapes the inputs as messages show them, see {@link #shapes}
     */
    static boolean[] keptSamples(String metric, String shapes, int samples, Tensor mask) {
        boolean[] kept = new boolean[samples];
        if (mask == null) {
            Arrays.fill(kept, true);
            return kept;
        }
        if (!mask.shape().equals(Shape.of(samples))) {
            throw new ShapeException(metric + ": mask " + mask.shape() + " does not match " + shapes
                    + "; expected mask [" + samples + "]");
        }
        float[] m = mask.data();
        for (int n = 0; n < samples; n++) {
            if (m[n] != 0f && m[n] != 1f) {
                throw new IllegalArgumentException(metric + ": mask[" + n + "] = " + m[n] + ", expected 0 or 1");
            }
            kept[n] = m[n] == 1f;
        }
        return kept;
    }

    /** Target element {@code e} as a class index, which must be integral and in [0, classes). */
    static int classIndex(String metric, Tensor targets, int e, int classes) {
        float t = targets.data()[e];
        if (!(t >= 0 && t < classes && t == Math.rint(t))) {
            throw new IllegalArgumentException(metric + ": target " + t + " at " + where(targets.shape(), e)
                    + " is not a class index in [0, " + classes + ")");
        }
        return (int) t;
    }

    /** Target element {@code e} as a binary label, which must be 0 or 1. */
    static boolean binaryLabel(String metric, Tensor targets, int e) {
        float t = targets.data()[e];
        if (t != 0f && t != 1f) {
            throw new IllegalArgumentException(metric + ": target " + t + " at " + where(targets.shape(), e)
                    + " is not 0 or 1");
        }
        return t == 1f;
    }

    /** Target element {@code e} as a real value, which must be finite. */
    static double realValue(String metric, Tensor targets, int e) {
        float t = targets.data()[e];
        if (!Float.isFinite(t)) {
            throw new IllegalArgumentException(metric + ": target " + t + " at " + where(targets.shape(), e)
                    + " is not a finite number");
        }
        return t;
    }

    /** "sample 3" for targets [N], "position [1, 2, 3]" for [N, d1, …]: element {@code e} in row-major order. */
    static String where(Shape targets, int e) {
        if (targets.rank() == 1) {
            return "sample " + e;
        }
        int[] index = new int[targets.rank()];
        for (int d = targets.rank() - 1, rest = e; d >= 0; d--) {
            index[d] = rest % targets.dim(d);
            rest /= targets.dim(d);
        }
        return "position " + Arrays.toString(index);
    }

    /**
     * The class with the largest logit among the {@code classes} values {@code x[base + c·stride]}: the first on
     * ties, with NaN counting as largest, as {@code numpy.argmax} and {@code torch.argmax} do.
     */
    static int argmax(float[] x, int base, int stride, int classes) {
        int best = 0;
        float max = x[base];
        for (int c = 1; c < classes && !Float.isNaN(max); c++) {
            float v = x[base + c * stride];
            if (v > max || Float.isNaN(v)) {
                best = c;
                max = v;
            }
        }
        return best;
    }
}
