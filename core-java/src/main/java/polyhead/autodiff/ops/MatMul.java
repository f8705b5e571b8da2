package polyhead.autodiff.ops;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Matrix products through the current {@link Gemm}.
 */
public final class MatMul {
    private MatMul() {
    }

    /**
     * {@code a·b}. Two-dimensional: [m,k]·[k,n] → [m,n]. Batched: [..., m, k]·[..., k, n] → [..., m, n] with equal
     * leading (batch) dimensions, or one operand 2-D and shared by every batch entry.
     * ∂/∂a = g·bᵀ, ∂/∂b = aᵀ·g (summed over the batch for a shared 2-D operand).
     */
    public static Var matmul(Var a, Var b) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        if (sa.rank() < 2 || sb.rank() < 2) {
            throw new ShapeException("matmul needs operands of rank >= 2, got " + sa + " and " + sb);
        }
        int m = sa.dim(-2);
        int k = sa.dim(-1);
        int n = sb.dim(-1);
        if (sb.dim(-2) != k) {
            throw new ShapeException("matmul: inner dimensions differ: " + sa + " · " + sb);
        }
        Shape batchA = batchShape(sa);
        Shape batchB = batchShape(sb);
        Shape batch;
        if (sa.rank() == 2) {
            batch = batchB;
        } else if (sb.rank() == 2 || batchA.equals(batchB)) {
            batch = batchA;
        } else {
            throw new ShapeException("matmul: batch dimensions differ: " + sa + " · " + sb);
        }
        int batches = batch.size();
        boolean sharedA = sa.rank() == 2 && batches > 1;
        boolean sharedB = sb.rank() == 2 && batches > 1;
        int[] outDims = new int[batch.rank() + 2];
        System.arraycopy(batch.dims(), 0, outDims, 0, batch.rank());
        outDims[outDims.length - 2] = m;
        outDims[outDims.length - 1] = n;
        Shape outShape = Shape.of(outDims);
        float[] out = Arena.floatsToOverwrite(outShape.size()); // each block written by its product
        Gemm gemm = Gemms.current();
        float[] da = a.value().data();
        float[] db = b.value().data();
        if (sharedB && !sharedA) {
            // [B·m, k]·[k, n] in one call
            gemm.gemm(false, false, batches * m, n, k, da, 0, db, 0, out, 0, false);
        } else {
            for (int i = 0; i < batches; i++) {
                gemm.gemm(false, false, m, n, k, da, sharedA ? 0 : i * m * k, db, sharedB ? 0 : i * k * n,
                        out, i * m * n, false);
            }
        }
        return Var.result(Tensor.wrap(outShape, out), "matmul", g -> {
            float[] dg = g.data();
            if (a.requiresGrad()) {
                float[] ga = Arena.floatsToOverwrite(sa.size()); // the first product into a block writes it
                if (sharedB && !sharedA) {
                    gemm.gemm(false, true, batches * m, k, n, dg, 0, db, 0, ga, 0, false);
                } else {
                    for (int i = 0; i < batches; i++) {
                        gemm.gemm(false, true, m, k, n, dg, i * m * n, db, sharedB ? 0 : i * k * n,
                                ga, sharedA ? 0 : i * m * k, sharedA && i > 0);
                    }
                }
                a.addFreshGrad(Tensor.wrap(sa, ga));
            }
            if (b.requiresGrad()) {
                float[] gb = Arena.floatsToOverwrite(sb.size()); // the first product into a block writes it
                if (sharedB && !sharedA) {
                    gemm.gemm(true, false, k, n, batches * m, da, 0, dg, 0, gb, 0, false);
                } else {
                    for (int i = 0; i < batches; i++) {
                        gemm.gemm(true, false, k, n, m, da, sharedA ? 0 : i * m * k, dg, i * m * n,
                                gb, sharedB ? 0 : i * k * n, sharedB && i > 0);
                    }
                }
                b.addFreshGrad(Tensor.wrap(sb, gb));
            }
        }, a, b);
    }

    /**
     * The affine map of a fully connected layer, fused: {@code y = x·Wᵀ + b} for x [..., in], W [out, in] (PyTorch's
     * layout) and b [out] or null; y is [..., out]. ∂/∂x = g·W, ∂/∂W = gᵀ·x (summed over all leading dimensions),
     * ∂/∂b = Σ g.
     */
    public static Var linear(Var x, Var w, Var b) {
        return affine(x, w, b, false);
    }

    /**
     * A fully connected layer and its ReLU in one node: {@code y = max(x·Wᵀ + b, 0)}, the same values and gradients
     * as {@code relu(linear(x, w, b))} (NaN handled as {@link Activations#relu}) without the intermediate tensor and
     * its pass: the bias and the maximum are applied in one sweep over the product. Backward masks the incoming
     * gradient where y is +0 and continues as {@link #linear}.
     */
    public static Var linearRelu(Var x, Var w, Var b) {
        return affine(x, w, b, true);
    }

    private static Var affine(Var x, Var w, Var b, boolean relu) {
        String name = relu ? "linearRelu" : "linear";
        Shape sx = x.shape();
        Shape sw = w.shape();
        if (sw.rank() != 2 || sx.rank() < 1 || sx.dim(-1) != sw.dim(1)) {
            throw new ShapeException(name + ": input " + sx + " does not fit weight " + sw
                    + " (expected [..., " + (sw.rank() == 2 ? sw.dim(1) : "in") + "])");
        }
        int in = sw.dim(1);
        int out = sw.dim(0);
        if (b != null && !(b.shape().rank() == 1 && b.shape().dim(0) == out)) {
            throw new ShapeException(name + ": bias " + b.shape() + " does not fit weight " + sw + " (expected [" + out
                    + "])");
        }
        int rows = sx.size() / Math.max(in, 1);
        Shape outShape = sx.with(-1, out);
        float[] y = Arena.floatsToOverwrite(outShape.size()); // the product writes every element
        Gemm gemm = Gemms.current();
        float[] dx = x.value().data();
        float[] dw = w.value().data();
        gemm.gemm(false, true, rows, out, in, dx, 0, dw, 0, y, 0, false);
        float[] db = b == null ? Arena.floats(out) : b.value().data();
        if (relu) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0, o = r * out; j < out; j++) {
                    y[o + j] = Math.max(y[o + j] + db[j], 0f);
                }
            }
        } else if (b != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0, o = r * out; j < out; j++) {
                    y[o + j] += db[j];
                }
            }
        }
        Var[] parents = b == null ? new Var[] {x, w} : new Var[] {x, w, b};
        return Var.result(Tensor.wrap(outShape, y), name, g -> {
            float[] dg = relu ? Activations.reluMask(g.data(), y) : g.data();
            if (x.requiresGrad()) {
                float[] gx = Arena.floatsToOverwrite(sx.size()); // the product writes every element
                gemm.gemm(false, false, rows, in, out, dg, 0, dw, 0, gx, 0, false);
                x.addFreshGrad(Tensor.wrap(sx, gx));
            }
            if (w.requiresGrad()) {
                // parameters: written into the gradient tensor the optimizer released (no allocation per step)
                Tensor gw = w.gradBuffer();
                gemm.gemm(true, false, out, in, rows, dg, 0, dx, 0, gw.data(), 0, false);
                w.addFreshGrad(gw);
            }
            if (b != null && b.requiresGrad()) {
                Tensor gb = b.gradBuffer();
                sumRows(dg, rows, out, gb.data());
                b.addFreshGrad(gb);
            }
        }, parents);
    }

    /**
     * {@code out[j] = Σ_r g[r·cols + j]}, the bias gradient: summed in double, one row at a time (a running row of
     * doubles, so that the inner loop runs over contiguous memory), rounded once.
     */
    static void sumRows(float[] g, int rows, int cols, float[] out) {
        double[] acc = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0, o = r * cols; j < cols; j++) {
                acc[j] += g[o + j];
            }
        }
        for (int j = 0; j < cols; j++) {
            out[j] = (float) acc[j];
        }
    }

    private static Shape batchShape(Shape s) {
        int[] d = new int[s.rank() - 2];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.dim(i);
        }
        return Shape.of(d);
    }
}
