package polyhead.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * One batch's losses and gradients, as {@link Trainer#lossesAndGradients} computes them without applying them.
 *
 * @param taskLosses each labelled task's unweighted loss L_t, in task order
 * @param total      the combined objective: under a loss-level weighting the loss it minimizes (Σ w_t·L_t for the
 *                   fixed weighting, plus an architecture's regularization); under a gradient-level one Σ w_t·L_t with
 *                   the declared weights, for reporting
 * @param gradients  the gradient the optimizer would receive for each parameter that got one, by dotted name
 *                   ({@code trunk.0.weight}, {@code heads.item.bias}, {@code weighting.<name>} for a weighting's own
 *                   parameters); copies, the caller's to keep
 */
public record BatchGradients(Map<String, Double> taskLosses, double total, Map<String, Tensor> gradients) {
    public BatchGradients {
        taskLosses = Collections.unmodifiableMap(new LinkedHashMap<>(taskLosses));
        gradients = Collections.unmodifiableMap(new LinkedHashMap<>(gradients));
    }
}
