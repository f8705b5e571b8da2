package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.DeferredWeightGradients;
import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.Gemm;
import polyhead.tensor.Gemms;
import polyhead.tensor.Parallel;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Matrix products through the current {@link Gemm}.
 */
public final class MatMul {
    /**
     * The number of values from which a fully connected layer's element passes (bias and ReLU, ReLU's backward mask,
     * the bias gradient's column sums) run on all cores ({@link Parallel#forParts}), each core on its own rows,
     * elements or columns: the same operations on each value, so the same bits. They are bound by the cache's
     * bandwidth, not by arithmetic (BENCHMARKS.md, issue 21, session 17).
     */
    static final int PARALLEL_VALUES = 1 << 15;
    /** Parts of element and column ranges start at whole 512-bit vectors of floats. */
    static final int ALIGN = 16;

    private MatMul() {
    }

    /**
     * {@code a·b} with {@code torch.matmul}'s semantics for operands of rank ≥ 2. Two-dimensional: [m,k]·[k,n] →
     * [m,n]. Batched: [..., m, k]·[..., k, n] → [..., m, n], where the leading (batch) dimensions broadcast as in
     * NumPy: aligned from the right, each pair equal or one of them 1 (a missing dimension counts as 1), so a 2-D
     * operand is shared by every batch entry, and e.g. [B, 1, m, k]·[1, H, k, n] → [B, H, m, n] (attention over heads).
     * Rank-1 operands (which torch.matmul promotes to a matrix and squeezes) are refused: reshape them.
     * ∂/∂a = g·bᵀ and ∂/∂b = aᵀ·g per batch entry, summed over the batch entries an operand was broadcast to.
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
        try {
            batch = Shape.broadcast(batchA, batchB);
        } catch (ShapeException e) {
            throw new ShapeException("matmul: batch dimensions " + batchA + " and " + batchB
                    + " do not broadcast: " + sa + " · " + sb);
        }
        int batches = batch.size();
        int[] blockA = sourceBlocks(batchA, batch);
        int[] blockB = sourceBlocks(batchB, batch);
        boolean sharedB = batchB.size() == 1 && batches > 1;
        // b shared and a not broadcast: the batch is one product [batches·m, k]·[k, n]
        boolean oneProduct = sharedB && batchA.size() == batches;
        int[] outDims = new int[batch.rank() + 2];
        System.arraycopy(batch.dims(), 0, outDims, 0, batch.rank());
        outDims[outDims.length - 2] = m;
        outDims[outDims.length - 1] = n;
        Shape outShape = Shape.of(outDims);
        float[] out = Arena.floatsToOverwrite(outShape.size()); // each block written by its product
        Gemm gemm = Gemms.current();
        float[] da = a.value().data();
        float[] db = b.value().data();
        if (oneProduct) {
            gemm.gemm(false, false, batches * m, n, k, da, 0, db, 0, out, 0, false);
        } else {
            for (int i = 0; i < batches; i++) {
                gemm.gemm(false, false, m, n, k, da, blockA[i] * m * k, db, blockB[i] * k * n, out, i * m * n, false);
            }
        }
        return Var.result(Tensor.wrap(outShape, out), "matmul", g -> {
            float[] dg = g.data();
            if (a.requiresGrad()) {
                float[] ga = Arena.floatsToOverwrite(sa.size());
                if (oneProduct) {
                    gemm.gemm(false, true, batches * m, k, n, dg, 0, db, 0, ga, 0, false);
                } else {
                    boolean[] written = new boolean[batchA.size()];
                    for (int i = 0; i < batches; i++) {
                        int j = blockA[i];
                        gemm.gemm(false, true, m, k, n, dg, i * m * n, db, blockB[i] * k * n, ga, j * m * k,
                                written[j]);
                        written[j] = true;
                    }
                    zeroUnwritten(ga, written, m * k);
                }
                a.addFreshGrad(Tensor.wrap(sa, ga));
            }
            if (b.requiresGrad()) {
                float[] gb = Arena.floatsToOverwrite(sb.size());
                if (oneProduct) {
                    gemm.gemm(true, false, k, n, batches * m, da, 0, dg, 0, gb, 0, false);
                } else {
                    boolean[] written = new boolean[batchB.size()];
                    for (int i = 0; i < batches; i++) {
                        int j = blockB[i];
                        gemm.gemm(true, false, k, n, m, da, blockA[i] * m * k, dg, i * m * n, gb, j * k * n,
                                written[j]);
                        written[j] = true;
                    }
                    zeroUnwritten(gb, written, k * n);
                }
                b.addFreshGrad(Tensor.wrap(sb, gb));
            }
        }, a, b);
    }

    /**
     * For each entry of the broadcast batch {@code batch}, the index of the block of an operand with batch shape
     * {@code own} that it reads: dimensions aligned from the right, a dimension of 1 (or a missing one) read at 0.
     */
    private static int[] sourceBlocks(Shape own, Shape batch) {
        int[] blocks = new int[batch.size()];
        int r = batch.rank();
        int shift = r - own.rank();
        int[] ownStrides = own.strides();
        int[] index = new int[r];
        for (int i = 0; i < blocks.length; i++) {
            int src = 0;
            for (int d = shift; d < r; d++) {
                if (own.dim(d - shift) != 1) {
                    src += index[d] * ownStrides[d - shift];
                }
            }
            blocks[i] = src;
            for (int d = r - 1; d >= 0 && ++index[d] == batch.dim(d); d--) {
                index[d] = 0;
            }
        }
        return blocks;
    }

    /** Zeroes the blocks no product wrote: those of an operand with a batch of zero entries. */
    private static void zeroUnwritten(float[] grad, boolean[] written, int blockSize) {
        for (int j = 0; j < written.length; j++) {
            if (!written[j]) {
                Arrays.fill(grad, j * blockSize, (j + 1) * blockSize, 0f);
            }
        }
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
        if (relu || b != null) {
            // the bias (zeros without one: −0 + 0 = +0 as in relu(linear)) and the maximum, in vectors: as a plain loop
            // (y read from r·out + j, the bias from j) C2 did not vectorize it, and W1's forward at batch 512 took
            // 0.12 ms longer (BENCHMARKS.md, issue 21, session 16)
            float[] bias = b == null ? Arena.floats(out) : b.value().data();
            if ((long) rows * out < PARALLEL_VALUES) {
                ArrayMath.addBias(y, 0, rows, out, out, bias, 0, relu);
            } else {
                Parallel.forParts(rows, 1,
                        (r0, r1) -> ArrayMath.addBias(y, r0 * out, r1 - r0, out, out, bias, 0, relu));
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
            if (w.requiresGrad() && !DeferredWeightGradients.offer(w, dx, dg, rows, in, out)) {
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
     * {@code out[j] = Σ_r g[r·cols + j]}, the bias gradient: {@link ArrayMath#sumColumns}, each column summed in
     * double in row order and rounded once (in vectors of columns: as a plain loop over a running row of doubles C2
     * did not vectorize it).
     */
    static void sumRows(float[] g, int rows, int cols, float[] out) {
        if ((long) rows * cols < PARALLEL_VALUES) {
            ArrayMath.sumColumns(g, rows, cols, 0, cols, out);
        } else {
            Parallel.forParts(cols, ALIGN, (j0, j1) -> ArrayMath.sumColumns(g, rows, cols, j0, j1, out));
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
