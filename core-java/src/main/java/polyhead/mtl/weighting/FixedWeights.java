package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;

/**
 * Fixed loss weights: the objective Σ_t w_t L_t over the tasks present in the batch. A task without a weight in the
 * map weighs 1, so equal weighting is the empty map; weights of tasks absent from the batch are simply unused.
 * Stateless.
 */
public final class FixedWeights implements LossWeighting {
    private final String name;
    private final Map<String, Double> weights;

    FixedWeights(String name, Map<String, Double> weights) {
        this.name = name;
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException(name + ": weight of task '" + e.getKey() + "' must be finite, got "
                        + e.getValue());
            }
            copy.put(e.getKey(), e.getValue());
        }
        this.weights = Map.copyOf(copy);
    }

    @Override
    public String name() {
        return name;
    }

    /** The weight of {@code task}: the one given, or 1. */
    public double weight(String task) {
        return weights.getOrDefault(task, 1.0);
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(name, losses);
        return LossTerms.weightedSum(losses, this::weight);
    }
}
