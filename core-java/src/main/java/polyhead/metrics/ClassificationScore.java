package polyhead.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import polyhead.data.LabelType;

/**
 * Precision, recall or F1 with macro or micro averaging. See {@link Metrics#precision(Average)},
 * {@link Metrics#recall(Average)}, {@link Metrics#f1(Average)}.
 */
record ClassificationScore(ClassScore score, Average average) implements Score {
    ClassificationScore {
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(average, "average");
    }

    @Override
    public String name() {
        return score.name().toLowerCase(Locale.ROOT) + "_" + average.suffix();
    }

    @Override
    public Set<LabelType> labelTypes() {
        return Set.of(LabelType.CLASS_INDEX, LabelType.BINARY, LabelType.TOKEN_CLASS);
    }

    @Override
    public Accumulator newAccumulator() {
        return new ClassificationCounts(name()).accumulator(counts -> counts.score(score, average));
    }
}
