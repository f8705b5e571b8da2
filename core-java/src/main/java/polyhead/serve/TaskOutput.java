package polyhead.serve;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/**
 * One task's output for a batch of N samples.
 *
 * <ul>
 *   <li>{@link LabelType#CLASS_INDEX}: {@code raw} the logits [N, C]; {@code probabilities} their softmax [N, C];
 *       {@code predicted} the most probable class of each sample (N indices, the first of equals).</li>
 *   <li>{@link LabelType#PIXEL_CLASS_MAP}: {@code raw} the logits [N, C, H, W]; {@code probabilities} the softmax over
 *       the classes (axis 1); {@code predicted} the most probable class of each pixel, N·H·W indices in row-major
 *       order.</li>
 *   <li>{@link LabelType#BINARY}: {@code raw} the logits; {@code probabilities} their sigmoid, same shape;
 *       {@code predicted} null.</li>
 *   <li>{@link LabelType#REAL_VECTOR}: {@code raw} the values; {@code probabilities} and {@code predicted} null.</li>
 *   <li>{@link LabelType#TOKEN_CLASS}: {@code raw} the logits [N, T, C]; {@code probabilities} the softmax over the
 *       classes (the last axis); {@code predicted} the most probable class of each position, N·T indices in
 *       row-major order (positions past a sentence's length are padding).</li>
 * </ul>
 *
 * Probabilities are computed in double precision and rounded to float. The tensors and the array are this call's
 * own: nothing else holds them.
 */
public record TaskOutput(String task, LabelType labels, Tensor raw, Tensor probabilities, int[] predicted) {
    /**
     * The softmax of the {@code count} values {@code v[start + k·stride]}, computed stably in doubles (the maximum
     * subtracted first): what class probabilities are, here and in the command-line tool's predictions.
     */
    public static double[] softmax(float[] v, int start, int count, int stride) {
        double[] p = new double[count];
        softmax(v, start, count, stride, p);
        return p;
    }

    /** {@link #softmax(float[], int, int, int)} into {@code p}, which holds at least {@code count} values. */
    static void softmax(float[] v, int start, int count, int stride, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            max = Math.max(max, v[start + k * stride]);
        }
        double sum = 0;
        for (int k = 0; k < count; k++) {
            p[k] = Math.exp(v[start + k * stride] - max);
            sum += p[k];
        }
        for (int k = 0; k < count; k++) {
            p[k] /= sum;
        }
    }
}
