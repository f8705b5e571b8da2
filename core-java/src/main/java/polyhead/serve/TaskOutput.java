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
 * </ul>
 *
 * Probabilities are computed in double precision and rounded to float. The tensors and the array are this call's
 * own: nothing else holds them.
 */
public record TaskOutput(String task, LabelType labels, Tensor raw, Tensor probabilities, int[] predicted) {
}
