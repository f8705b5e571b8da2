package polyhead.mtl.weighting;

import java.util.Map;
import java.util.Random;

/**
 * What a strategy may know about the moment it is called.
 *
 * @param step            optimizer steps taken so far (0 for the first batch)
 * @param epoch           the current epoch, from 0
 * @param rng             the run's seeded generator for strategies that draw random weights; using it keeps runs
 *                        reproducible
 * @param declaredWeights the weight each task declares ({@code Task.weight()}), which strategies with static weights
 *                        use for a task given none of its own
 */
public record WeightingContext(long step, int epoch, Random rng, Map<String, Double> declaredWeights) {
    public WeightingContext {
        declaredWeights = Map.copyOf(declaredWeights);
    }

    /** A context without declared weights: every task declares 1. */
    public WeightingContext(long step, int epoch, Random rng) {
        this(step, epoch, rng, Map.of());
    }

    /** The weight {@code task} declares, 1 if it declares none. */
    public double declaredWeight(String task) {
        return declaredWeights.getOrDefault(task, 1.0);
    }
}
