package polyhead.autodiff.ops;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Layer normalization over the last axis as one fused node (Ba, Kiros &amp; Hinton, 2016, "Layer Normalization",
 * Eq. 4, with PyTorch's biased variance and ε inside the root): for each row x of F values,
 * {@code y = (x − μ) / √(σ² + ε) · γ + β}. The same function as composing the mean, subtraction, variance, root,
 * division, product and sum primitives, in one pass per row instead of seven nodes with their broadcasts; the
 * Transformer's layers normalize every token twice, so this matters for their step time. μ and σ² are accumulated in
 * double per row, so results can differ from the composed form in the last bits of float.
 *
 * <p>Backward, with x̂ = (x − μ)/√(σ² + ε), r = 1/√(σ² + ε) and h = g ⊙ γ per row:
 * ∂/∂x = r · (h − mean(h) − x̂ · mean(h ⊙ x̂)), ∂/∂γ = Σ_rows g ⊙ x̂, ∂/∂β = Σ_rows g.
 */
public final class LayerNorms {
    private LayerNorms() {
    }

    /**
     * Normalizes {@code x} [..., F] over its last axis.
     *
     * @param weight γ [F], or null for none (with {@code bias} null too: no affine part)
     * @param bias   β [F], or null for none
     * @throws ShapeException naming the shapes if γ or β is not [F]
     */
    public static Var layerNorm(Var x, Var weight, Var bias, float eps) {
        Shape s = x.shape();
        if (s.rank() == 0) {
            throw new ShapeException("layer norm: input " + s + " has no axis to normalize");
        }
        int f = s.dim(s.rank() - 1);
        for (Var p : new Var[] {weight, bias}) {
            if (p != null && !p.shape().equals(Shape.of(f))) {
                throw new ShapeException("layer norm: weight or bias " + p.shape() + " is not [" + f + "] for input "
                        + s);
            }
        }
        int rows = f == 0 ? 0 : s.size() / f;
        float[] xd = x.value().data();
        float[] w = weight == null ? null : weight.value().data();
        float[] b = bias == null ? null : bias.value().data();
        float[] out = Arena.floatsToOverwrite(s.size()); // every element written
        float[] xhat = Arena.floatsToOverwrite(s.size());
        float[] rstd = Arena.floatsToOverwrite(rows);
        for (int r = 0; r < rows; r++) {
            int o = r * f;
            double sum = 0;
            for (int j = 0; j < f; j++) {
                sum += xd[o + j];
            }
            double mean = sum / f;
            double sq = 0;
            for (int j = 0; j < f; j++) {
                double c = xd[o + j] - mean;
                sq += c * c;
            }
            double inv = 1 / Math.sqrt(sq / f + eps);
            rstd[r] = (float) inv;
            for (int j = 0; j < f; j++) {
                float n = (float) ((xd[o + j] - mean) * inv);
                xhat[o + j] = n;
                out[o + j] = w == null ? (b == null ? n : n + b[j]) : b == null ? n * w[j] : n * w[j] + b[j];
            }
        }
        Var[] parents = weight == null ? bias == null ? new Var[] {x} : new Var[] {x, bias}
                : bias == null ? new Var[] {x, weight} : new Var[] {x, weight, bias};
        return Var.result(Tensor.wrap(s, out), "layerNorm", grad -> {
            float[] g = grad.data();
            if (x.requiresGrad()) {
                float[] gx = Arena.floatsToOverwrite(s.size());
                for (int r = 0; r < rows; r++) {
                    int o = r * f;
                    double sumH = 0;
                    double sumHx = 0;
                    for (int j = 0; j < f; j++) {
                        double h = w == null ? g[o + j] : (double) g[o + j] * w[j];
                        sumH += h;
                        sumHx += h * xhat[o + j];
                    }
                    double meanH = sumH / f;
                    double meanHx = sumHx / f;
                    for (int j = 0; j < f; j++) {
                        double h = w == null ? g[o + j] : (double) g[o + j] * w[j];
                        gx[o + j] = (float) (rstd[r] * (h - meanH - xhat[o + j] * meanHx));
                    }
                }
                x.addFreshGrad(Tensor.wrap(s, gx));
            }
            if (weight != null && weight.requiresGrad()) {
                Tensor gw = weight.gradBuffer();
                columnSums(g, xhat, rows, f, gw.data());
                weight.addFreshGrad(gw);
            }
            if (bias != null && bias.requiresGrad()) {
                Tensor gb = bias.gradBuffer();
                columnSums(g, null, rows, f, gb.data());
                bias.addFreshGrad(gb);
            }
        }, parents);
    }

    /** out[j] = Σ_r g[r, j] (· by[r, j] when given), accumulated in double. */
    private static void columnSums(float[] g, float[] by, int rows, int f, float[] out) {
        double[] acc = new double[f];
        for (int r = 0; r < rows; r++) {
            int o = r * f;
            for (int j = 0; j < f; j++) {
                acc[j] += by == null ? g[o + j] : (double) g[o + j] * by[o + j];
            }
        }
        for (int j = 0; j < f; j++) {
            out[j] = (float) acc[j];
        }
    }
}
