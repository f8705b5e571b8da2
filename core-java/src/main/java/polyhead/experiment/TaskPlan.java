package polyhead.experiment;

import java.util.List;
import java.util.Objects;

import polyhead.data.LabelMapping;
import polyhead.data.LabelType;
import polyhead.loss.Loss;
import polyhead.metrics.Metric;

/**
 * One task of an {@link ExperimentBuilder}, immutable: its head (layers on the shared part's output), loss, loss
 * weight, label type and metrics. Each method returns a changed copy:
 *
 * <pre>{@code TaskPlan.named("item").head(Layers.dense(10)).loss(Losses.crossEntropy()).metrics(Metrics.accuracy())}</pre>
 *
 * <p>A task may take its labels from another task's by a {@link LabelMapping} ({@link #derivedFrom}): its labels are
 * computed when data is bound to the experiment ({@link Experiment#bind}), so the data need not have them.
 *
 * <p>Defaults: no head layers (the task reads the shared output as is), weight 1, class-index labels, no metrics, no
 * class names, not derived; the loss has no default.
 *
 * @param classNames the name of each class, by class index (for class-index and pixel-class-map labels), which
 *                   predictions report; empty for none
 * @param derived    null, or where the task's labels come from
 */
public record TaskPlan(String name, List<Layer> head, Loss loss, double weight, LabelType labels, List<Metric> metrics,
                       List<String> classNames, Derived derived) {
    /** A task's labels computed from task {@code source}'s class indices by {@code mapping}. */
    public record Derived(String source, LabelMapping mapping) {
        public Derived {
            Objects.requireNonNull(source, "derived from: source task");
            Objects.requireNonNull(mapping, "derived from: mapping");
        }
    }

    public TaskPlan {
        Objects.requireNonNull(name, "task name");
        head = List.copyOf(head);
        metrics = List.copyOf(metrics);
        Objects.requireNonNull(labels, "task '" + name + "': labels");
        classNames = List.copyOf(classNames);
    }

    /** A task named {@code name} with the defaults above. */
    public static TaskPlan named(String name) {
        return new TaskPlan(name, List.of(), null, 1.0, LabelType.CLASS_INDEX, List.of(), List.of(), null);
    }

    /**
     * This task with labels computed from task {@code source}'s class indices by {@code mapping}, and the labels the
     * mapping gives ({@link LabelMapping#labelType()}): {@code derivedFrom("item", LabelMapping.toBinary(5, 7, 9))}.
     */
    public TaskPlan derivedFrom(String source, LabelMapping mapping) {
        Derived d = new Derived(source, mapping);
        return new TaskPlan(name, head, loss, weight, mapping.labelType(), metrics, classNames, d);
    }

    public TaskPlan head(Layer... layers) {
        return head(List.of(layers));
    }

    public TaskPlan head(List<Layer> layers) {
        return new TaskPlan(name, layers, loss, weight, labels, metrics, classNames, derived);
    }

    public TaskPlan loss(Loss l) {
        return new TaskPlan(name, head, l, weight, labels, metrics, classNames, derived);
    }

    /** The loss weight w_t (Σ w_t·L_t under the fixed weighting). */
    public TaskPlan weight(double w) {
        return new TaskPlan(name, head, loss, w, labels, metrics, classNames, derived);
    }

    public TaskPlan labels(LabelType t) {
        return new TaskPlan(name, head, loss, weight, t, metrics, classNames, derived);
    }

    public TaskPlan metrics(Metric... m) {
        return new TaskPlan(name, head, loss, weight, labels, List.of(m), classNames, derived);
    }

    /** The classes' names by index, e.g. {@code FashionMnist.ITEM_NAMES}; as many as the head has classes. */
    public TaskPlan classNames(String... names) {
        return classNames(List.of(names));
    }

    public TaskPlan classNames(List<String> names) {
        return new TaskPlan(name, head, loss, weight, labels, metrics, names, derived);
    }
}
