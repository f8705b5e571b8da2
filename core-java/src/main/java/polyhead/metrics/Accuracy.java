package polyhead.metrics;

import java.util.Set;

import polyhead.data.LabelType;

/** The fraction of labelled predictions that are right. See {@link Metrics#accuracy()}. */
record Accuracy() implements Score {
    static final String NAME = "accuracy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.CLASS_INDEX, LabelType.BINARY, LabelType.TOKEN_CLASS);
    }

    @Override
    public Accumulator newAccumulator() {
        return new ClassificationCounts(NAME).accumulator(ClassificationCounts::accuracy);
    }
}
