package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** Top-k accuracy, ties counted against the target. See {@link Metrics#topK(int)}. */
record TopK(int k) implements Score {
    TopK {
        if (k < 1) {
            throw new IllegalArgumentException("top" + k + "_accuracy: k must be at least 1, got " + k);
        }
    }

    @Override
    public String name() {
        return "top" + k + "_accuracy";
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.CLASS_INDEX);
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long correct;
            private long total;

            @Override
            public void add(Tensor logits, Tensor targets, Tensor mask) {
                String metric = name();
                Inputs.requireClassShapes(metric, logits, targets);
                String shapes = Inputs.shapes("logits", logits, targets);
                int classes = logits.shape().dim(1);
                if (k > classes) {
                    throw new ShapeException(metric + ": k = " + k + " exceeds the " + classes + " classes of "
                            + shapes);
                }
                int samples = logits.shape().dim(0);
                boolean[] kept = Inputs.keptSamples(metric, shapes, samples, mask);
                int positions = logits.shape().sizeBetween(2, logits.rank());
                int[] target = new int[targets.size()];
                for (int n = 0; n < samples; n++) {
                    for (int e = n * positions; kept[n] && e < (n + 1) * positions; e++) {
                        target[e] = Inputs.classIndex(metric, targets, e, classes);
                    }
                }
                float[] x = logits.data();
                for (int n = 0; n < samples; n++) {
                    for (int s = 0; kept[n] && s < positions; s++) {
                        int base = n * classes * positions + s;
                        correct += inTopK(x, base, positions, classes, target[n * positions + s], k) ? 1 : 0;
                        total++;
                    }
                }
            }

            @Override
            public double result() {
                return total == 0 ? Double.NaN : (double) correct / total;
            }
        };
    }

    /**
     * True if fewer than k other classes are ahead of class y, a class being ahead if its logit is ≥ y's (or
     * either is NaN): a tie at the k-th place counts against the target.
     */
    static boolean inTopK(float[] x, int base, int stride, int classes, int y, int k) {
        float target = x[base + y * stride];
        int ahead = 0;
        for (int c = 0; c < classes && ahead < k; c++) {
            if (c != y && !(x[base + c * stride] < target)) {
                ahead++;
            }
        }
        return ahead < k;
    }
}
