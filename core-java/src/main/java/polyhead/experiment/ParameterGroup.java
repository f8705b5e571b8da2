package polyhead.experiment;

import java.util.Objects;

/**
 * Parameters that take another learning rate or weight decay than the algorithm's; NaN keeps the algorithm's. The
 * first group of an {@link OptimizerPlan} that selects a parameter wins; its learning rate follows the plan's
 * schedule from the group's own base rate.
 *
 * <pre>{@code ParameterGroup.of(Selector.biasesAndNorms()).weightDecay(0)}</pre>
 */
public record ParameterGroup(Selector select, double lr, double weightDecay) {
    public ParameterGroup {
        Objects.requireNonNull(select, "optimizer group: selector");
        if (!Double.isNaN(lr) && !(lr > 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("optimizer group " + select + ": lr must be > 0, got " + lr);
        }
        if (!Double.isNaN(weightDecay) && !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("optimizer group " + select + ": weightDecay must be >= 0, got " + weightDecay);
        }
    }

    /** A group of the parameters {@code select} picks, overriding nothing yet. */
    public static ParameterGroup of(Selector select) {
        return new ParameterGroup(select, Double.NaN, Double.NaN);
    }

    public ParameterGroup lr(double v) {
        return new ParameterGroup(select, v, weightDecay);
    }

    public ParameterGroup weightDecay(double v) {
        return new ParameterGroup(select, lr, v);
    }
}
