package polyhead.autodiff.ops;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Broadcast;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Sums, means and maxima over all elements or over chosen axes. Sums accumulate in double. */
public final class Reductions {
    private Reductions() {
    }

    /** Sum of all elements, a scalar. ∂/∂x = 1. */
    public static Var sum(Var x) {
        return reduceAll(x, false);
    }

    /** Mean of all elements, a scalar; the mean of an empty tensor is NaN, as in PyTorch. */
    public static Var mean(Var x) {
        return reduceAll(x, true);
    }

    /**
     * Sum over {@code axes} (negative axes count from the end). With {@code keepDims} the reduced axes stay as
     * size 1; otherwise they are removed. ∂/∂x = the output gradient repeated over the reduced axes.
     */
    public static Var sum(Var x, int[] axes, boolean keepDims) {
        return reduceAxes(x, axes, keepDims, false);
    }

    /** Mean over {@code axes}: {@link #sum(Var, int[], boolean)} divided by the number of reduced elements. */
    public static Var mean(Var x, int[] axes, boolean keepDims) {
        return reduceAxes(x, axes, keepDims, true);
    }

    /**
     * Maximum over one axis. The gradient goes to the position of the maximum (the first one where several are
     * equal, which is also the index PyTorch's {@code max(dim)} returns on CPU).
     */
    public static Var max(Var x, int axis, boolean keepDims) {
        Shape s = x.shape();
        int ax = s.axis(axis);
        int outer = s.sizeBetween(0, ax);
        int len = s.dim(ax);
        int inner = s.sizeBetween(ax + 1, s.rank());
        if (len == 0) {
            throw new polyhead.tensor.ShapeException("max over axis " + axis + " of size 0 in shape " + s);
        }
        float[] v = x.value().data();
        float[] out = Arena.floats(outer * inner);
        int[] arg = Arena.intsToOverwrite(outer * inner); // every entry written below
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float best = v[base];
                int bestJ = 0;
                for (int j = 1; j < len; j++) {
                    float c = v[base + j * inner];
                    // NaN propagates, as in PyTorch
                    if (c > best || (Float.isNaN(c) && !Float.isNaN(best))) {
                        best = c;
                        bestJ = j;
                    }
                }
                out[o * inner + i] = best;
                arg[o * inner + i] = bestJ;
            }
        }
        Shape outShape = keepDims ? s.with(ax, 1) : s.without(ax);
        return Var.result(Tensor.wrap(outShape, out), "max", g -> {
            float[] gx = Arena.floats(s.size());
            float[] dg = g.data();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    gx[o * len * inner + arg[o * inner + i] * inner + i] += dg[o * inner + i];
                }
            }
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    private static Var reduceAll(Var x, boolean mean) {
        float[] v = x.value().data();
        double acc = 0;
        for (float f : v) {
            acc += f;
        }
        int n = v.length;
        float scale = mean ? 1f / n : 1f;
        Tensor out = Tensor.scalar((float) (mean ? acc / n : acc));
        return Var.result(out, mean ? "mean" : "sum", g -> x.addGrad(Tensor.full(g.item() * scale, x.shape())), x);
    }

    private static Var reduceAxes(Var x, int[] axes, boolean keepDims, boolean mean) {
        Shape s = x.shape();
        int[] kept = s.dims();
        boolean[] reduced = new boolean[s.rank()];
        int count = 1;
        for (int a : axes) {
            int ax = s.axis(a);
            if (!reduced[ax]) {
                reduced[ax] = true;
                count *= kept[ax];
                kept[ax] = 1;
            }
        }
        Shape keptShape = Shape.of(kept);
        Tensor summed = Broadcast.sumTo(x.value(), keptShape);
        float scale = mean ? 1f / count : 1f;
        if (mean) {
            float[] d = summed.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((double) d[i] / count);
            }
        }
        Shape outShape = keepDims ? keptShape : squeeze(keptShape, reduced);
        Tensor out = summed.reshape(outShape);
        return Var.result(out, mean ? "mean" : "sum", g -> {
            Tensor gk = g.reshape(keptShape);
            Tensor gx = Broadcast.expand(gk, s);
            if (mean) {
                gx = Arithmetic.map(gx, scale, (u, k) -> u * k);
            }
            x.addGrad(gx);
        }, x);
    }

    private static Shape squeeze(Shape s, boolean[] drop) {
        int n = 0;
        for (boolean b : drop) {
            n += b ? 0 : 1;
        }
        int[] d = new int[n];
        for (int i = 0, j = 0; i < drop.length; i++) {
            if (!drop[i]) {
                d[j++] = s.dim(i);
            }
        }
        return Shape.of(d);
    }
}
