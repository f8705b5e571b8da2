package polyhead.autodiff.ops;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** Activation functions and the numerically stable softmax family. */
public final class Activations {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Activations() {
    }

    /**
     * {@code max(x, 0)}; the gradient at 0 is 0 and a NaN propagates (to the output and, as the gradient of a NaN
     * input, unchanged), as in PyTorch.
     */
    public static Var relu(Var x) {
        // Branch-free float loops, not map/zip: relu follows every hidden layer, its input's signs are random, and a
        // compare-and-branch per element mispredicts half the time, and the shared kernels' double lambdas were a
        // large share of a W1 training step (BENCHMARKS.md, implementation notes)
        float[] xd = x.value().data();
        float[] y = Arena.floatsToOverwrite(xd.length); // every element written below
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(xd[i], 0f);
        }
        return Var.result(Tensor.wrap(x.shape(), y), "relu", g -> x.addFreshGrad(Tensor.wrap(x.shape(),
                reluMask(g.data(), y))), x);
    }

    /**
     * ReLU's backward: a new array holding {@code g} where the output {@code y} is not +0 (y &gt; 0 or NaN), else 0.
     * Over all cores from {@link MatMul#PARALLEL_VALUES} values ({@link Parallel#forParts}).
     */
    static float[] reluMask(float[] g, float[] y) {
        float[] gx = Arena.floatsToOverwrite(g.length); // every element written below
        if (g.length < MatMul.PARALLEL_VALUES) {
            ArrayMath.reluMask(g, y, gx, 0, g.length);
        } else {
            Parallel.forParts(g.length, MatMul.ALIGN, (from, to) -> ArrayMath.reluMask(g, y, gx, from, to));
        }
        return gx;
    }

    /** {@code x} for x &gt; 0, {@code slope·x} otherwise (PyTorch's default slope is 0.01). */
    public static Var leakyRelu(Var x, float slope) {
        Tensor out = Elementwise.map(x.value(), v -> v > 0 ? v : slope * v);
        return Var.result(out, "leakyRelu",
                g -> x.addGrad(Elementwise.zip(g, x.value(), (u, v) -> v > 0 ? u : slope * u)), x);
    }

    /** {@code 1/(1+e⁻ˣ)}, evaluated without overflow for large |x|. ∂/∂x = σ(x)(1−σ(x)). */
    public static Var sigmoid(Var x) {
        Tensor out = Elementwise.map(x.value(), Activations::sigmoid);
        return Var.result(out, "sigmoid", g -> x.addGrad(Elementwise.zip(g, out, (u, s) -> u * s * (1 - s))), x);
    }

    /** Hyperbolic tangent. ∂/∂x = 1 − tanh²(x). */
    public static Var tanh(Var x) {
        Tensor out = Elementwise.map(x.value(), Math::tanh);
        return Var.result(out, "tanh", g -> x.addGrad(Elementwise.zip(g, out, (u, t) -> u * (1 - t * t))), x);
    }

    /**
     * GELU in its exact form (PyTorch's default, Hendrycks &amp; Gimpel 2016): {@code x·Φ(x)} with Φ the standard
     * normal CDF, Φ(x) = (1 + erf(x/√2))/2. ∂/∂x = Φ(x) + x·φ(x).
     */
    public static Var gelu(Var x) {
        Tensor out = Elementwise.map(x.value(), v -> v * 0.5 * (1 + Erf.erf(v * INV_SQRT2)));
        return Var.result(out, "gelu", g -> x.addGrad(Elementwise.zip(g, x.value(),
                (u, v) -> u * (0.5 * (1 + Erf.erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)))), x);
    }

    /**
     * Softmax along {@code axis}: {@code e^{x−max} / Σ e^{x−max}} (shifting by the maximum keeps it finite).
     * ∂/∂x = s ⊙ (g − Σ g⊙s).
     */
    public static Var softmax(Var x, int axis) {
        Shape s = x.shape();
        int ax = s.axis(axis);
        int outer = s.sizeBetween(0, ax);
        int len = s.dim(ax);
        int inner = s.sizeBetween(ax + 1, s.rank());
        float[] v = x.value().data();
        float[] out = Arena.floats(v.length);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double max = maxAlong(v, base, len, inner);
                double sum = sumExpAlong(v, base, len, inner, max);
                for (int j = 0; j < len; j++) {
                    out[base + j * inner] = (float) (Math.exp(v[base + j * inner] - max) / sum);
                }
            }
        }
        Tensor result = Tensor.wrap(s, out);
        return Var.result(result, "softmax", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(v.length);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    double dot = 0;
                    for (int j = 0; j < len; j++) {
                        dot += (double) dg[base + j * inner] * out[base + j * inner];
                    }
                    for (int j = 0; j < len; j++) {
                        int k = base + j * inner;
                        gx[k] = (float) (out[k] * (dg[k] - dot));
                    }
                }
            }
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    /**
     * Softmax over the last axis with some entries hidden: {@code softmax(maskedFill(x, mask, −∞), −1)} as one node,
     * the form attention uses (scores [B, H, T, S], a padding or causal mask [B, 1, T, S]). The mask has x's rank and
     * each of its dimensions equals x's or is 1 (broadcast); non-zero hides the entry, which gets probability 0 and
     * gradient 0. Each row's exponentials are computed once and kept in double, so values and gradients are those of
     * the two separate nodes bit for bit. A row with every entry hidden gives NaN, as the separate nodes do (callers
     * refuse such masks first). ∂/∂x = y ⊙ (g − Σ g ⊙ y) per row.
     *
     * @throws ShapeException naming both shapes if the mask does not broadcast to x that way
     */
    public static Var maskedSoftmax(Var x, Tensor mask) {
        Shape s = x.shape();
        Shape m = mask.shape();
        boolean fits = s.rank() >= 1 && m.rank() == s.rank() && m.dim(s.rank() - 1) == s.dim(s.rank() - 1);
        for (int i = 0; fits && i < s.rank(); i++) {
            fits = m.dim(i) == s.dim(i) || m.dim(i) == 1;
        }
        if (!fits) {
            throw new ShapeException("masked softmax: mask " + m + " does not broadcast over the rows of input " + s);
        }
        int len = s.dim(s.rank() - 1);
        int rows = len == 0 ? 0 : s.size() / len;
        float[] v = x.value().data();
        float[] hide = mask.data();
        int[] maskRow = new int[rows];
        int[] index = new int[s.rank() - 1];
        for (int r = 0; r < rows; r++) {
            int off = 0;
            for (int i = 0; i < index.length; i++) {
                off = off * m.dim(i) + (m.dim(i) == 1 ? 0 : index[i]);
            }
            maskRow[r] = off * len;
            for (int i = index.length - 1; i >= 0 && ++index[i] == s.dim(i); i--) {
                index[i] = 0;
            }
        }
        float[] out = Arena.floatsToOverwrite(v.length); // every element written
        double[] e = new double[len];
        for (int r = 0; r < rows; r++) {
            int base = r * len;
            int mb = maskRow[r];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                if (hide[mb + j] == 0) {
                    max = Math.max(max, v[base + j]);
                }
            }
            double sum = 0;
            for (int j = 0; j < len; j++) {
                e[j] = hide[mb + j] == 0 ? Math.exp(v[base + j] - max) : 0;
                sum += e[j];
            }
            for (int j = 0; j < len; j++) {
                out[base + j] = (float) (e[j] / sum);
            }
        }
        return Var.result(Tensor.wrap(s, out), "maskedSoftmax", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floatsToOverwrite(v.length);
            for (int r = 0; r < rows; r++) {
                int base = r * len;
                int mb = maskRow[r];
                double dot = 0;
                for (int j = 0; j < len; j++) {
                    dot += (double) dg[base + j] * out[base + j];
                }
                for (int j = 0; j < len; j++) {
                    gx[base + j] = hide[mb + j] == 0 ? (float) (out[base + j] * (dg[base + j] - dot)) : 0f;
                }
            }
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    /**
     * Log-softmax along {@code axis}: {@code x − max − log Σ e^{x−max}}, finite for any finite input.
     * ∂/∂x = g − softmax(x)·Σ g.
     */
    public static Var logSoftmax(Var x, int axis) {
        Shape s = x.shape();
        int ax = s.axis(axis);
        int outer = s.sizeBetween(0, ax);
        int len = s.dim(ax);
        int inner = s.sizeBetween(ax + 1, s.rank());
        float[] v = x.value().data();
        float[] out = Arena.floats(v.length);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double max = maxAlong(v, base, len, inner);
                double sum = sumExpAlong(v, base, len, inner, max);
                double lse = max + Math.log(sum);
                for (int j = 0; j < len; j++) {
                    out[base + j * inner] = (float) (v[base + j * inner] - lse);
                }
            }
        }
        Tensor result = Tensor.wrap(s, out);
        return Var.result(result, "logSoftmax", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(v.length);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    double total = 0;
                    for (int j = 0; j < len; j++) {
                        total += dg[base + j * inner];
                    }
                    for (int j = 0; j < len; j++) {
                        int k = base + j * inner;
                        gx[k] = (float) (dg[k] - Math.exp(out[k]) * total);
                    }
                }
            }
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /** The maximum of the {@code len} elements of {@code v} from {@code base}, {@code stride} apart (−∞ if none). */
    private static double maxAlong(float[] v, int base, int len, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            max = Math.max(max, v[base + j * stride]);
        }
        return max;
    }

    /** Σ e^{x−shift} over the {@code len} elements of {@code v} from {@code base}, {@code stride} apart. */
    private static double sumExpAlong(float[] v, int base, int len, int stride, double shift) {
        double sum = 0;
        for (int j = 0; j < len; j++) {
            sum += Math.exp(v[base + j * stride] - shift);
        }
        return sum;
    }
}
