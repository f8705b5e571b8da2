package polyhead.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Δm, the average relative change of a multi-task model's metrics against single-task baselines (Maninis et al.,
 * "Attentive Single-Tasking of Multiple Tasks", CVPR 2019), in the form and sign of Liu et al., "Conflict-Averse
 * Gradient Descent for Multi-task Learning" (CAGrad, NeurIPS 2021), also used by Navon et al. (Nash-MTL, ICML
 * 2022):
 * <pre>
 * Δm = (100 % / K) · Σ_k (−1)^{h_k} · (M_k − B_k) / B_k,     h_k = 1 if higher is better for metric k, else 0
 * </pre>
 * over the K metrics of all tasks, each counted once (CAGrad's 9 NYUv2 metrics weigh equally, whichever task they
 * belong to), M_k the multi-task model's value and B_k the single-task baseline's.
 *
 * <p><b>Sign: Δm is a performance drop, in percent. Positive = worse than the baselines on average, negative =
 * better, lower is better</b> ({@link #HIGHER_IS_BETTER} is false), as the "Δm% ↓" columns of those papers.
 * LibMTL's {@code count_improvement} (Lin et al.) reports the opposite sign (positive = better), as a fraction rather
 * than a percentage, and averages the metrics within each task before averaging over tasks; with one metric per
 * task, LibMTL's value is −Δm / 100.
 *
 * <p>Example: accuracy 0.80 against a baseline of 0.75 (+6.67 %) and MSE 0.30 against 0.25 (20 % worse) give
 * Δm = (−6.67 + 20) / 2 = +6.67 %.
 */
public final class DeltaM {
    /** The name used in histories and messages. */
    public static final String NAME = "delta_m";
    /** False: a lower Δm is better. */
    public static final boolean HIGHER_IS_BETTER = false;

    private DeltaM() {
    }

    /**
     * Δm in percent over the metrics in {@code metrics}, keyed by any name (e.g. {@code "item.accuracy"}); extra
     * entries of the other maps are ignored. Terms are summed in key order, so the result does not depend on the
     * maps' iteration order. A NaN metric value makes Δm NaN.
     *
     * @param metrics        the multi-task model's values
     * @param baselines      the single-task baselines, by the same keys; finite and positive (a negative B_k would
     *                       silently flip the sign of its term)
     * @param higherIsBetter for each key, true if a higher value is better (accuracy), false if lower is (MSE); see
     *                       {@link Metric#higherIsBetter()}
     * @throws IllegalArgumentException if metrics is empty, or a key has no baseline, no direction, or a baseline
     *                                  that is not finite and positive
     */
    public static double compute(Map<String, Double> metrics, Map<String, Double> baselines,
            Map<String, Boolean> higherIsBetter) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(baselines, "baselines");
        Objects.requireNonNull(higherIsBetter, "higherIsBetter");
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": no metrics given");
        }
        double sum = 0;
        for (String key : new TreeSet<>(metrics.keySet())) {
            Double m = Objects.requireNonNull(metrics.get(key), () -> NAME + ": metric " + key + " is null");
            Double b = baselines.get(key);
            if (b == null) {
                throw new IllegalArgumentException(NAME + ": no single-task baseline for metric " + key
                        + "; baselines are given for " + new TreeSet<>(baselines.keySet()));
            }
            if (!(b > 0) || b == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(NAME + ": baseline of " + key + " is " + b
                        + "; the relative change needs a finite, positive baseline");
            }
            Boolean higher = higherIsBetter.get(key);
            if (higher == null) {
                throw new IllegalArgumentException(NAME + ": higherIsBetter has no entry for metric " + key);
            }
            double relative = (m - b) / b;
            sum += higher ? -relative : relative;
        }
        return 100 * sum / metrics.size();
    }
}
