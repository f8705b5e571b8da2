package polyhead.tensor;

/**
 * Element-wise kernels under NumPy broadcasting, and the reduction that undoes a broadcast (the gradient of one).
 * Shapes are aligned from the right; a dimension of 1 (or a missing one) is repeated.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /** A binary float function applied element by element. */
    @FunctionalInterface
    public interface FloatBinaryOp {
        float apply(float a, float b);
    }

    /** {@code out[i] = f(a[i], b[i])} over the broadcast shape of {@code a} and {@code b}. */
    public static Tensor apply(Tensor a, Tensor b, FloatBinaryOp f) {
        Shape out = Shape.broadcast(a.shape(), b.shape());
        float[] r = Arena.floats(out.size());
        float[] x = a.data();
        float[] y = b.data();
        if (a.shape().equals(b.shape())) {
            for (int i = 0; i < r.length; i++) {
                r[i] = f.apply(x[i], y[i]);
            }
        } else if (y.length == 1 && x.length == r.length) {
            float c = y[0];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.apply(x[i], c);
            }
        } else if (x.length == 1 && y.length == r.length) {
            float c = x[0];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.apply(c, y[i]);
            }
        } else if (r.length > 0) {
            int[] sa = stridesIn(a.shape(), out);
            int[] sb = stridesIn(b.shape(), out);
            int rank = out.rank();
            int last = out.dim(rank - 1);
            int la = sa[rank - 1];
            int lb = sb[rank - 1];
            int[] idx = new int[rank];
            int offA = 0;
            int offB = 0;
            for (int o = 0; o < r.length; o += last) {
                for (int j = 0, ia = offA, ib = offB; j < last; j++, ia += la, ib += lb) {
                    r[o + j] = f.apply(x[ia], y[ib]);
                }
                // advance the multi-index over all dimensions but the last
                for (int d = rank - 2; d >= 0; d--) {
                    idx[d]++;
                    offA += sa[d];
                    offB += sb[d];
                    if (idx[d] < out.dim(d)) {
                        break;
                    }
                    offA -= sa[d] * idx[d];
                    offB -= sb[d] * idx[d];
                    idx[d] = 0;
                }
            }
        }
        return Tensor.wrap(out, r);
    }

    /** {@code t} repeated to {@code target}, which must be a broadcast of {@code t}'s shape. */
    public static Tensor expand(Tensor t, Shape target) {
        if (t.shape().equals(target)) {
            return t;
        }
        if (!Shape.broadcast(t.shape(), target).equals(target)) {
            throw new ShapeException("cannot expand shape " + t.shape() + " to " + target);
        }
        return apply(t, Tensor.zeros(target), (v, zero) -> v);
    }

    /**
     * Sums {@code g} down to {@code target}, the inverse of broadcasting {@code target} up to {@code g}'s shape:
     * every dimension of {@code target} that is 1 (or missing) where {@code g}'s is not is summed over. Accumulates
     * in double.
     */
    public static Tensor sumTo(Tensor g, Shape target) {
        if (g.shape().equals(target)) {
            return g;
        }
        Shape gs = g.shape();
        if (!Shape.broadcast(target, gs).equals(gs)) {
            throw new ShapeException("cannot reduce shape " + gs + " to " + target);
        }
        double[] acc = new double[target.size()];
        float[] src = g.data();
        if (target.size() == 1) {
            double s = 0;
            for (float v : src) {
                s += v;
            }
            acc[0] = s;
        } else if (src.length > 0) {
            int[] st = stridesIn(target, gs);
            int rank = gs.rank();
            int last = gs.dim(rank - 1);
            int lt = st[rank - 1];
            int[] idx = new int[rank];
            int off = 0;
            for (int o = 0; o < src.length; o += last) {
                for (int j = 0, it = off; j < last; j++, it += lt) {
                    acc[it] += src[o + j];
                }
                for (int d = rank - 2; d >= 0; d--) {
                    idx[d]++;
                    off += st[d];
                    if (idx[d] < gs.dim(d)) {
                        break;
                    }
                    off -= st[d] * idx[d];
                    idx[d] = 0;
                }
            }
        }
        float[] r = Arena.floats(acc.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) acc[i];
        }
        return Tensor.wrap(target, r);
    }

    /** Strides of {@code s} in the index space of {@code out}: 0 along broadcast or missing dimensions. */
    static int[] stridesIn(Shape s, Shape out) {
        int rank = out.rank();
        int[] own = s.strides();
        int[] r = new int[rank];
        int shift = rank - s.rank();
        for (int d = shift; d < rank; d++) {
            r[d] = s.dim(d - shift) == 1 ? 0 : own[d - shift];
        }
        return r;
    }
}
