package polyhead.mtl.weighting;

import java.util.Map;

import polyhead.autodiff.Var;

/**
 * Geometric loss strategy (Chennupati, Sistu, Yogamani &amp; Rawashdeh, "MultiNet++: Multi-Stream Feature
 * Aggregation and Geometric Loss Strategy for Multi-Task Learning", CVPR Workshops 2019, Sec. 3.2, eq. 5): the
 * objective is the geometric mean of the T task losses present in the batch,
 * <pre>
 *   G = (Π_t L_t)^{1/T},    ∂G/∂L_t = G / (T L_t),
 * </pre>
 * so each task's gradient is weighted by the inverse of its own loss (scaled by G/T): a task whose loss is small
 * relative to the others weighs more, and the objective does not change when one loss is rescaled by a constant
 * (its weight falls in proportion). No settings, no state.
 *
 * <p>A loss weighting: it works with every architecture and has no gradient source. G is computed as
 * exp(mean_t log L_t), which equals LibMTL's {@code pow(prod(L), 1/T)} but does not underflow or overflow for many
 * tasks or extreme losses. Losses must be ≥ 0 (the geometric mean of a negative number is not real); negative or
 * non-finite ones are refused. A loss that is exactly 0 makes G = 0 and its own weight 0/0: the step's gradient is
 * not finite and the trainer's non-finite policy decides (stop, or skip the step).
 */
public final class Gls implements LossWeighting {
    static final String NAME = "gls";

    Gls() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(NAME, losses);
        Var sumOfLogs = null;
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            float v = e.getValue().value().item();
            if (!(v >= 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException(NAME + ": loss of task '" + e.getKey() + "' is " + v
                        + "; the geometric mean needs finite losses >= 0");
            }
            Var log = e.getValue().log();
            sumOfLogs = sumOfLogs == null ? log : sumOfLogs.add(log);
        }
        return sumOfLogs.mul(1f / losses.size()).exp();
    }
}
