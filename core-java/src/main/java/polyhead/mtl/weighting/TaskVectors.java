package polyhead.mtl.weighting;

import java.util.List;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * State of strategies that keep one vector per task, as long as a gradient row, from step to step (DB-MTL's gradient
 * averages, MoCo's tracking variables): entries {@code prefix + "." + task} holding rank-1 tensors.
 */
final class TaskVectors {
    private TaskVectors() {
    }

    /** Fails naming {@code strategy} if a vector kept for one of {@code tasks} is not of the rows' length {@code p}. */
    static void checkLength(String strategy, String what, Map<String, float[]> kept, List<String> tasks, int p) {
        for (String t : tasks) {
            float[] v = kept.get(t);
            if (v != null && v.length != p) {
                throw new IllegalArgumentException(strategy + ": gradient of task '" + t + "' has length " + p + ", its "
                        + what + " " + v.length + "; the shared parameters changed");
            }
        }
    }

    /** Adds {@code prefix.task → vector} (a copy) for every entry of {@code kept} to {@code state}. */
    static void put(Map<String, Tensor> state, String prefix, Map<String, float[]> kept) {
        kept.forEach((task, v) -> state.put(prefix + "." + task, Tensor.of(v.clone(), v.length)));
    }

    /** The task named by {@code key} if it is {@code prefix.<task>} with a rank-1 tensor, else null. */
    static String task(String prefix, String key, Tensor value) {
        int n = prefix.length() + 1;
        boolean match = key.startsWith(prefix + ".") && key.length() > n && value != null && value.shape().rank() == 1;
        return match ? key.substring(n) : null;
    }
}
