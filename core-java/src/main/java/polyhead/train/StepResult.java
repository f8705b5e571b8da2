package polyhead.train;

import java.util.Map;

/**
 * What one training step computed, before the optimizer applied it.
 *
 * @param taskLosses unweighted loss of each task present in the step
 * @param objective  the value that was minimized (for loss-level weightings the combined loss; for gradient-level
 *                   ones Σ w_t·L_t with the tasks' declared weights, for reporting)
 */
public record StepResult(Map<String, Double> taskLosses, double objective) {
}
