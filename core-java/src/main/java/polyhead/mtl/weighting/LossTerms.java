package polyhead.mtl.weighting;

import java.util.Map;
import java.util.function.ToDoubleFunction;

import polyhead.autodiff.Var;

/** What every loss-level strategy does with the per-task losses: check them and form Σ_t w_t L_t. */
final class LossTerms {
    private LossTerms() {
    }

    /** Fails with a one-line message naming {@code strategy} if there are no losses or one is not a scalar. */
    static void check(String strategy, Map<String, Var> losses) {
        if (losses == null || losses.isEmpty()) {
            throw new IllegalArgumentException(strategy + ": no task losses in the batch (T = 0)");
        }
        for (Map.Entry<String, Var> e : losses.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(strategy + ": loss of task '" + e.getKey() + "' is null");
            }
            if (e.getValue().value().size() != 1) {
                throw new IllegalArgumentException(strategy + ": loss of task '" + e.getKey()
                        + "' is not a scalar (shape " + e.getValue().shape() + ")");
            }
        }
    }

    /** Σ_t w_t L_t over the entries of {@code losses}, in their order; {@code weights[t]} goes with the t-th entry. */
    static Var weightedSum(Map<String, Var> losses, double[] weights) {
        Var sum = null;
        int t = 0;
        for (Var loss : losses.values()) {
            Var term = loss.mul((float) weights[t++]);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /**
     * Σ_t w(t) L_t, with every weight {@code weightOf} gives a task drawn first, in the order of {@code losses}
     * (so a weight that fails does so before any term is formed).
     */
    static Var weightedSum(Map<String, Var> losses, ToDoubleFunction<String> weightOf) {
        double[] w = new double[losses.size()];
        int t = 0;
        for (String task : losses.keySet()) {
            w[t++] = weightOf.applyAsDouble(task);
        }
        return weightedSum(losses, w);
    }

    /** K·softmax(z): weights that sum to K = z.length, computed stably. */
    static double[] scaledSoftmax(double[] z, double k) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] e = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < z.length; i++) {
            e[i] = k * e[i] / sum;
        }
        return e;
    }
}
