package polyhead.experiment;

import java.util.List;
import java.util.Objects;

import polyhead.data.LabelType;
import polyhead.loss.Loss;
import polyhead.metrics.Metric;

/**
 * One task of an {@link ExperimentBuilder}, immutable: its head (layers on the shared part's output), loss, loss
 * weight, label type and metrics. Each method returns a changed copy:
 *
 * <pre>{@code TaskPlan.named("item").head(Layers.dense(10)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy())}</pre>
 *
 * <p>Defaults: no head layers (the task reads the shared output as is), weight 1, class-index labels, no metrics, no
 * class names; the loss has no default.
 *
 * @param classNames the name of each class, by class index (for class-index and pixel-class-map labels), which
 *                   predictions report; empty for none
 */
public record TaskPlan(String name, List<Layer> head, Loss loss, double weight, LabelType labels, List<Metric> metrics,
                       List<String> classNames) {
    public TaskPlan {
        Objects.requireNonNull(name, "task name");
        head = List.copyOf(head);
        metrics = List.copyOf(metrics);
        Objects.requireNonNull(labels, "task '" + name + "': labels");
        classNames = List.copyOf(classNames);
    }

    /** A task named {@code name} with the defaults above. */
    public static TaskPlan named(String name) {
        return new TaskPlan(name, List.of(), null, 1.0, LabelType.CLASS_INDEX, List.of(), List.of());
    }

    public TaskPlan head(Layer... layers) {
        return head(List.of(layers));
    }

    public TaskPlan head(List<Layer> layers) {
        return new TaskPlan(name, layers, loss, weight, labels, metrics, classNames);
    }

    public TaskPlan loss(Loss l) {
        return new TaskPlan(name, head, l, weight, labels, metrics, classNames);
    }

    /** The loss weight w_t (Σ w_t·L_t under the fixed weighting). */
    public TaskPlan weight(double w) {
        return new TaskPlan(name, head, loss, w, labels, metrics, classNames);
    }

    public TaskPlan labels(LabelType t) {
        return new TaskPlan(name, head, loss, weight, t, metrics, classNames);
    }

    public TaskPlan metrics(Metric... m) {
        return new TaskPlan(name, head, loss, weight, labels, List.of(m), classNames);
    }

    /** The classes' names by index, e.g. {@code FashionMnist.ITEM_NAMES}; as many as the head has classes. */
    public TaskPlan classNames(String... names) {
        return classNames(List.of(names));
    }

    public TaskPlan classNames(List<String> names) {
        return new TaskPlan(name, head, loss, weight, labels, metrics, names);
    }
}
