package polyhead.mtl.weighting;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.autodiff.Var;

/**
 * Fixed loss weights: the objective Σ_t w_t L_t over the tasks present in the batch. A task without a weight in the
 * map weighs what it declares ({@link WeightingContext#declaredWeight}) under {@code fixed}, and 1 under
 * {@code equal} (the empty map); weights of tasks absent from the batch are simply unused. Stateless.
 */
public final class FixedWeights implements LossWeighting {
    private final String name;
    private final Map<String, Double> weights;
    private final boolean declared;

    /** @param declared whether a task missing from {@code weights} weighs what it declares (else 1) */
    FixedWeights(String name, Map<String, Double> weights, boolean declared) {
        this.name = name;
        this.declared = declared;
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

    /** The weight of {@code task} given here, or 1. */
    public double weight(String task) {
        return weights.getOrDefault(task, 1.0);
    }

    /** The weight of {@code task} at {@code ctx}: the one given here, else the task's declared one under fixed, else 1. */
    public double weight(String task, WeightingContext ctx) {
        Double w = weights.get(task);
        return w != null ? w : declared ? ctx.declaredWeight(task) : 1.0;
    }

    @Override
    public Var combine(Map<String, Var> losses, WeightingContext ctx) {
        LossTerms.check(name, losses);
        return LossTerms.weightedSum(losses, task -> weight(task, ctx));
    }
}
