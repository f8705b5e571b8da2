package polyhead.loss;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Softmax cross-entropy on class indices, a fused primitive: per position it evaluates log-sum-exp once and its
 * backward rule is softmax − smoothed one-hot. See {@link Losses#crossEntropy(float, Reduction)}.
 */
record CrossEntropy(float labelSmoothing, Reduction reduction) implements Loss {
    static final String NAME = "crossEntropy";

    CrossEntropy {
        Objects.requireNonNull(reduction, "reduction");
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException(NAME + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = Loss.super.settings();
        m.put("labelSmoothing", labelSmoothing);
        return m;
    }

    @Override
    public Var apply(Var logits, Tensor targets, Tensor mask) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(targets, "targets");
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
        int positions = ls.sizeBetween(2, ls.rank());
        return MaskedReduction.apply(NAME, shapes, reduction, logits, mask, ts,
                new Kernel(logits.value().data(), targets, classes, positions, labelSmoothing));
    }

    /** The per-sample rule; remembers log-sum-exp and the class of each position between forward and backward. */
    private static final class Kernel implements MaskedReduction.Kernel {
        private final float[] x;
        private final Tensor targets;
        private final int classes;
        private final int positions;
        private final double eps;
        private final double[] lse;
        private final int[] label;

        Kernel(float[] x, Tensor targets, int classes, int positions, float eps) {
            this.x = x;
            this.targets = targets;
            this.classes = classes;
            this.positions = positions;
            this.eps = eps;
            this.lse = new double[targets.size()];
            this.label = new int[targets.size()];
        }

        @Override
        public void forward(int n, double[] losses) {
            float[] t = targets.data();
            for (int s = 0; s < positions; s++) {
                int e = n * positions + s;
                int y = classIndex(t[e], e);
                int base = n * classes * positions + s;
                double max = Double.NEGATIVE_INFINITY;
                double sumX = 0;
                for (int c = 0; c < classes; c++) {
                    double v = x[base + c * positions];
                    max = Math.max(max, v);
                    sumX += v;
                }
                double sumExp = 0;
                for (int c = 0; c < classes; c++) {
                    sumExp += Math.exp(x[base + c * positions] - max);
                }
                double logSumExp = max + Math.log(sumExp);
                lse[e] = logSumExp;
                label[e] = y;
                // (1−ε)(lse − x_y) + (ε/C)·Σ_c (lse − x_c); the smoothing term is skipped at ε = 0 so that a −∞
                // logit of another class does not turn 0·∞ into NaN
                double nll = logSumExp - x[base + y * positions];
                losses[e] = eps == 0 ? nll : (1 - eps) * nll + eps * (logSumExp - sumX / classes);
            }
        }

        @Override
        public void backward(int n, double[] weights, float[] grad) {
            double offTarget = eps / classes;
            for (int s = 0; s < positions; s++) {
                int e = n * positions + s;
                int base = n * classes * positions + s;
                double w = weights[e];
                for (int c = 0; c < classes; c++) {
                    int k = base + c * positions;
                    double smoothed = c == label[e] ? 1 - eps + offTarget : offTarget;
                    grad[k] = (float) (w * (Math.exp(x[k] - lse[e]) - smoothed));
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
