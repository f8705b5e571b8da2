package polyhead.mtl.weighting;

import java.util.List;
import java.util.Map;

/** The one check of per-task initial values of a strategy's state (uncertainty's log-variances, GradNorm's weights). */
final class InitialValues {
    private InitialValues() {
    }

    /**
     * Fails with one line naming the strategy and the task unless every value is finite (and &gt; 0 if
     * {@code positive}) and, when {@code tasks} is given, names one of them.
     */
    static void check(String strategy, String what, List<String> tasks, Map<String, Double> values, boolean positive) {
        for (Map.Entry<String, Double> e : values.entrySet()) {
            Double v = e.getValue();
            if (v == null || !Double.isFinite(v) || positive && !(v > 0)) {
                throw new IllegalArgumentException(strategy + ": " + what + " of task '" + e.getKey() + "' must be "
                        + (positive ? "a finite number > 0" : "finite") + ", got " + v);
            }
            if (tasks != null && !tasks.contains(e.getKey())) {
                throw new IllegalArgumentException(strategy + ": " + what + " given for '" + e.getKey()
                        + "', which is no task; tasks: " + tasks);
            }
        }
    }
}
