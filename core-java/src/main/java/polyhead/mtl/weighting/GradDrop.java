package polyhead.mtl.weighting;

import java.util.Random;

import polyhead.tensor.Tensor;

/**
 * GradDrop: gradient sign dropout (Chen, Ngiam, Huang, Luong, Kretzschmar, Chai &amp; Anguelov, "Just Pick a Sign:
 * Optimizing Deep Multitask Models with Gradient Sign Dropout", NeurIPS 2020, Sec. 3 and Alg. 1; we could not check
 * its equation numbers). At the shared representation z, each feature keeps, at random, only the task gradients of
 * one sign, choosing positive with the probability that measures how positive the tasks' gradients are there.
 *
 * <p>With task t's gradient ∇_t of the shared representation z ([batch, features…], as z), for each feature k (an
 * element of z's shape after the batch dimension):
 * <pre>
 *   s_{t,k} = Σ_b ∇_t[b, k] · sign(z[b, k])                              (summed over the batch)
 *   P_k = ½ (1 + Σ_t s_{t,k} / (Σ_t |s_{t,k}| + 1e-7))                   (positive sign purity)
 *   U_k ~ uniform[0, 1),   M_{t,k} = [P_k &gt; U_k and s_{t,k} &gt; 0] or [P_k &lt; U_k and s_{t,k} &lt; 0]
 *   ∇z = Σ_t ∇_t · (ℓ + (1 − ℓ) M_t)                                     (mask broadcast over the batch)
 * </pre>
 * with the leak ℓ ({@link #DEFAULT_LEAK}, LibMTL's default: a dropped gradient is dropped entirely). U is drawn from
 * {@link WeightingContext#rng()} (one float per feature, in order), so runs are reproducible. Heads are weighted 1.
 *
 * <p>As LibMTL's {@code GradDrop.py} (commit 4336804), including the multiplication by sign(z) (sign(0) = 0) before
 * the batch sum — the paper's marginalization over the batch for a layer whose inputs are per sample — and P and
 * the comparisons in float. Only gradients of the shared representation: the method masks per feature of z and needs
 * z's values, which gradients of the shared parameters do not have ({@link #acceptsParameterGradients()}; LibMTL
 * refuses them as well). The trainer passes z in {@link TaskGradients#representation()}, its first dimension the
 * batch. Only at the shared representation, not at every layer as the paper also allows.
 */
public final class GradDrop implements GradientWeighting {
    /** ℓ = 0, LibMTL's default {@code leak}. */
    public static final double DEFAULT_LEAK = 0;
    static final String NAME = "gradDrop";

    private final double leak;

    GradDrop(double leak) {
        if (!(leak >= 0 && leak <= 1)) {
            throw new IllegalArgumentException(NAME + ": leak must be in [0, 1], got " + leak);
        }
        this.leak = leak;
    }

    @Override
    public String name() {
        return NAME;
    }

    public double leak() {
        return leak;
    }

    @Override
    public boolean acceptsParameterGradients() {
        return false;
    }

    @Override
    public Combination combine(TaskGradients gradients, WeightingContext ctx) {
        if (ctx == null || ctx.rng() == null) {
            throw new IllegalArgumentException(NAME + ": needs ctx.rng() to draw the sign choices");
        }
        Random rng = ctx.rng();
        return combine(gradients, features -> {
            float[] u = new float[features];
            for (int k = 0; k < features; k++) {
                u[k] = rng.nextFloat();
            }
            return u;
        });
    }

    /** Draws the uniform vector U for a given number of features. */
    @FunctionalInterface
    interface Uniform {
        float[] draw(int features);
    }

    /** {@link #combine(TaskGradients, WeightingContext)} with U drawn by {@code uniform}. */
    Combination combine(TaskGradients gradients, Uniform uniform) {
        GradientRows.check(NAME, gradients);
        Tensor z = gradients.representation();
        if (z == null) {
            throw new IllegalArgumentException(NAME + ": needs the shared representation's values (gradients of the "
                    + "shared representation); it masks per feature of the representation");
        }
        float[][] g = gradients.grads();
        int tasks = g.length;
        int size = g[0].length;
        int batch = z.shape().dim(0);
        int features = batch == 0 ? 0 : size / batch;
        float[] values = z.data();
        double[][] signed = new double[tasks][features];
        for (int t = 0; t < tasks; t++) {
            for (int i = 0; i < size; i++) {
                signed[t][i % features] += g[t][i] * Math.signum(values[i]);
            }
        }
        float[] u = uniform.draw(features);
        float[][] keep = new float[tasks][features];
        for (int k = 0; k < features; k++) {
            double sum = 0;
            double abs = 0;
            for (int t = 0; t < tasks; t++) {
                sum += (float) signed[t][k];
                abs += Math.abs((float) signed[t][k]);
            }
            float purity = (float) (0.5 * (1 + sum / (abs + 1e-7)));
            for (int t = 0; t < tasks; t++) {
                float s = (float) signed[t][k];
                boolean kept = purity > u[k] && s > 0 || purity < u[k] && s < 0;
                keep[t][k] = (float) (leak + (1 - leak) * (kept ? 1 : 0));
            }
        }
        double[] out = new double[size];
        for (int t = 0; t < tasks; t++) {
            for (int i = 0; i < size; i++) {
                out[i] += g[t][i] * keep[t][i % features];
            }
        }
        return GradientRows.headsWeightedOne(GradientRows.toFloat(out), tasks);
    }
}
