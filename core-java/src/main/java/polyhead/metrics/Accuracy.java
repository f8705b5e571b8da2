package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** The fraction of labelled predictions that are right. See {@link Metrics#accuracy()}. */
record Accuracy() implements Metric {
    static final String NAME = "accuracy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.CLASS_INDEX, LabelType.BINARY);
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public Accumulator newAccumulator() {
        ClassificationCounts counts = new ClassificationCounts(NAME);
        return new Accumulator() {
            @Override
            public void add(Tensor predictions, Tensor targets, Tensor mask) {
                counts.add(predictions, targets, mask);
            }

            @Override
            public double result() {
                return counts.accuracy();
            }
        };
    }
}
