package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;
import polyhead.tensor.Tensor;

/** The fraction of labelled pixels whose argmax class is the target. See {@link Metrics#pixelAccuracy()}. */
record PixelAccuracy() implements Metric {
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
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public Accumulator newAccumulator() {
        ConfusionMatrix counts = ConfusionMatrix.forMetric(NAME);
        return new Accumulator() {
            @Override
            public void add(Tensor logits, Tensor targets, Tensor mask) {
                Inputs.requirePixelShapes(NAME, logits, targets);
                counts.add(logits, targets, mask);
            }

            @Override
            public double result() {
                return counts.accuracy();
            }
        };
    }
}
