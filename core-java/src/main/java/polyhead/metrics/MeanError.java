package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** Mean squared or mean absolute error. See {@link Metrics#mse()} and {@link Metrics#mae()}. */
record MeanError(boolean squared) implements Metric {
    static final String MSE = "mse";
    static final String MAE = "mae";

    @Override
    public String name() {
        return squared ? MSE : MAE;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.REAL_VECTOR);
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private double sum;
            private long count;

            @Override
            public void add(Tensor predictions, Tensor targets, Tensor mask) {
                RealValues values = RealValues.of(name(), predictions, targets, mask);
                double batchSum = 0;
                for (int i = 0; i < values.size(); i++) {
                    double diff = values.prediction(i) - values.target(i);
                    batchSum += squared ? diff * diff : Math.abs(diff);
                }
                sum += batchSum;
                count += values.size();
            }

            @Override
            public double result() {
                return count == 0 ? Double.NaN : sum / count;
            }
        };
    }
}
