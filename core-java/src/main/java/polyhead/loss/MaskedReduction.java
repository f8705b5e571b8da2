package polyhead.loss;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * What every loss shares: validating the mask and the sample weights, computing per-element losses of the labelled
 * samples only, weighting them by their sample's weight, reducing them, and the backward pass of that reduction. A
 * loss supplies a {@link Kernel} for one sample; masked samples are never passed to it, so their targets are never
 * read and their gradient stays exactly 0.
 */
final class MaskedReduction {
    private MaskedReduction() {
    }

    /** The per-sample forward and backward rule of one loss, run over a range of samples at a time. */
    interface Kernel {
        /**
         * For each sample n in [from, to) with {@code valid[n]}, in order, writes the losses of its elements into
         * {@code losses[n·k, (n+1)·k)}, k = elements per sample of the unreduced loss.
         */
        void forward(int from, int to, boolean[] valid, double[] losses);

        /**
         * For each sample n in [from, to) with {@code valid[n]}, writes ∂(Σ_e w[e]·ℓ[e])/∂prediction for its elements
         * e into that sample's slice of {@code grad} (which has the prediction's shape).
         */
        void backward(int from, int to, boolean[] valid, double[] weights, float[] grad);

        /**
         * What sample {@code n} (after its {@link #forward}) adds to the divisor of {@link Reduction#MEAN}: its number
         * of elements, unless the loss weighs classes (PyTorch's weighted mean divides by the targets' class weights).
         */
        default double count(int n, int perSample) {
            return perSample;
        }

        /**
         * Whether {@link #forward} and {@link #backward} may run for several samples at once (each writes only its
         * own sample's slices): then large batches are spread over the cores ({@link Parallel#forRange}).
         */
        default boolean samplesIndependent() {
            return false;
        }
    }

    /** Fewest samples per range when a loss's samples are spread over the cores. */
    static final int SAMPLE_GRAIN = 128;

    /**
     * Reduces a loss over the samples the mask keeps.
     *
     * @param loss       the loss's name, for messages and the graph node
     * @param shapes     the inputs' shapes as messages show them, e.g. {@code "logits [6, 5] and targets [6]"}
     * @param lossShape  the shape of the unreduced loss; its first dimension (if any) indexes samples
     * @param mask       null or [N] of 0/1
     * @param sampleWeights null or [N] of finite values &gt;= 0, each multiplying its sample's losses
     */
    static Var apply(String loss, String shapes, Reduction reduction, Var prediction, Tensor mask,
            Tensor sampleWeights, Shape lossShape, Kernel kernel) {
        int samples = lossShape.rank() == 0 ? 1 : lossShape.dim(0);
        boolean[] valid = validSamples(loss, shapes, lossShape, samples, mask);
        double[] scale = sampleScales(loss, shapes, lossShape, samples, sampleWeights);
        int perSample = lossShape.sizeBetween(1, lossShape.rank());

        double[] losses = new double[lossShape.size()];
        overSamples(kernel, samples, (from, to) -> kernel.forward(from, to, valid, losses));
        double sum = 0;
        double count = 0;
        for (int n = 0; n < samples; n++) {
            if (valid[n]) {
                for (int e = n * perSample; e < (n + 1) * perSample; e++) {
                    losses[e] *= scale[n];
                    sum += losses[e];
                }
                count += kernel.count(n, perSample);
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

        double validCount = count;
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
            for (int e = 0; e < size; e++) {
                weights[e] *= scale[e / Math.max(1, perSample)];
            }
            float[] grad = Arena.floats(prediction.value().size());
            overSamples(kernel, samples, (from, to) -> kernel.backward(from, to, valid, weights, grad));
            prediction.addFreshGrad(Tensor.wrap(prediction.shape(), grad));
        }, prediction);
    }

    /**
     * {@code body} over all samples: over the cores in ranges of at least {@link #SAMPLE_GRAIN} samples when the
     * kernel allows it (the same values: each sample's slices are written by one call, and the losses are summed in
     * order afterwards), else as one range. An input error (a target out of range) is then reported for the first bad
     * sample, as in order: the samples are gone through again in order.
     */
    private static void overSamples(Kernel kernel, int samples, Parallel.RangeTask body) {
        if (kernel.samplesIndependent() && samples >= 2 * SAMPLE_GRAIN) {
            try {
                Parallel.forRange(samples, SAMPLE_GRAIN, body);
                return;
            } catch (IllegalArgumentException e) {
                // again in order below, which throws for the first bad sample
            }
        }
        body.run(0, samples);
    }

    /** Each sample's weight: 1 without weights, else the given ones, which must be [N], finite and &gt;= 0. */
    private static double[] sampleScales(String loss, String shapes, Shape lossShape, int samples, Tensor weights) {
        double[] scale = new double[samples];
        if (weights == null) {
            Arrays.fill(scale, 1);
            return scale;
        }
        if (lossShape.rank() == 0 || !weights.shape().equals(Shape.of(samples))) {
            throw new ShapeException(loss + ": sample weights " + weights.shape() + " do not match " + shapes
                    + "; expected sample weights [" + samples + "]");
        }
        float[] w = weights.data();
        for (int n = 0; n < samples; n++) {
            if (!(w[n] >= 0) || Float.isInfinite(w[n])) {
                throw new IllegalArgumentException(loss + ": sample weight [" + n + "] = " + w[n]
                        + ", expected a finite number >= 0");
            }
            scale[n] = w[n];
        }
        return scale;
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
