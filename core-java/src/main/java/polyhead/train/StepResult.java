package polyhead.train;

import java.util.Map;

/**
 * What one training step computed, before the optimizer applied it.
 *
 * @param taskLosses    unweighted loss of each task present in the step
 * @param objective     the value that was minimized (for loss-level weightings the combined loss; for gradient-level
 *                      ones Σ w_t·L_t with the tasks' declared weights, for reporting)
 * @param taskGradNorms ‖g_t‖ of each task's own gradient of the shared parameters (or representation), where the
 *                      weighting computed per-task gradients (gradient-level weightings); empty otherwise
 */
public record StepResult(Map<String, Double> taskLosses, double objective, Map<String, Double> taskGradNorms) {
    public StepResult {
        taskGradNorms = Map.copyOf(taskGradNorms);
    }

    public StepResult(Map<String, Double> taskLosses, double objective) {
        this(taskLosses, objective, Map.of());
    }
}
