package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/**
 * Mean intersection over union of the classes present. See {@link Metrics#meanIou()}.
 *
 * @param numClasses the number of classes the logits must have, or 0 to take it from the first batch
 */
record MeanIou(int numClasses) implements Metric {
    static final String NAME = "mean_iou";

    MeanIou {
        if (numClasses < 0) {
            throw new IllegalArgumentException(NAME + ": numClasses must be at least 1, got " + numClasses);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.PIXEL_CLASS_MAP);
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public Accumulator newAccumulator() {
        ConfusionMatrix counts = numClasses == 0 ? ConfusionMatrix.forMetric(NAME)
                : new ConfusionMatrix(NAME, numClasses);
        return new Accumulator() {
            @Override
            public void add(Tensor logits, Tensor targets, Tensor mask) {
                Inputs.requirePixelShapes(NAME, logits, targets);
                counts.add(logits, targets, mask);
            }

            @Override
            public double result() {
                return counts.total() == 0 ? Double.NaN
                        : ClassScore.IOU.average(counts.classCounts(), Average.MACRO);
            }
        };
    }
}
