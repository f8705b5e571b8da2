package polyhead.mtl.weighting;

/**
 * What a {@link GramDeterminedWeighting} makes of a {@link TaskGram}: the update of the shared parameters as a
 * combination of the task gradients, d = Σ_t a_t g_t, and each head's factor.
 *
 * @param sharedWeights a_t per task (in {@link TaskGram#tasks()} order)
 * @param taskWeights   per task, the factor applied to its gradient of its own task-specific parameters
 */
public record GramCombination(double[] sharedWeights, double[] taskWeights) {
    public GramCombination {
        if (sharedWeights.length != taskWeights.length) {
            throw new IllegalArgumentException("Gram combination: " + sharedWeights.length + " shared weights but "
                    + taskWeights.length + " task weights");
        }
    }

    /** d = Σ_t a_t g_t with every head weighted 1: heads trained on their own loss. */
    static GramCombination headsWeightedOne(double[] sharedWeights) {
        double[] ones = new double[sharedWeights.length];
        java.util.Arrays.fill(ones, 1);
        return new GramCombination(sharedWeights, ones);
    }
}
