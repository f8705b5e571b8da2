package polyhead.loss;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * What every loss shares: validating the mask, computing per-element losses of the labelled samples only, reducing
 * them, and the backward pass of that reduction. A loss supplies a {@link Kernel} for one sample; masked samples
 * are never passed to it, so their targets are never read and their gradient stays exactly 0.
 */
final class MaskedReduction {
    private MaskedReduction() {
    }

    /** The per-sample forward and backward rule of one loss. */
    interface Kernel {
        /**
         * Writes the losses of sample {@code n}'s elements into {@code losses[n·k, (n+1)·k)}, k = elements per sample
         * of the unreduced loss.
         */
        void forward(int n, double[] losses);

        /**
         * Writes ∂(Σ_e w[e]·ℓ[e])/∂prediction for the elements e of sample {@code n} into that sample's slice of
         * {@code grad} (which has the prediction's shape).
         */
        void backward(int n, double[] weights, float[] grad);
    }

    /**
     * Reduces a loss over the samples the mask keeps.
     *
     * @param loss       the loss's name, for messages and the graph node
     * @param shapes     the inputs' shapes as messages show them, e.g. {@code "logits [6, 5] and targets [6]"}
     * @param lossShape  the shape of the unreduced loss; its first dimension (if any) indexes samples
     * @param mask       null or [N] of 0/1
     */
    static Var apply(String loss, String shapes, Reduction reduction, Var prediction, Tensor mask, Shape lossShape,
            Kernel kernel) {
        int samples = lossShape.rank() == 0 ? 1 : lossShape.dim(0);
        boolean[] valid = validSamples(loss, shapes, lossShape, samples, mask);
        int perSample = lossShape.sizeBetween(1, lossShape.rank());

        double[] losses = new double[lossShape.size()];
        double sum = 0;
        int count = 0;
        for (int n = 0; n < samples; n++) {
            if (valid[n]) {
                kernel.forward(n, losses);
                for (int e = n * perSample; e < (n + 1) * perSample; e++) {
                    sum += losses[e];
                }
                count += perSample;
            }
        }

        Tensor value;
        if (reduction == Reduction.NONE) {
            float[] out = Arena.floats(losses.length);
            for (int e = 0; e < out.length; e++) {
                out[e] = (float) losses[e]; // masked entries were never written: 0
            }
            value = Tensor.wrap(lossShape, out);
        } else {
            // a mean over no valid element is 0 (not PyTorch's NaN): an all-missing batch must not poison training
            double reduced = reduction == Reduction.SUM ? sum : count == 0 ? 0 : sum / count;
            value = Tensor.scalar((float) reduced);
        }

        int validCount = count;
        int size = losses.length;
        return Var.result(value, loss, g -> {
            double[] weights = new double[size];
            if (reduction == Reduction.NONE) {
                float[] dg = g.data();
                for (int e = 0; e < weights.length; e++) {
                    weights[e] = dg[e];
                }
            } else {
                double w = reduction == Reduction.SUM ? g.item() : validCount == 0 ? 0 : (double) g.item() / validCount;
                Arrays.fill(weights, w);
            }
            float[] grad = Arena.floats(prediction.value().size());
            for (int n = 0; n < samples; n++) {
                if (valid[n]) {
                    kernel.backward(n, weights, grad);
                }
            }
            prediction.addFreshGrad(Tensor.wrap(prediction.shape(), grad));
        }, prediction);
    }

    /** Which samples carry a label: all without a mask, else those whose mask is 1. */
    private static boolean[] validSamples(String loss, String shapes, Shape lossShape, int samples, Tensor mask) {
        boolean[] valid = new boolean[samples];
        if (mask == null) {
            Arrays.fill(valid, true);
            return valid;
        }
        if (lossShape.rank() == 0) {
            throw new ShapeException(loss + ": mask " + mask.shape() + " given for " + shapes
                    + ", which have no sample dimension");
        }
        if (!mask.shape().equals(Shape.of(samples))) {
            throw new ShapeException(loss + ": mask " + mask.shape() + " does not match " + shapes
                    + "; expected mask [" + samples + "]");
        }
        float[] m = mask.data();
        for (int n = 0; n < samples; n++) {
            if (m[n] != 0f && m[n] != 1f) {
                throw new IllegalArgumentException(loss + ": mask[" + n + "] = " + m[n] + ", expected 0 or 1");
            }
            valid[n] = m[n] == 1f;
        }
        return valid;
    }
}
