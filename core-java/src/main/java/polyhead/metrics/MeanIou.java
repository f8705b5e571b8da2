package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;

/**
 * Mean intersection over union of the classes present. See {@link Metrics#meanIou()}.
 *
 * @param numClasses the number of classes the logits must have, or 0 to take it from the first batch
 */
record MeanIou(int numClasses) implements Score {
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
    public Accumulator newAccumulator() {
        ConfusionMatrix counts = numClasses == 0 ? ConfusionMatrix.forMetric(NAME)
                : new ConfusionMatrix(NAME, numClasses);
        return counts.pixelAccumulator(c -> c.total() == 0 ? Double.NaN
                : ClassScore.IOU.average(c.classCounts(), Average.MACRO));
    }
}
