package polyhead.autodiff.ops;

import polyhead.autodiff.Backward;
import polyhead.autodiff.Var;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Im2col;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Two-dimensional convolution (cross-correlation, as in every deep-learning library) over NCHW tensors, computed
 * through {@link Im2col} and one matrix product per group of samples (their column matrices side by side).
 */
public final class Convolution {
    /** The largest column matrix of a group of samples, in floats (4 MiB). */
    static final int GROUP_FLOATS = 1 << 20;

    private Convolution() {
    }

    /** {@link #conv2d(Var, Var, Var, int, int, int, int)} with the same stride and padding in both dimensions. */
    public static Var conv2d(Var x, Var weight, Var bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, stride, padding, padding);
    }

    /**
     * PyTorch's {@code F.conv2d(x, weight, bias, stride=(sh, sw), padding=(ph, pw))} with dilation 1 and groups 1.
     * For x [N, C, H, W], weight [O, C, kh, kw] and an optional bias [O], the output y [N, O, Ho, Wo] is
     * <pre>
     *   y[n,o,i,j] = b[o] + Σ_{c,p,q} w[o,c,p,q] · x[n, c, i·sh − ph + p, j·sw − pw + q]
     * </pre>
     * with x read as 0 outside the input, {@code Ho = ⌊(H + 2ph − kh)/sh⌋ + 1} and {@code Wo = ⌊(W + 2pw − kw)/sw⌋ + 1}
     * (rows or columns the last window does not reach are ignored, as in PyTorch).
     *
     * <p>Per sample, with X = im2col(x[n]) of shape (C·kh·kw)×(Ho·Wo) and W the weight seen as O×(C·kh·kw), the
     * output is {@code W·X} and, for an output gradient G [O, Ho·Wo]:
     * ∂/∂x[n] = col2im(Wᵀ·G), ∂/∂w = Σₙ G·Xᵀ, ∂/∂b[o] = Σ_{n,i,j} G[n,o,i,j]. A group of samples is computed at
     * once with their X (and G) side by side: [X₁ X₂ …] is one (C·kh·kw)×(k·Ho·Wo) matrix.
     *
     * @param bias null for no bias
     * @throws IllegalArgumentException if a stride is below 1 or a padding below 0
     * @throws ShapeException if x or weight is not of rank 4, the channel counts differ, the bias is not [O], or the
     *                        kernel is larger than the padded input
     */
    public static Var conv2d(Var x, Var weight, Var bias, int strideH, int strideW, int padH, int padW) {
        return conv2d(x, weight, bias, strideH, strideW, padH, padW, GROUP_FLOATS);
    }

    /** The public conv2d with the size limit of the column buffer as a parameter, so tests can force small groups. */
    static Var conv2d(Var x, Var weight, Var bias, int strideH, int strideW, int padH, int padW, int groupFloats) {
        requireAtLeast("strideH", strideH, 1);
        requireAtLeast("strideW", strideW, 1);
        requireAtLeast("padH", padH, 0);
        requireAtLeast("padW", padW, 0);
        Shape sx = x.shape();
        Shape sw = weight.shape();
        if (sx.rank() != 4) {
            throw new ShapeException("conv2d: input " + sx + " must have rank 4 [N, C, H, W] (weight " + sw + ")");
        }
        if (sw.rank() != 4) {
            throw new ShapeException("conv2d: weight " + sw + " must have rank 4 [O, C, kh, kw] (input " + sx + ")");
        }
        int n = sx.dim(0);
        int c = sx.dim(1);
        int h = sx.dim(2);
        int w = sx.dim(3);
        int o = sw.dim(0);
        int kh = sw.dim(2);
        int kw = sw.dim(3);
        if (sw.dim(1) != c) {
            throw new ShapeException("conv2d: input " + sx + " has " + c + " channels but weight " + sw + " expects "
                    + sw.dim(1));
        }
        if (bias != null && !bias.shape().equals(Shape.of(o))) {
            throw new ShapeException("conv2d: bias " + bias.shape() + " must have shape [" + o
                    + "], one value per output channel of weight " + sw + " (input " + sx + ")");
        }
        if (kh == 0 || kw == 0) {
            throw new ShapeException("conv2d: weight " + sw + " has an empty kernel (input " + sx + ")");
        }
        if (h + 2L * padH < kh || w + 2L * padW < kw) {
            throw new ShapeException("conv2d: kernel " + kh + "x" + kw + " of weight " + sw + " is larger than input "
                    + sx + " padded by " + padH + "x" + padW);
        }
        Im2col.Geometry geo = new Im2col.Geometry(c, h, w, kh, kw, strideH, strideW, padH, padW);
        int rows = geo.colRows();
        int cols = geo.colCols();
        int inSize = geo.inputSize();
        int outSize = o * cols;
        Shape outShape = Shape.of(n, o, geo.outHeight(), geo.outWidth());
        float[] xd = x.value().data();
        float[] wd = weight.value().data();
        float[] out = new float[outShape.size()];
        // samples are taken in groups whose column matrices, side by side, make one (rows × group·cols) matrix of at
        // most groupFloats: one product per group instead of one per sample, large enough for every core and for
        // the GEMM's packing to pay, while the buffer stays a few MB whatever the batch
        int group = Math.max(1, Math.min(n, groupFloats / Math.max(1, rows * cols)));
        float[] buf = new float[rows * group * cols];
        float[] ybuf = group > 1 ? new float[o * group * cols] : null;
        Gemm gemm = Gemms.current();
        for (int s0 = 0; s0 < n; s0 += group) {
            int gs = Math.min(group, n - s0);
            int ld = gs * cols;
            for (int j = 0; j < gs; j++) {
                Im2col.im2col(geo, xd, (s0 + j) * inSize, buf, j * cols, ld);
            }
            if (gs == 1) {
                gemm.gemm(false, false, o, cols, rows, wd, 0, buf, 0, out, s0 * outSize, false);
            } else {
                // Y = W·X is [o, gs·cols]; sample j's output [o, cols] is its column block j
                gemm.gemm(false, false, o, ld, rows, wd, 0, buf, 0, ybuf, 0, false);
                for (int j = 0; j < gs; j++) {
                    for (int oc = 0; oc < o; oc++) {
                        System.arraycopy(ybuf, oc * ld + j * cols, out, (s0 + j) * outSize + oc * cols, cols);
                    }
                }
            }
        }
        if (bias != null) {
            float[] bd = bias.value().data();
            for (int i = 0; i < n; i++) {
                for (int oc = 0; oc < o; oc++) {
                    int base = i * outSize + oc * cols;
                    float bv = bd[oc];
                    for (int k = 0; k < cols; k++) {
                        out[base + k] += bv;
                    }
                }
            }
        }
        int samplesPerGroup = group;
        Backward rule = g -> {
            float[] dg = g.data();
            boolean needX = x.requiresGrad();
            boolean needW = weight.requiresGrad();
            float[] gx = needX ? new float[sx.size()] : null;
            float[] gw = needW ? new float[sw.size()] : null;
            if (needX || needW) {
                float[] gbuf = samplesPerGroup > 1 ? new float[o * samplesPerGroup * cols] : null;
                float[] dcols = needX ? new float[rows * samplesPerGroup * cols] : null;
                // the columns are recomputed rather than kept from the forward pass: im2col is cheap next to the
                // gemm, and keeping them would hold kh·kw copies of the input for the lifetime of the graph
                float[] xcols = needW ? new float[rows * samplesPerGroup * cols] : null;
                for (int s0 = 0; s0 < n; s0 += samplesPerGroup) {
                    int gs = Math.min(samplesPerGroup, n - s0);
                    int ld = gs * cols;
                    // G = the group's output gradient as one [o, gs·cols] matrix
                    float[] gm = dg;
                    int gOff = s0 * outSize;
                    if (gs > 1) {
                        for (int j = 0; j < gs; j++) {
                            for (int oc = 0; oc < o; oc++) {
                                System.arraycopy(dg, (s0 + j) * outSize + oc * cols, gbuf, oc * ld + j * cols, cols);
                            }
                        }
                        gm = gbuf;
                        gOff = 0;
                    }
                    if (needX) {
                        // ∂/∂X = Wᵀ·G, then each sample's block back onto its input
                        gemm.gemm(true, false, rows, ld, o, wd, 0, gm, gOff, dcols, 0, false);
                        for (int j = 0; j < gs; j++) {
                            Im2col.col2im(geo, dcols, j * cols, ld, gx, (s0 + j) * inSize);
                        }
                    }
                    if (needW) {
                        // ∂/∂W += G·Xᵀ over the group's columns
                        for (int j = 0; j < gs; j++) {
                            Im2col.im2col(geo, xd, (s0 + j) * inSize, xcols, j * cols, ld);
                        }
                        gemm.gemm(false, true, o, rows, ld, gm, gOff, xcols, 0, gw, 0, s0 > 0);
                    }
                }
            }
            if (needX) {
                x.addGrad(Tensor.wrap(sx, gx));
            }
            if (needW) {
                weight.addGrad(Tensor.wrap(sw, gw));
            }
            if (bias != null && bias.requiresGrad()) {
                float[] gb = new float[o];
                for (int oc = 0; oc < o; oc++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        int base = i * outSize + oc * cols;
                        for (int k = 0; k < cols; k++) {
                            s += dg[base + k];
                        }
                    }
                    gb[oc] = (float) s;
                }
                bias.addGrad(Tensor.wrap(bias.shape(), gb));
            }
        };
        Tensor y = Tensor.wrap(outShape, out);
        return bias == null ? Var.result(y, "conv2d", rule, x, weight) : Var.result(y, "conv2d", rule, x, weight, bias);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("conv2d: " + name + " must be >= " + min + ", got " + value);
        }
    }
}
