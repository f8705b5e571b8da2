package polyhead.mtl.weighting;

/**
 * The result of a {@link GradientWeighting}.
 *
 * @param shared      the gradient to apply to the shared parameters (or representation), of the rows' length
 * @param taskWeights per task (in {@link TaskGradients#tasks()} order), the factor applied to that task's gradient
 *                    of its own task-specific parameters; 1 leaves heads trained on their own loss
 */
public record Combination(float[] shared, double[] taskWeights) {
}
