package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.Im2col;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Max and average pooling over the two spatial dimensions of NCHW tensors, and global average pooling. Each channel
 * of each sample is pooled on its own. Output sizes follow PyTorch with {@code ceil_mode=False}:
 * {@code Ho = ⌊(H + 2ph − kh)/sh⌋ + 1}, {@code Wo = ⌊(W + 2pw − kw)/sw⌋ + 1}; as in PyTorch, the padding may be at
 * most half the kernel, so every window overlaps the input.
 *
 * <p>Large inputs are pooled, forward and backward, in ranges of whole planes (channels of samples) shared over the
 * cores ({@link Parallel}); every output and every input gradient is written by exactly one range, so the results
 * do not depend on the number of threads.
 */
public final class Pooling {
    /**
     * Input elements per range of planes at least: below 2× this a call runs on the calling thread, because handing
     * a range to another thread costs about as much as pooling this many elements (BENCHMARKS.md, implementation
     * notes).
     */
    static final int PARALLEL_ELEMENTS = 1 << 16;
    private Pooling() {
    }

    /** {@link #maxPool2d(Var, int, int, int)} with stride = kernel and no padding (PyTorch's defaults). */
    public static Var maxPool2d(Var x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0);
    }

    /** {@link #maxPool2d(Var, int, int, int, int, int, int)} with a square kernel, stride and padding. */
    public static Var maxPool2d(Var x, int kernel, int stride, int padding) {
        return maxPool2d(x, kernel, kernel, stride, stride, padding, padding);
    }

    /**
     * PyTorch's {@code F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw))} with dilation 1 and {@code ceil_mode=False}:
     * <pre>
     *   y[n,c,i,j] = max_{p<kh, q<kw} x[n, c, i·sh − ph + p, j·sw − pw + q]
     * </pre>
     * where positions in the padding count as −∞ (so they are never the maximum of a window that has a finite
     * input). The gradient of each output goes to one input, its argmax, recorded in the forward pass: the first
     * maximal element of the window in row-major order. A NaN in the window is the maximum (the last NaN, if several)
     * and propagates; these are the rules of PyTorch's CPU kernel. Where windows overlap, an input that is the
     * argmax of several receives the sum of their gradients.
     *
     * @throws IllegalArgumentException unless kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel/2 in each dimension
     * @throws ShapeException if x is not of rank 4, has an empty spatial dimension, or the kernel is larger than the
     *                        padded input
     */
    public static Var maxPool2d(Var x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        return maxPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW, false);
    }

    /**
     * {@code maxPool2d(relu(x), ...)} as one node, computed as {@code relu(maxPool2d(x, ...))}: the same values and
     * gradients bit for bit (see below), without ReLU's output and gradient over the whole unpooled tensor — for a
     * 2×2 pool 4× the elements. {@link polyhead.nn.Sequential} uses it for a ReLU followed by a max pooling.
     *
     * <p>Why the results are the same: max is monotone, so max(relu(v)) = relu(max(v)) for every window, NaN
     * included (both keep the NaN). Where the window's maximum is positive (or NaN), relu leaves the values that
     * compete for it unchanged, so both pick the same first maximum (last NaN) and pass its gradient. Where it is
     * ≤ 0 the output is +0 and both pass a gradient of +0 (the separate nodes route the window's gradient to a
     * zero of relu's output, whose mask zeroes it).
     *
     * @throws IllegalArgumentException and {@link ShapeException} as {@link #maxPool2d(Var, int, int, int, int, int,
     *                                  int)}
     */
    public static Var reluMaxPool2d(Var x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        return maxPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW, true);
    }

    private static Var maxPool2d(Var x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                 boolean relu) {
        String op = relu ? "reluMaxPool2d" : "maxPool2d";
        Im2col.Geometry geo = geometry(op, x.shape(), kernelH, kernelW, strideH, strideW, padH, padW);
        Shape sx = x.shape();
        int planes = sx.dim(0) * sx.dim(1);
        int h = geo.height();
        int w = geo.width();
        int ho = geo.outHeight();
        int wo = geo.outWidth();
        float[] xd = x.value().data();
        float[] out = Arena.floatsToOverwrite(planes * ho * wo); // every window's maximum written below
        int[] argmax = Arena.intsToOverwrite(out.length); // every window's argmax written below
        boolean twoByTwo = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
        int grain = grain(h * w);
        Parallel.forRange(planes, grain, (p0, p1) -> {
            if (twoByTwo) {
                ArrayMath.maxPool2x2(xd, p0 * h * w, p1 - p0, h, w, out, p0 * ho * wo, argmax, p0 * h * w, relu);
            } else {
                maxPoolWindows(xd, p0, p1, h, w, ho, wo, kernelH, kernelW, strideH, strideW, padH, padW, out,
                        argmax);
                if (relu) {
                    for (int i = p0 * ho * wo, end = p1 * ho * wo; i < end; i++) {
                        out[i] = Math.max(out[i], 0f);
                    }
                }
            }
        });
        Shape outShape = Shape.of(sx.dim(0), sx.dim(1), ho, wo);
        return Var.result(Tensor.wrap(outShape, out), op, g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(sx.size());
            // a window's argmax lies in its own plane: ranges of planes write disjoint parts of gx
            Parallel.forRange(planes, grain, (p0, p1) -> {
                if (relu) {
                    for (int i = p0 * ho * wo, end = p1 * ho * wo; i < end; i++) {
                        gx[argmax[i]] += ArrayMath.passWhereNotZero(dg[i], out[i]);
                    }
                } else {
                    for (int i = p0 * ho * wo, end = p1 * ho * wo; i < end; i++) {
                        gx[argmax[i]] += dg[i];
                    }
                }
            });
            x.addFreshGrad(Tensor.wrap(sx, gx));
        }, x);
    }

    /** Planes per parallel range for planes of {@code planeSize} elements. */
    private static int grain(int planeSize) {
        return Math.max(1, PARALLEL_ELEMENTS / Math.max(1, planeSize));
    }

    /**
     * Max pooling over any window, planes {@code [p0, p1)}: the maximum of each window and the input index it came
     * from (see {@link #maxPool2d(Var, int, int, int, int, int, int)} for the rules).
     */
    private static void maxPoolWindows(float[] xd, int p0, int p1, int h, int w, int ho, int wo, int kernelH,
                                       int kernelW, int strideH, int strideW, int padH, int padW, float[] out,
                                       int[] argmax) {
        int k = p0 * ho * wo;
        for (int p = p0; p < p1; p++) {
            int plane = p * h * w;
            for (int oh = 0; oh < ho; oh++) {
                int ih0 = oh * strideH - padH;
                int ihLo = Math.max(ih0, 0);
                int ihHi = Math.min(ih0 + kernelH, h);
                for (int ow = 0; ow < wo; ow++, k++) {
                    int iw0 = ow * strideW - padW;
                    int iwLo = Math.max(iw0, 0);
                    int iwHi = Math.min(iw0 + kernelW, w);
                    int best = plane + ihLo * w + iwLo;
                    float bestValue = Float.NEGATIVE_INFINITY;
                    for (int ih = ihLo; ih < ihHi; ih++) {
                        for (int iw = iwLo; iw < iwHi; iw++) {
                            int idx = plane + ih * w + iw;
                            float v = xd[idx];
                            // without branches (an if here mispredicts on random data and was most of the pooling
                            // time): the index moves on a strictly larger value or a NaN; the running maximum is
                            // only compared with, and Math.max keeps a NaN, after which only NaNs move the index
                            best = pick(best, idx, v > bestValue | v != v);
                            bestValue = Math.max(bestValue, v);
                        }
                    }
                    out[k] = xd[best];
                    argmax[k] = best;
                }
            }
        }
    }

    /**
     * {@code take ? candidate : best} through a mask, so that C2 emits no branch: written as a conditional
     * expression it compiled to a jump that random data mispredicts, and the 2×2 pooling ran slower.
     */
    private static int pick(int best, int candidate, boolean take) {
        int mask = take ? -1 : 0;
        return best ^ ((best ^ candidate) & mask);
    }


    /** {@link #avgPool2d(Var, int, int, int, int, int, int)} with a square kernel, stride and padding. */
    public static Var avgPool2d(Var x, int kernel, int stride, int padding) {
        return avgPool2d(x, kernel, kernel, stride, stride, padding, padding);
    }

    /**
     * PyTorch's {@code F.avg_pool2d(x, (kh, kw), (sh, sw), (ph, pw))} with its defaults {@code ceil_mode=False} and
     * {@code count_include_pad=True}: padding counts as zeros and every window is divided by the full kernel area,
     * <pre>
     *   y[n,c,i,j] = (1/(kh·kw)) · Σ_{p<kh, q<kw} x[n, c, i·sh − ph + p, j·sw − pw + q]   (x = 0 in the padding)
     * </pre>
     * ∂/∂x[n,c,a,b] = (1/(kh·kw)) · Σ of the output gradients of the windows that contain (a, b).
     *
     * @throws IllegalArgumentException unless kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel/2 in each dimension
     * @throws ShapeException if x is not of rank 4, has an empty spatial dimension, or the kernel is larger than the
     *                        padded input
     */
    public static Var avgPool2d(Var x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        Im2col.Geometry geo = geometry("avgPool2d", x.shape(), kernelH, kernelW, strideH, strideW, padH, padW);
        Shape sx = x.shape();
        int planes = sx.dim(0) * sx.dim(1);
        int h = geo.height();
        int w = geo.width();
        int ho = geo.outHeight();
        int wo = geo.outWidth();
        // without ceil_mode a window never reaches past the padding, so the divisor is always the kernel area
        double area = (double) kernelH * kernelW;
        float[] xd = x.value().data();
        float[] out = Arena.floats(planes * ho * wo);
        int grain = grain(h * w);
        Parallel.forRange(planes, grain, (p0, p1) -> {
            int k = p0 * ho * wo;
            for (int p = p0; p < p1; p++) {
                int plane = p * h * w;
                for (int oh = 0; oh < ho; oh++) {
                    int ih0 = oh * strideH - padH;
                    for (int ow = 0; ow < wo; ow++, k++) {
                        int iw0 = ow * strideW - padW;
                        double s = 0;
                        for (int ih = Math.max(ih0, 0); ih < Math.min(ih0 + kernelH, h); ih++) {
                            for (int iw = Math.max(iw0, 0); iw < Math.min(iw0 + kernelW, w); iw++) {
                                s += xd[plane + ih * w + iw];
                            }
                        }
                        out[k] = (float) (s / area);
                    }
                }
            }
        });
        Shape outShape = Shape.of(sx.dim(0), sx.dim(1), ho, wo);
        return Var.result(Tensor.wrap(outShape, out), "avgPool2d", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(sx.size());
            Parallel.forRange(planes, grain, (p0, p1) -> {
                int j = p0 * ho * wo;
                for (int p = p0; p < p1; p++) {
                    int plane = p * h * w;
                    for (int oh = 0; oh < ho; oh++) {
                        int ih0 = oh * strideH - padH;
                        for (int ow = 0; ow < wo; ow++, j++) {
                            int iw0 = ow * strideW - padW;
                            float share = (float) (dg[j] / area);
                            for (int ih = Math.max(ih0, 0); ih < Math.min(ih0 + kernelH, h); ih++) {
                                for (int iw = Math.max(iw0, 0); iw < Math.min(iw0 + kernelW, w); iw++) {
                                    gx[plane + ih * w + iw] += share;
                                }
                            }
                        }
                    }
                }
            });
            x.addFreshGrad(Tensor.wrap(sx, gx));
        }, x);
    }

    /**
     * The mean of each channel over its spatial positions: x [N, C, H, W] → y [N, C],
     * {@code y[n,c] = (1/(H·W)) Σ_{i,j} x[n,c,i,j]} (PyTorch's {@code F.adaptive_avg_pool2d(x, 1).flatten(1)}),
     * accumulated in double. ∂/∂x[n,c,i,j] = g[n,c]/(H·W).
     *
     * @throws ShapeException if x is not of rank 4 or has no spatial positions
     */
    public static Var globalAvgPool2d(Var x) {
        Shape sx = x.shape();
        if (sx.rank() != 4) {
            throw new ShapeException("globalAvgPool2d: input " + sx + " must have rank 4 [N, C, H, W]");
        }
        int hw = sx.dim(2) * sx.dim(3);
        if (hw == 0) {
            throw new ShapeException("globalAvgPool2d: input " + sx + " has no spatial positions to average");
        }
        int planes = sx.dim(0) * sx.dim(1);
        float[] xd = x.value().data();
        float[] out = Arena.floats(planes);
        for (int p = 0; p < planes; p++) {
            double s = 0;
            for (int i = p * hw; i < (p + 1) * hw; i++) {
                s += xd[i];
            }
            out[p] = (float) (s / hw);
        }
        return Var.result(Tensor.wrap(Shape.of(sx.dim(0), sx.dim(1)), out), "globalAvgPool2d", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(sx.size());
            for (int p = 0; p < planes; p++) {
                float share = (float) ((double) dg[p] / hw);
                Arrays.fill(gx, p * hw, (p + 1) * hw, share);
            }
            x.addFreshGrad(Tensor.wrap(sx, gx));
        }, x);
    }

    /** Validates a pooling call as PyTorch does and returns its window geometry. */
    private static Im2col.Geometry geometry(String op, Shape sx, int kernelH, int kernelW, int strideH, int strideW,
                                            int padH, int padW) {
        requireAtLeast(op, "kernelH", kernelH, 1);
        requireAtLeast(op, "kernelW", kernelW, 1);
        requireAtLeast(op, "strideH", strideH, 1);
        requireAtLeast(op, "strideW", strideW, 1);
        requirePadding(op, "padH", padH, "kernelH", kernelH);
        requirePadding(op, "padW", padW, "kernelW", kernelW);
        if (sx.rank() != 4) {
            throw new ShapeException(op + ": input " + sx + " must have rank 4 [N, C, H, W]");
        }
        int h = sx.dim(2);
        int w = sx.dim(3);
        if (h == 0 || w == 0) {
            throw new ShapeException(op + ": input " + sx + " has an empty spatial dimension");
        }
        if (h + 2L * padH < kernelH || w + 2L * padW < kernelW) {
            throw new ShapeException(op + ": kernel " + kernelH + "x" + kernelW + " is larger than input " + sx
                    + " padded by " + padH + "x" + padW);
        }
        return new Im2col.Geometry(sx.dim(1), h, w, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    private static void requireAtLeast(String op, String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(op + ": " + name + " must be >= " + min + ", got " + value);
        }
    }

    private static void requirePadding(String op, String name, int value, String kernelName, int kernel) {
        if (value < 0 || value > kernel / 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be in [0, " + kernelName + "/2] = [0, "
                    + kernel / 2 + "], got " + value);
        }
    }
}
