package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Broadcast;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Operations that pick elements by index or by mask: index_select, gather, embedding lookup, where and masked_fill.
 * Index tensors hold integral float values; every index is checked before anything is read. Gradients of the
 * index-driven operations scatter-add: a value picked several times receives the sum of the gradients of all its
 * copies, summed in double.
 */
public final class Indexing {
    private Indexing() {
    }

    /**
     * The slices of {@code x} at {@code indices} along {@code axis}, in that order, like {@code torch.index_select}:
     * for axis 1, {@code out[i, j, k] = x[i, indices[j], k]}; the output has x's shape with that axis of size
     * {@code indices.length}. Indices may repeat. ∂/∂x[i, r, k] = Σ over j with indices[j] = r of g[i, j, k].
     *
     * @throws IndexOutOfBoundsException if an index is outside [0, x.dim(axis)) (negative indices are rejected, as
     *                                   in PyTorch)
     * @throws IllegalArgumentException  if the axis is out of range
     */
    public static Var indexSelect(Var x, int axis, int[] indices) {
        Shape s = x.shape();
        int ax = Shaping.axis("indexSelect", axis, s);
        int n = s.dim(ax);
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] < 0 || indices[j] >= n) {
                throw new IndexOutOfBoundsException("indexSelect: indices[" + j + "] = " + indices[j]
                        + " is out of range [0, " + n + ") for axis " + axis + " of shape " + s);
            }
        }
        return selectAlong(x, ax, indices.clone(), s.with(ax, indices.length), "indexSelect");
    }

    /**
     * Values of {@code x} picked along {@code axis} by {@code index}, like {@code torch.gather}: the output has
     * index's shape and, for axis 1 of a rank-3 x, {@code out[i, j, k] = x[i, index[i, j, k], k]}. {@code index}
     * has x's rank and no dimension larger than x's outside {@code axis}. ∂/∂x scatter-adds: ∂/∂x[i, r, k] = Σ over
     * j with index[i, j, k] = r of g[i, j, k].
     *
     * @throws ShapeException            if index's rank differs from x's or one of its dimensions outside axis
     *                                   exceeds x's
     * @throws IndexOutOfBoundsException if an index is outside [0, x.dim(axis))
     * @throws IllegalArgumentException  if an index is not an integer, or the axis is out of range
     */
    public static Var gather(Var x, int axis, Tensor index) {
        Shape s = x.shape();
        Shape is = index.shape();
        int ax = Shaping.axis("gather", axis, s);
        if (is.rank() != s.rank()) {
            throw new ShapeException("gather along axis " + axis + ": index shape " + is + " must have the rank of "
                    + "input shape " + s);
        }
        for (int d = 0; d < s.rank(); d++) {
            if (d != ax && is.dim(d) > s.dim(d)) {
                throw new ShapeException("gather along axis " + axis + ": index shape " + is + " exceeds input shape "
                        + s + " in axis " + d);
            }
        }
        int[] idx = toIndices("gather", index, s.dim(ax), "axis " + axis + " of input shape " + s);
        // each output element reads x at its own coordinates, except along axis, where it reads at its index
        int[] step = s.strides();
        int axisStride = step[ax];
        step[ax] = 0;
        int[] from = Shaping.offsets(is, step);
        for (int p = 0; p < from.length; p++) {
            from[p] += idx[p] * axisStride;
        }
        float[] xv = x.value().data();
        float[] r = Arena.floats(from.length);
        for (int p = 0; p < r.length; p++) {
            r[p] = xv[from[p]];
        }
        return Var.result(Tensor.wrap(is, r), "gather", g -> {
            float[] dg = g.data();
            double[] acc = new double[s.size()];
            for (int p = 0; p < dg.length; p++) {
                acc[from[p]] += dg[p];
            }
            x.addGrad(Tensor.wrap(s, toFloat(acc)));
        }, x);
    }

    /**
     * Rows of {@code weight} ([numEmbeddings, dim]) looked up by {@code indices} (any shape), like
     * {@code torch.nn.functional.embedding} without padding_idx or max_norm: the output has shape
     * {@code indices.shape + [dim]} and {@code out[p, :] = weight[indices[p], :]}. ∂/∂weight[r, :] = Σ over
     * positions p with indices[p] = r of g[p, :]; rows never looked up get 0.
     *
     * @throws ShapeException            if weight is not two-dimensional
     * @throws IndexOutOfBoundsException if an index is outside [0, numEmbeddings)
     * @throws IllegalArgumentException  if an index is not an integer
     */
    public static Var embedding(Var weight, Tensor indices) {
        Shape w = weight.shape();
        if (w.rank() != 2) {
            throw new ShapeException("embedding: weight must have shape [numEmbeddings, dim], got " + w
                    + " (indices shape " + indices.shape() + ")");
        }
        int[] idx = toIndices("embedding", indices, w.dim(0), "weight shape " + w);
        int[] outDims = Arrays.copyOf(indices.shape().dims(), indices.rank() + 1);
        outDims[indices.rank()] = w.dim(1);
        return selectAlong(weight, 0, idx, Shape.of(outDims), "embedding");
    }

    /**
     * {@code a} where {@code condition} is non-zero and {@code b} elsewhere, like {@code torch.where(condition, a,
     * b)}; all three broadcast to a common output shape. ∂/∂a = g where the condition holds, ∂/∂b = g elsewhere,
     * each summed back over the dimensions along which that operand was broadcast. A NaN condition counts as
     * non-zero (as a NaN converted to bool does in PyTorch).
     *
     * @throws ShapeException if the three shapes cannot be broadcast together (all three are named)
     */
    public static Var where(Tensor condition, Var a, Var b) {
        Shape out;
        try {
            out = Shape.broadcast(Shape.broadcast(condition.shape(), a.shape()), b.shape());
        } catch (ShapeException e) {
            throw new ShapeException("where: condition " + condition.shape() + ", a " + a.shape() + " and b "
                    + b.shape() + " cannot be broadcast together");
        }
        return select(condition, a, b, out, "where");
    }

    /**
     * {@code x} with {@code value} wherever {@code mask} is non-zero, like the out-of-place
     * {@code torch.masked_fill(x, mask, value)}: x and mask broadcast together, so the output has their broadcast
     * shape (x's shape when the mask broadcasts to x). ∂/∂x = g where the mask is 0, 0 at filled positions, summed
     * back to x's shape.
     *
     * @throws ShapeException if mask and x cannot be broadcast together
     */
    public static Var maskedFill(Var x, Tensor mask, float value) {
        Shape out;
        try {
            out = Shape.broadcast(x.shape(), mask.shape());
        } catch (ShapeException e) {
            throw new ShapeException("maskedFill: mask shape " + mask.shape() + " cannot be broadcast with input shape "
                    + x.shape());
        }
        return select(mask, Var.constant(Tensor.scalar(value)), x, out, "maskedFill");
    }

    /**
     * Viewing x as [outer, n, inner] around axis {@code ax}: {@code out[o, j, :] = x[o, idx[j], :]}, in
     * {@code outShape} (whose row-major layout is [outer, idx.length, inner]). The gradient scatter-adds back.
     */
    private static Var selectAlong(Var x, int ax, int[] idx, Shape outShape, String op) {
        Shape s = x.shape();
        int outer = s.sizeBetween(0, ax);
        int n = s.dim(ax);
        int inner = s.sizeBetween(ax + 1, s.rank());
        int m = idx.length;
        float[] xv = x.value().data();
        float[] r = Arena.floats(outShape.size());
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                System.arraycopy(xv, (o * n + idx[j]) * inner, r, (o * m + j) * inner, inner);
            }
        }
        return Var.result(Tensor.wrap(outShape, r), op, g -> {
            x.addGrad(Tensor.wrap(s, scatterAddAlong(g.data(), outer, m, inner, idx, n)));
        }, x);
    }

    /**
     * The gradient of {@link #selectAlong}: {@code gx[o, r, :] = Σ_{j: idx[j] = r} g[o, j, :]}. Positions are
     * grouped by target (a counting sort), so each target's sum is accumulated in double with a buffer of one slice
     * rather than one of x's size, which matters for large embedding tables.
     */
    private static float[] scatterAddAlong(float[] g, int outer, int m, int inner, int[] idx, int n) {
        int[] first = new int[n + 1];
        for (int r : idx) {
            first[r + 1]++;
        }
        for (int r = 0; r < n; r++) {
            first[r + 1] += first[r];
        }
        int[] order = new int[m];
        int[] next = Arrays.copyOf(first, n);
        for (int j = 0; j < m; j++) {
            order[next[idx[j]]++] = j;
        }
        float[] gx = Arena.floats(outer * n * inner);
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            for (int r = 0; r < n; r++) {
                if (first[r] == first[r + 1]) {
                    continue;
                }
                Arrays.fill(acc, 0);
                for (int q = first[r]; q < first[r + 1]; q++) {
                    int src = (o * m + order[q]) * inner;
                    for (int i = 0; i < inner; i++) {
                        acc[i] += g[src + i];
                    }
                }
                int dst = (o * n + r) * inner;
                for (int i = 0; i < inner; i++) {
                    gx[dst + i] = (float) acc[i];
                }
            }
        }
        return gx;
    }

    /** {@code condition ≠ 0 ? a : b} over {@code out}; each operand's gradient summed back to its shape. */
    private static Var select(Tensor condition, Var a, Var b, Shape out, String op) {
        float[] c = Broadcast.expand(condition, out).data();
        float[] av = Broadcast.expand(a.value(), out).data();
        float[] bv = Broadcast.expand(b.value(), out).data();
        float[] r = Arena.floats(out.size());
        for (int i = 0; i < r.length; i++) {
            r[i] = c[i] != 0 ? av[i] : bv[i];
        }
        return Var.result(Tensor.wrap(out, r), op, g -> {
            float[] dg = g.data();
            if (a.requiresGrad()) {
                float[] ga = Arena.floats(dg.length);
                for (int i = 0; i < ga.length; i++) {
                    ga[i] = c[i] != 0 ? dg[i] : 0;
                }
                a.addGrad(Broadcast.sumTo(Tensor.wrap(out, ga), a.shape()));
            }
            if (b.requiresGrad()) {
                float[] gb = Arena.floats(dg.length);
                for (int i = 0; i < gb.length; i++) {
                    gb[i] = c[i] != 0 ? 0 : dg[i];
                }
                b.addGrad(Broadcast.sumTo(Tensor.wrap(out, gb), b.shape()));
            }
        }, a, b);
    }

    /**
     * The values of an index tensor as ints, each checked to be an integer in [0, bound). The message names the
     * op, the bad value, its position in the index tensor, the valid range and what bounds it ({@code boundedBy}).
     */
    private static int[] toIndices(String op, Tensor index, int bound, String boundedBy) {
        float[] v = index.data();
        int[] r = new int[v.length];
        for (int p = 0; p < v.length; p++) {
            float f = v[p];
            boolean integral = f == Math.rint(f); // false for NaN
            if (!integral || f < 0 || f >= bound) {
                String shown = integral && Float.isFinite(f) ? Long.toString((long) f) : Float.toString(f);
                String msg = op + ": index " + shown
                        + " at position " + position(index.shape(), p) + " of index shape " + index.shape()
                        + (integral ? " is out of range" : " is not an integer") + "; valid indices are [0, " + bound
                        + ") for " + boundedBy;
                throw integral ? new IndexOutOfBoundsException(msg) : new IllegalArgumentException(msg);
            }
            r[p] = (int) f;
        }
        return r;
    }

    /** The multi-index of row-major position {@code flat} in {@code s}, formatted as {@code [1, 0, 2]}. */
    private static String position(Shape s, int flat) {
        int[] idx = new int[s.rank()];
        for (int d = s.rank() - 1, rest = flat; d >= 0; d--) {
            idx[d] = rest % s.dim(d);
            rest /= s.dim(d);
        }
        return Arrays.toString(idx);
    }

    private static float[] toFloat(double[] acc) {
        float[] r = Arena.floats(acc.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) acc[i];
        }
        return r;
    }
}
