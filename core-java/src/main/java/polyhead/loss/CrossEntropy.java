package polyhead.loss;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.data.LabelType;
import polyhead.tensor.ArrayMath;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Softmax cross-entropy on class indices, a fused primitive: per position it evaluates log-sum-exp once and its
 * backward rule is softmax − smoothed one-hot. See {@link Losses#crossEntropy(float, Reduction, float[])}.
 *
 * @param classWeights null, or one weight per class
 */
record CrossEntropy(float labelSmoothing, Reduction reduction, float[] classWeights) implements Loss {
    static final String NAME = "crossEntropy";

    CrossEntropy {
        Objects.requireNonNull(reduction, "reduction");
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException(NAME + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        classWeights = classWeights == null ? null : ClassWeights.check(NAME, "classWeights", classWeights);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = Loss.super.settings();
        m.put("labelSmoothing", labelSmoothing);
        if (classWeights != null) {
            m.put("classWeights", ClassWeights.list(classWeights));
        }
        return m;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Losses.labelTypes(NAME);
    }

    @Override
    public String outputFault(int[] output) {
        return classWeights == null || output.length == 0 || classWeights.length == output[0] ? null
                : classWeights.length + " class weights, but the head outputs " + output[0] + " classes (one weight per class)";
    }

    @Override
    public float[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask) {
        return apply(logits, targets, mask, null);
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask, Tensor sampleWeights) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(targets, "targets");
        if (mask != null && mask.rank() == 2 && logits.shape().rank() == 3 && targets.rank() == 2) {
            return tokens(logits, targets, mask, sampleWeights);
        }
        Shape ls = logits.shape();
        Shape ts = targets.shape();
        String shapes = "logits " + ls + " and targets " + ts;
        if (ls.rank() < 2 || !ts.equals(ls.without(1))) {
            throw new ShapeException(NAME + ": " + shapes + " do not match; expected logits [N, C, d1, ...] and "
                    + "targets [N, d1, ...]");
        }
        int classes = ls.dim(1);
        if (classes == 0) {
            throw new ShapeException(NAME + ": " + shapes + " have no classes (C = 0)");
        }
        if (classWeights != null && classWeights.length != classes) {
            throw new ShapeException(NAME + ": classWeights has " + classWeights.length + " values, but " + shapes
                    + " have " + classes + " classes");
        }
        int positions = ls.sizeBetween(2, ls.rank());
        return MaskedReduction.apply(NAME, shapes, reduction, logits, mask, sampleWeights, ts,
                new Kernel(logits.value().data(), targets, classes, positions, labelSmoothing, classWeights));
    }

    /**
     * Per token: logits [N, T, C], targets and mask [N, T] laid end to end ({@link Losses#crossEntropy(float,
     * Reduction)}).
     */
    private Var tokens(Var logits, Tensor targets, Tensor mask, Tensor sampleWeights) {
        Shape ls = logits.shape();
        Shape ts = targets.shape();
        if (ls.rank() != 3 || !ts.equals(Shape.of(ls.dim(0), ls.dim(1))) || !mask.shape().equals(ts)) {
            throw new ShapeException(NAME + ": logits " + ls + ", targets " + ts + " and mask " + mask.shape()
                    + " do not match; a mask [N, T] marks tokens: expected logits [N, T, C], targets [N, T] and mask "
                    + "[N, T]");
        }
        int n = ls.dim(0);
        int t = ls.dim(1);
        Tensor weights = null;
        if (sampleWeights != null) {
            if (!sampleWeights.shape().equals(Shape.of(n))) {
                throw new ShapeException(NAME + ": sample weights " + sampleWeights.shape() + " do not match logits "
                        + ls + "; expected one weight per sequence [" + n + "]");
            }
            float[] w = new float[n * t];
            for (int i = 0; i < n; i++) {
                Arrays.fill(w, i * t, (i + 1) * t, sampleWeights.data()[i]);
            }
            weights = Tensor.wrap(Shape.of(n * t), w);
        }
        Var loss = apply(Shaping.reshape(logits, n * t, ls.dim(2)), targets.reshape(n * t), mask.reshape(n * t),
                weights);
        return reduction == Reduction.NONE ? Shaping.reshape(loss, n, t) : loss;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropy c && Float.compare(c.labelSmoothing, labelSmoothing) == 0
                && c.reduction == reduction && Arrays.equals(c.classWeights, classWeights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labelSmoothing, reduction) * 31 + Arrays.hashCode(classWeights);
    }

    @Override
    public String toString() {
        return "CrossEntropy[labelSmoothing=" + labelSmoothing + ", reduction=" + reduction + ", classWeights="
                + Arrays.toString(classWeights) + "]";
    }

    /**
     * The per-sample rule; remembers log-sum-exp and the class of each position between forward and backward. With
     * class weights w (PyTorch's {@code weight}), per position ℓ = (1−ε)·w_y·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c), and
     * the mean divides by Σ w_y over the labelled positions instead of their count.
     */
    private static final class Kernel implements MaskedReduction.Kernel {
        private final float[] x;
        private final Tensor targets;
        private final int classes;
        private final int positions;
        private final double eps;
        private final float[] w;
        private final double[] lse;
        private final int[] label;

        /**
         * Exponentials per {@link ArrayMath#exp} call, at most (a position with more classes takes one call alone):
         * 32 KB of doubles, in L1 until the sums read them, whatever the batch and the number of positions.
         */
        private static final int BLOCK = 4096;
        /** Each thread's buffers (grown, never shrunk). */
        private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

        /**
         * A block's positions: {@code e[q]} the index of its q-th valid position (sample n = e / P, position s),
         * {@code base[q]} where its first logit is in x (n·C·P + s), {@code z} its exponentials from q·C.
         */
        private static final class Buffers {
            int[] e = new int[0];
            int[] base = new int[0];
            double[] z = new double[0];

            Buffers fit(int positions, int classes) {
                if (e.length < positions) {
                    e = new int[positions];
                    base = new int[positions];
                }
                if (z.length < positions * classes) {
                    z = new double[positions * classes];
                }
                return this;
            }
        }

        /**
         * The valid positions of [e0, e1) into {@code buf.e} and {@code buf.base}, in order; returns their number.
         * Counts each position's sample and offset along, without a division per position.
         */
        private int validPositions(int e0, int e1, boolean[] valid, Buffers buf) {
            int count = 0;
            for (int e = e0, n = e0 / positions, s = e0 % positions; e < e1; e++) {
                if (valid[n]) {
                    buf.e[count] = e;
                    buf.base[count++] = n * classes * positions + s;
                }
                if (++s == positions) {
                    s = 0;
                    n++;
                }
            }
            return count;
        }

        Kernel(float[] x, Tensor targets, int classes, int positions, float eps, float[] classWeights) {
            this.x = x;
            this.targets = targets;
            this.classes = classes;
            this.positions = positions;
            this.eps = eps;
            this.w = classWeights;
            this.lse = new double[targets.size()];
            this.label = new int[targets.size()];
        }

        /** Yes: a sample's forward writes only its own losses, log-sum-exps and labels, its backward its own rows. */
        @Override
        public boolean samplesIndependent() {
            return true;
        }

        @Override
        public double count(int n, int perSample) {
            if (w == null) {
                return perSample;
            }
            double sum = 0;
            for (int s = 0; s < positions; s++) {
                sum += w[label[n * positions + s]];
            }
            return sum;
        }

        /**
         * Per position: the maximum logit, the exponentials of the shifted logits (those of up to {@link #BLOCK} /
         * C positions in one {@link ArrayMath#exp} call, in vectors), their sum in class order, log-sum-exp and the
         * loss. Positions e = n·P + s (sample n, position s; logits from n·C·P + s, P apart) are taken in order,
         * those of masked samples skipped.
         */
        @Override
        public void forward(int from, int to, boolean[] valid, double[] losses) {
            float[] t = targets.data();
            int chunk = Math.max(1, BLOCK / classes);
            Buffers buf = BUFFERS.get().fit(Math.min(chunk, (to - from) * positions), classes);
            double[] z = buf.z;
            for (int e0 = from * positions, end = to * positions; e0 < end; e0 += chunk) {
                int count = validPositions(e0, Math.min(end, e0 + chunk), valid, buf);
                for (int q = 0, zo = 0; q < count; q++, zo += classes) {
                    int e = buf.e[q];
                    int base = buf.base[q];
                    label[e] = classIndex(t[e], e);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        max = Math.max(max, x[base + c * positions]);
                    }
                    lse[e] = max; // until log-sum-exp replaces it below
                    for (int c = 0; c < classes; c++) {
                        z[zo + c] = x[base + c * positions] - max;
                    }
                }
                ArrayMath.exp(z, 0, count * classes);
                for (int q = 0; q < count; q++) {
                    losses[buf.e[q]] = loss(buf.e[q], buf.base[q], z, q * classes);
                }
            }
        }

        /**
         * Position e's loss, its logits from {@code x[base]} ({@link #positions} apart), their exponentials shifted by
         * the maximum (held in {@code lse[e]}) at {@code z[zo...]}; leaves log-sum-exp in {@code lse[e]}.
         */
        private double loss(int e, int base, double[] z, int zo) {
            double sumExp = 0;
            double sumX = 0;
            for (int c = 0; c < classes; c++) {
                sumExp += z[zo + c];
                sumX += x[base + c * positions];
            }
            double logSumExp = lse[e] + Math.log(sumExp);
            lse[e] = logSumExp;
            int y = label[e];
            // (1−ε)(lse − x_y) + (ε/C)·Σ_c (lse − x_c); the smoothing term is skipped at ε = 0 so that a −∞
            // logit of another class does not turn 0·∞ into NaN
            double nll = logSumExp - x[base + y * positions];
            if (w == null) {
                return eps == 0 ? nll : (1 - eps) * nll + eps * (logSumExp - sumX / classes);
            }
            double smooth = 0;
            if (eps != 0) {
                for (int c = 0; c < classes; c++) {
                    smooth += w[c] * (logSumExp - x[base + c * positions]);
                }
            }
            return eps == 0 ? w[y] * nll : (1 - eps) * w[y] * nll + eps / classes * smooth;
        }

        /** Per position: the softmax p_c = e^(x_c − log-sum-exp), {@link #BLOCK} values per {@link ArrayMath#exp}. */
        @Override
        public void backward(int from, int to, boolean[] valid, double[] weights, float[] grad) {
            int chunk = Math.max(1, BLOCK / classes);
            Buffers buf = BUFFERS.get().fit(Math.min(chunk, (to - from) * positions), classes);
            double[] z = buf.z;
            double offTarget = eps / classes;
            double total = 0;
            for (int c = 0; w != null && c < classes; c++) {
                total += w[c];
            }
            for (int e0 = from * positions, end = to * positions; e0 < end; e0 += chunk) {
                int count = validPositions(e0, Math.min(end, e0 + chunk), valid, buf);
                for (int q = 0, zo = 0; q < count; q++, zo += classes) {
                    int e = buf.e[q];
                    int base = buf.base[q];
                    for (int c = 0; c < classes; c++) {
                        z[zo + c] = x[base + c * positions] - lse[e];
                    }
                }
                ArrayMath.exp(z, 0, count * classes);
                for (int q = 0, zo = 0; q < count; q++, zo += classes) {
                    int e = buf.e[q];
                    int base = buf.base[q];
                    double g = weights[e];
                    if (w == null) {
                        for (int c = 0; c < classes; c++) {
                            double smoothed = c == label[e] ? 1 - eps + offTarget : offTarget;
                            grad[base + c * positions] = (float) (g * (z[zo + c] - smoothed));
                        }
                    } else {
                        // ∂ℓ/∂x_c = p_c·((1−ε)·w_y + (ε/C)·Σ_k w_k) − (1−ε)·w_y·[c = y] − (ε/C)·w_c
                        double wy = (1 - eps) * w[label[e]];
                        double scale = wy + offTarget * total;
                        for (int c = 0; c < classes; c++) {
                            double target = (c == label[e] ? wy : 0) + offTarget * w[c];
                            grad[base + c * positions] = (float) (g * (z[zo + c] * scale - target));
                        }
                    }
                }
            }
        }

        /** The class held by target element {@code e}, which must be an integral value in [0, C). */
        private int classIndex(float t, int e) {
            if (!(t >= 0 && t < classes && t == Math.rint(t))) {
                throw new IllegalArgumentException(NAME + ": target " + t + " at " + where(e)
                        + " is not a class index in [0, " + classes + ")");
            }
            return (int) t;
        }

        /** "sample 3" for [N] targets, "position [1, 2, 3]" for [N, d1, ...]. */
        private String where(int e) {
            Shape ts = targets.shape();
            if (ts.rank() == 1) {
                return "sample " + e;
            }
            int[] index = new int[ts.rank()];
            for (int d = ts.rank() - 1, rest = e; d >= 0; d--) {
                index[d] = rest % ts.dim(d);
                rest /= ts.dim(d);
            }
            return "position " + Arrays.toString(index);
        }
    }
}
