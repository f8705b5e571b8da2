package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;

/** The fraction of labelled pixels whose argmax class is the target. See {@link Metrics#pixelAccuracy()}. */
record PixelAccuracy() implements Score {
    static final String NAME = "pixel_accuracy";

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
        return ConfusionMatrix.forMetric(NAME).pixelAccumulator(ConfusionMatrix::accuracy);
    }
}
