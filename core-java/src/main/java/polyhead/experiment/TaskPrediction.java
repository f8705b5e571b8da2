package polyhead.experiment;

import java.util.ArrayList;
import java.util.List;

import polyhead.data.LabelType;
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

    /** The prediction of a task's raw {@code output} [N, …], its classes named by {@code names} (may be empty). */
    static TaskPrediction of(LabelType labels, Tensor output, List<String> names) {
        float[] v = output.data();
        int n = output.shape().dim(0);
        switch (labels) {
            case CLASS_INDEX, PIXEL_CLASS_MAP -> {
                int c = output.shape().dim(1);
                int pixels = n == 0 ? 0 : v.length / (n * c);
                float[] p = new float[v.length];
                int[] classes = new int[n * pixels];
                List<String> named = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int px = 0; px < pixels; px++) {
                        int start = i * c * pixels + px;
                        double[] s = softmax(v, start, c, pixels);
                        int best = 0;
                        for (int k = 0; k < c; k++) {
                            p[start + k * pixels] = (float) s[k];
                            best = s[k] > s[best] ? k : best;
                        }
                        classes[i * pixels + px] = best;
                        if (!names.isEmpty()) {
                            named.add(names.get(best));
                        }
                    }
                }
                return new TaskPrediction(labels, output, Tensor.wrap(output.shape(), p), classes, named);
            }
            case BINARY -> {
                float[] p = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    p[i] = (float) (1 / (1 + Math.exp(-v[i])));
                }
                return new TaskPrediction(labels, output, Tensor.wrap(output.shape(), p), null, List.of());
            }
            default -> {
                return new TaskPrediction(labels, output, null, null, List.of());
            }
        }
    }

    /**
     * The softmax of the {@code count} values {@code v[start + k·stride]}, computed stably in doubles (the maximum
     * subtracted first): what class probabilities are, here and in the command-line tool's predictions.
     */
    public static double[] softmax(float[] v, int start, int count, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            max = Math.max(max, v[start + k * stride]);
        }
        double[] p = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++) {
            p[k] = Math.exp(v[start + k * stride] - max);
            sum += p[k];
        }
        for (int k = 0; k < count; k++) {
            p[k] /= sum;
        }
        return p;
    }
}
