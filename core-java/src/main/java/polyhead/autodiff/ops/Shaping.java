package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Operations that rearrange elements without changing their values: reshape, flatten, permute, transpose, concat,
 * split and slice. Every output is a new contiguous tensor (PyTorch would return a view where it can; copying keeps
 * the rule that operations never alias their inputs). The gradient of each is the same rearrangement run backwards.
 * Axes may be negative and count from the end, as in PyTorch.
 */
public final class Shaping {
    private Shaping() {
    }

    /**
     * {@code x} in shape {@code dims}, like {@code torch.reshape}: the row-major order of the elements is kept. One
     * entry may be -1 and is inferred from the others. ∂/∂x = the output gradient reshaped to x's shape.
     *
     * @throws ShapeException           if the element counts differ, or -1 cannot be inferred (the known dims
     *                                  multiply to 0 or do not divide x's size)
     * @throws IllegalArgumentException if more than one entry is -1 or an entry is below -1
     */
    public static Var reshape(Var x, int... dims) {
        Shape in = x.shape();
        int inferAt = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (inferAt >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension may be -1, got dims "
                            + Arrays.toString(dims) + " for input shape " + in);
                }
                inferAt = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("reshape: dims[" + i + "] = " + dims[i] + " in "
                        + Arrays.toString(dims) + " must be >= 0, or -1 to infer it");
            } else {
                known *= dims[i];
            }
        }
        int[] resolved = dims.clone();
        if (inferAt >= 0) {
            if (known == 0 || in.size() % known != 0) {
                throw new ShapeException("reshape: cannot infer the -1 in " + Arrays.toString(dims) + " for input shape "
                        + in + " (" + in.size() + " elements)");
            }
            resolved[inferAt] = (int) (in.size() / known);
        } else if (known != in.size()) {
            throw new ShapeException("reshape: cannot reshape " + in + " (" + in.size() + " elements) to "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return copyAs(x, Shape.of(resolved), "reshape");
    }

    /**
     * {@code x} with dimensions {@code startAxis} to the last merged into one, like {@code torch.flatten(x,
     * startAxis)} and {@code nn.Flatten(startAxis)}: [2, 3, 4] from axis 1 → [2, 12]. A scalar becomes [1], as in
     * PyTorch. ∂/∂x = the output gradient reshaped to x's shape.
     *
     * @throws IllegalArgumentException if startAxis is outside [-rank, rank) (outside [-1, 1) for a scalar)
     */
    public static Var flatten(Var x, int startAxis) {
        Shape s = x.shape();
        if (s.rank() == 0) {
            if (startAxis != 0 && startAxis != -1) {
                throw new IllegalArgumentException("flatten: axis " + startAxis + " is out of range [-1, 1) for a "
                        + "scalar (shape " + s + ")");
            }
            return copyAs(x, Shape.of(1), "flatten");
        }
        int a = axis("flatten", startAxis, s);
        int[] dims = Arrays.copyOf(s.dims(), a + 1);
        dims[a] = s.sizeBetween(a, s.rank());
        return copyAs(x, Shape.of(dims), "flatten");
    }

    /**
     * The axes of {@code x} reordered, like {@code torch.permute}: output axis i is input axis {@code axes[i]}, so
     * {@code out[i₀, …, iₙ₋₁] = x[j]} with {@code j[axes[d]] = i[d]}. ∂/∂x = the output gradient permuted by the
     * inverse permutation.
     *
     * @throws IllegalArgumentException if {@code axes} is not a permutation of x's axes (wrong length, an axis out
     *                                  of range, or an axis repeated)
     */
    public static Var permute(Var x, int... axes) {
        Shape s = x.shape();
        if (axes.length != s.rank()) {
            throw new IllegalArgumentException("permute: axes " + Arrays.toString(axes) + " has " + axes.length
                    + " entries but shape " + s + " has rank " + s.rank());
        }
        int[] perm = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            perm[i] = axis("permute", axes[i], s);
            if (seen[perm[i]]) {
                throw new IllegalArgumentException("permute: axes " + Arrays.toString(axes) + " is not a permutation "
                        + "(axis " + perm[i] + " repeated) for shape " + s);
            }
            seen[perm[i]] = true;
        }
        return permuted(x, perm, "permute");
    }

    /**
     * {@code x} with axes {@code a} and {@code b} swapped, like {@code torch.transpose}. ∂/∂x = the output gradient
     * with the same two axes swapped back.
     *
     * @throws IllegalArgumentException if an axis is out of range
     */
    public static Var transpose(Var x, int a, int b) {
        Shape s = x.shape();
        int i = axis("transpose", a, s);
        int j = axis("transpose", b, s);
        int[] perm = new int[s.rank()];
        for (int d = 0; d < perm.length; d++) {
            perm[d] = d;
        }
        perm[i] = j;
        perm[j] = i;
        return permuted(x, perm, "transpose");
    }

    /**
     * The inputs joined along {@code axis}, like {@code torch.cat(xs, axis)}: all inputs have one rank and equal
     * dimensions except along {@code axis}, where the output's size is the sum of theirs. ∂/∂xₖ = the slice of the
     * output gradient that xₖ occupies.
     *
     * @throws ShapeException           if ranks or dimensions outside {@code axis} differ (every shape is listed)
     * @throws IllegalArgumentException if there are no inputs or the axis is out of range for the first input
     */
    public static Var concat(int axis, Var... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one input, got 0");
        }
        Shape first = xs[0].shape();
        int ax = axis("concat", axis, first);
        int[] start = new int[xs.length + 1];
        for (int k = 0; k < xs.length; k++) {
            Shape s = xs[k].shape();
            if (s.rank() != first.rank() || !s.with(ax, 0).equals(first.with(ax, 0))) {
                throw new ShapeException("concat along axis " + axis + ": shapes " + shapes(xs)
                        + " must match in every other axis");
            }
            start[k + 1] = start[k] + s.dim(ax);
        }
        int total = start[xs.length];
        Shape out = first.with(ax, total);
        int outer = first.sizeBetween(0, ax);
        int inner = first.sizeBetween(ax + 1, first.rank());
        float[] r = Arena.floats(out.size());
        for (int k = 0; k < xs.length; k++) {
            int len = start[k + 1] - start[k];
            copyAlong(xs[k].value().data(), len, 0, r, total, start[k], len, outer, inner);
        }
        return Var.result(Tensor.wrap(out, r), "concat", g -> {
            for (int k = 0; k < xs.length; k++) {
                if (xs[k].requiresGrad()) {
                    int len = start[k + 1] - start[k];
                    float[] gk = Arena.floats(xs[k].shape().size());
                    copyAlong(g.data(), total, start[k], gk, len, 0, len, outer, inner);
                    xs[k].addGrad(Tensor.wrap(xs[k].shape(), gk));
                }
            }
        }, xs);
    }

    /**
     * {@code x} cut along {@code axis} into consecutive pieces of the given sizes, like {@code torch.split(x, sizes,
     * axis)} with a list of sizes. The sizes must add up to the axis' dimension; note that a single size therefore
     * means the whole axis (unlike {@code torch.split(x, n)} with an int, which makes chunks of n). Piece k is
     * {@code slice(x, axis, s, s + sizes[k])} with s the sum of the sizes before it, and so is its gradient.
     *
     * @throws ShapeException           if the sizes do not add up to the dimension
     * @throws IllegalArgumentException if a size is negative or the axis is out of range
     */
    public static Var[] split(Var x, int axis, int... sizes) {
        Shape s = x.shape();
        int ax = axis("split", axis, s);
        long sum = 0;
        for (int k = 0; k < sizes.length; k++) {
            if (sizes[k] < 0) {
                throw new IllegalArgumentException("split: sizes[" + k + "] = " + sizes[k] + " must be >= 0");
            }
            sum += sizes[k];
        }
        if (sum != s.dim(ax)) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum + ", not to the "
                    + s.dim(ax) + " of axis " + axis + " in shape " + s);
        }
        Var[] pieces = new Var[sizes.length];
        for (int k = 0, from = 0; k < sizes.length; from += sizes[k], k++) {
            pieces[k] = range(x, ax, from, sizes[k], "split");
        }
        return pieces;
    }

    /**
     * Elements {@code start} (included) to {@code end} (excluded) along {@code axis}, like {@code x[..., start:end]}
     * in PyTorch: a negative bound counts from the end, bounds beyond the axis are clamped to it, and {@code end ≤
     * start} gives an empty axis, exactly as Python slicing does. ∂/∂x = the output gradient in the sliced range,
     * 0 elsewhere.
     *
     * @throws IllegalArgumentException if the axis is out of range
     */
    public static Var slice(Var x, int axis, int start, int end) {
        Shape s = x.shape();
        int ax = axis("slice", axis, s);
        int n = s.dim(ax);
        int from = clampBound(start, n);
        int to = Math.max(from, clampBound(end, n));
        return range(x, ax, from, to - from, "slice");
    }

    // ----- helpers, also used by Indexing -----

    /** {@code axis} normalized to [0, rank), or an exception naming the op, the axis, the valid range and the shape. */
    static int axis(String op, int axis, Shape s) {
        int r = s.rank();
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range [" + -r + ", " + r
                    + ") for shape " + s);
        }
        return axis < 0 ? axis + r : axis;
    }

    /**
     * For every position of {@code iter} in row-major order, {@code Σ_d index[d]·step[d]}: the offsets at which a
     * strided walk over another array reads.
     */
    static int[] offsets(Shape iter, int[] step) {
        int n = iter.size();
        int[] off = new int[n];
        int rank = iter.rank();
        if (n == 0 || rank == 0) {
            return off;
        }
        int last = iter.dim(rank - 1);
        int lastStep = step[rank - 1];
        int[] idx = new int[rank];
        int base = 0;
        for (int o = 0; o < n; o += last) {
            for (int j = 0, k = base; j < last; j++, k += lastStep) {
                off[o + j] = k;
            }
            // advance the multi-index over all dimensions but the last
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                base += step[d];
                if (idx[d] < iter.dim(d)) {
                    break;
                }
                base -= step[d] * idx[d];
                idx[d] = 0;
            }
        }
        return off;
    }

    /** Formats shapes as {@code [2, 3], [4]}. */
    static String shapes(Var... xs) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < xs.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(xs[k].shape());
        }
        return sb.toString();
    }

    private static Var copyAs(Var x, Shape shape, String op) {
        Shape in = x.shape();
        return Var.result(Tensor.wrap(shape, x.value().data().clone()), op, g -> x.addGrad(g.reshape(in)), x);
    }

    private static Var permuted(Var x, int[] perm, String op) {
        Shape s = x.shape();
        int[] inverse = new int[perm.length];
        for (int d = 0; d < perm.length; d++) {
            inverse[perm[d]] = d;
        }
        Shape out = permute(s, perm);
        Tensor value = Tensor.wrap(out, permuteData(x.value().data(), s, perm));
        return Var.result(value, op, g -> x.addGrad(Tensor.wrap(s, permuteData(g.data(), out, inverse))), x);
    }

    private static Shape permute(Shape s, int[] perm) {
        int[] d = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            d[i] = s.dim(perm[i]);
        }
        return Shape.of(d);
    }

    /** The elements of {@code src} (of shape {@code s}) in the order of {@code permute(s, perm)}. */
    private static float[] permuteData(float[] src, Shape s, int[] perm) {
        int[] strides = s.strides();
        int[] step = new int[perm.length];
        for (int d = 0; d < perm.length; d++) {
            step[d] = strides[perm[d]];
        }
        int[] from = offsets(permute(s, perm), step);
        float[] r = Arena.floats(src.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = src[from[i]];
        }
        return r;
    }

    /** {@code len} elements of {@code x} along axis {@code ax} from {@code from}; gradient scattered back there. */
    private static Var range(Var x, int ax, int from, int len, String op) {
        Shape s = x.shape();
        int n = s.dim(ax);
        int outer = s.sizeBetween(0, ax);
        int inner = s.sizeBetween(ax + 1, s.rank());
        Shape out = s.with(ax, len);
        float[] r = Arena.floats(out.size());
        copyAlong(x.value().data(), n, from, r, len, 0, len, outer, inner);
        return Var.result(Tensor.wrap(out, r), op, g -> {
            float[] gx = Arena.floats(s.size());
            copyAlong(g.data(), len, 0, gx, n, from, len, outer, inner);
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    /**
     * Viewing both arrays as [outer, axis, inner], copies positions {@code [srcStart, srcStart + count)} of the
     * source axis (of length {@code srcLen}) to {@code [dstStart, dstStart + count)} of the destination axis (of
     * length {@code dstLen}), for every outer index.
     */
    private static void copyAlong(float[] src, int srcLen, int srcStart, float[] dst, int dstLen, int dstStart,
                                  int count, int outer, int inner) {
        int block = count * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * srcLen + srcStart) * inner, dst, (o * dstLen + dstStart) * inner, block);
        }
    }

    /** A Python slice bound: negative counts from the end, then clamped to [0, n]. */
    private static int clampBound(int bound, int n) {
        int b = bound < 0 ? bound + n : bound;
        return Math.max(0, Math.min(b, n));
    }
}
