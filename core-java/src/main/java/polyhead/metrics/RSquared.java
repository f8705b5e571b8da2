package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** The coefficient of determination over all labelled elements. See {@link Metrics#r2()}. */
record RSquared() implements Score {
    static final String NAME = "r2";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.REAL_VECTOR);
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long count;
            private double mean; // of the targets so far
            private double m2; // Σ (y − mean)² of the targets so far: SS_tot
            private double ssRes; // Σ (y − ŷ)²

            @Override
            public void add(Tensor predictions, Tensor targets, Tensor mask) {
                RealValues values = RealValues.of(NAME, predictions, targets, mask);
                int nb = values.size();
                if (nb == 0) {
                    return;
                }
                // the batch's own mean and M2 by two passes, then Chan et al.'s pairwise update merges them into the
                // running ones: no Σy² − n·ȳ² cancellation, however many batches
                double batchMean = 0;
                for (int i = 0; i < nb; i++) {
                    batchMean += values.target(i);
                }
                batchMean /= nb;
                double batchM2 = 0;
                double batchRes = 0;
                for (int i = 0; i < nb; i++) {
                    double dev = values.target(i) - batchMean;
                    double res = values.target(i) - values.prediction(i);
                    batchM2 += dev * dev;
                    batchRes += res * res;
                }
                long merged = count + nb;
                double delta = batchMean - mean;
                mean += delta * nb / merged;
                m2 += batchM2 + delta * delta * ((double) count * nb / merged);
                ssRes += batchRes;
                count = merged;
            }

            @Override
            public double result() {
                return count == 0 || m2 == 0 ? Double.NaN : 1 - ssRes / m2;
            }
        };
    }
}
