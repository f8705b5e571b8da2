package polyhead.mtl;

import java.util.List;
import java.util.Objects;

import polyhead.data.LabelType;
import polyhead.io.UserText;
import polyhead.loss.Loss;
import polyhead.metrics.Metric;
import polyhead.nn.Module;

/**
 * One task of a multi-task model: its name, its head (the task-specific layers on top of the shared part), its
 * loss, its loss weight w (the total loss is Σ w_t·L_t unless a weighting strategy decides otherwise), its label
 * type and the metrics reported for it. The name is a name by {@link UserText#nameFault}'s rule.
 */
public final class Task {
    private final String name;
    private final Module head;
    private final Loss loss;
    private final double weight;
    private final LabelType labelType;
    private final List<Metric> metrics;

    private Task(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.head = Objects.requireNonNull(b.head, "head of task " + b.name);
        this.loss = Objects.requireNonNull(b.loss, "loss of task " + b.name);
        this.labelType = b.labelType != null ? b.labelType : labelsOf(loss);
        this.weight = b.weight;
        this.metrics = List.copyOf(b.metrics);
        String fault = UserText.nameFault(name);
        if (fault != null) {
            throw new IllegalArgumentException("task " + UserText.quote(name) + ": " + fault);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("task '" + name + "': weight must be a finite number >= 0, got " + weight);
        }
        if (!loss.labelTypes().contains(labelType)) {
            throw new IllegalArgumentException("task '" + name + "': loss " + loss.name() + " does not fit " + labelType
                    + " labels (it takes " + loss.labelTypes() + ")");
        }
        for (Metric m : metrics) {
            if (!m.labelTypes().contains(labelType)) {
                throw new IllegalArgumentException("task '" + name + "': metric " + m.name() + " is not defined for "
                        + labelType + " labels (it takes " + m.labelTypes() + ")");
            }
        }
    }

    /** The labels of a task that states none: class indices if its loss fits them, else the first its loss fits. */
    private static LabelType labelsOf(Loss loss) {
        return loss.labelTypes().contains(LabelType.CLASS_INDEX) ? LabelType.CLASS_INDEX
                : loss.labelTypes().iterator().next();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Module head() {
        return head;
    }

    public Loss loss() {
        return loss;
    }

    public double weight() {
        return weight;
    }

    public LabelType labelType() {
        return labelType;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "Task(" + name + ", " + labelType + ", weight " + weight + ", loss " + loss.name() + ")";
    }

    /**
     * Collects a task's parts; the weight defaults to 1 and the label type to class indices, or when the loss does
     * not fit class indices to the labels it fits (real values for mse, binary for bceWithLogits). A loss that does
     * not fit a stated label type is refused.
     */
    public static final class Builder {
        private final String name;
        private Module head;
        private Loss loss;
        private double weight = 1.0;
        private LabelType labelType;
        private List<Metric> metrics = List.of();

        private Builder(String name) {
            this.name = name;
        }

        public Builder head(Module m) {
            this.head = m;
            return this;
        }

        public Builder loss(Loss l) {
            this.loss = l;
            return this;
        }

        public Builder weight(double w) {
            this.weight = w;
            return this;
        }

        public Builder labels(LabelType t) {
            this.labelType = Objects.requireNonNull(t, "label type of task " + name);
            return this;
        }

        public Builder metrics(Metric... m) {
            this.metrics = List.of(m);
            return this;
        }

        public Task build() {
            return new Task(this);
        }
    }
}
