package polyhead.experiment;

import java.util.ArrayList;
import java.util.List;

import polyhead.data.LabelType;
import polyhead.serve.TaskOutput;
import polyhead.tensor.Tensor;

/**
 * One task's predictions for a batch of N samples, as {@link TrainedModel#predict} gives them.
 *
 * <ul>
 *   <li>class-index labels: {@code probabilities} the softmax of the logits [N, C], {@code classes} the most probable
 *       class of each sample [N], {@code classNames} its name (when the task has class names);</li>
 *   <li>pixel class maps: the softmax over the classes [N, C, H, W], the most probable class of each pixel
 *       [N·H·W] (row-major), and its name;</li>
 *   <li>binary labels: the sigmoid of each logit; no classes;</li>
 *   <li>real values: no probabilities and no classes; the values are {@code output}.</li>
 *   <li>per-token classes: the softmax over the classes [N, T, C], the most probable class of each position [N·T]
 *       (row-major; positions past a sentence's length are padding), and its name.</li>
 * </ul>
 *
 * @param labels        the task's label kind
 * @param output        the head's raw output (logits for classes and binary labels)
 * @param probabilities the probabilities, or null for real values
 * @param classes       the predicted class indices, or null for binary labels and real values; not to be modified
 * @param classNames    the predicted classes' names, empty when the task has no class names
 */
public record TaskPrediction(LabelType labels, Tensor output, Tensor probabilities, int[] classes,
                             List<String> classNames) {
    public TaskPrediction {
        classNames = List.copyOf(classNames);
    }

    /** The prediction of a {@link polyhead.serve.Predictor}'s output for a task, its classes named by {@code names} (may be empty). */
    static TaskPrediction of(TaskOutput o, List<String> names) {
        List<String> named = new ArrayList<>();
        if (o.predicted() != null && !names.isEmpty()) {
            for (int c : o.predicted()) {
                named.add(names.get(c));
            }
        }
        return new TaskPrediction(o.labels(), o.raw(), o.probabilities(), o.predicted(), named);
    }
}
