package polyhead.metrics;

import java.util.Arrays;
import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** Binary ROC AUC by the Mann–Whitney rank statistic. See {@link Metrics#auc()}. */
record Auc() implements Score {
    static final String NAME = "auc";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.BINARY);
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            // the ROC needs every score: kept apart by label, grown by doubling
            private float[] positives = new float[16];
            private float[] negatives = new float[16];
            private int positiveCount;
            private int negativeCount;

            @Override
            public void add(Tensor predictions, Tensor targets, Tensor mask) {
                Inputs.requireEqualShapes(NAME, "predictions", predictions, targets, "equal shapes [N] or [N, D]");
                String shapes = Inputs.shapes("predictions", predictions, targets);
                int samples = predictions.shape().dim(0);
                int perSample = predictions.shape().sizeBetween(1, predictions.rank());
                boolean[] kept = Inputs.keptSamples(NAME, shapes, samples, mask);
                boolean[] positive = new boolean[targets.size()];
                for (int n = 0; n < samples; n++) {
                    for (int e = n * perSample; kept[n] && e < (n + 1) * perSample; e++) {
                        positive[e] = Inputs.binaryLabel(NAME, targets, e);
                    }
                }
                float[] x = predictions.data();
                for (int n = 0; n < samples; n++) {
                    for (int e = n * perSample; kept[n] && e < (n + 1) * perSample; e++) {
                        float score = x[e] + 0f; // −0 → +0, so that the sort's total order ties them
                        if (positive[e]) {
                            positives = append(positives, positiveCount++, score);
                        } else {
                            negatives = append(negatives, negativeCount++, score);
                        }
                    }
                }
            }

            @Override
            public double result() {
                return mannWhitneyAuc(Arrays.copyOf(positives, positiveCount),
                        Arrays.copyOf(negatives, negativeCount));
            }
        };
    }

    private static float[] append(float[] array, int index, float value) {
        float[] a = index < array.length ? array : Arrays.copyOf(array, 2 * array.length);
        a[index] = value;
        return a;
    }

    /**
     * AUC = U / (P·N) with U = Σ over positive scores p of (#negatives below p + ½·#negatives equal to p), the
     * Mann–Whitney statistic with ties averaged, which equals the trapezoidal area under the ROC curve. NaN if
     * either class is empty. Scores are ordered by {@link Float#compare} (NaN above everything). Sorts its arguments.
     */
    static double mannWhitneyAuc(float[] positives, float[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(negatives);
        long twiceU = 0; // exact: 2U is an integer
        for (float p : positives) {
            int below = firstNotBelow(negatives, p);
            int notAbove = firstAbove(negatives, p);
            twiceU += 2L * below + (notAbove - below);
        }
        return twiceU / (2.0 * positives.length * negatives.length);
    }

    /** The index of the first element of sorted {@code a} that is ≥ v. */
    private static int firstNotBelow(float[] a, float v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Float.compare(a[mid], v) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of the first element of sorted {@code a} that is > v. */
    private static int firstAbove(float[] a, float v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Float.compare(a[mid], v) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
