package polyhead.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.mtl.weighting.TaskGradients;
import polyhead.tensor.ArrayMath;

/**
 * Task-relationship diagnostics over the task gradients of the shared parameters: for each pair (i, j) the cosine
 * similarity cos(g_i, g_j) (negative = conflicting gradients, Yu et al., 2020) and the norm ratio ‖g_i‖/‖g_j‖
 * (a large ratio means one task dominates the shared update).
 */
public final class TaskRelations {
    private TaskRelations() {
    }

    /**
     * Keys {@code grad_cos.<i>.<j>} and {@code grad_norm_ratio.<i>.<j>} for every pair i before j in task order;
     * a pair involving a zero gradient gets NaN.
     */
    public static Map<String, Double> of(TaskGradients g) {
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> tasks = g.tasks();
        double[] norms = new double[tasks.size()];
        for (int t = 0; t < norms.length; t++) {
            norms[t] = Math.sqrt(ArrayMath.dotDouble(g.grads()[t], g.grads()[t]));
        }
        for (int i = 0; i < tasks.size(); i++) {
            for (int j = i + 1; j < tasks.size(); j++) {
                String pair = tasks.get(i) + "." + tasks.get(j);
                double denom = norms[i] * norms[j];
                out.put("grad_cos." + pair, denom == 0 ? Double.NaN : ArrayMath.dotDouble(g.grads()[i], g.grads()[j]) / denom);
                out.put("grad_norm_ratio." + pair, norms[j] == 0 ? Double.NaN : norms[i] / norms[j]);
            }
        }
        return out;
    }
}
