package polyhead.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.optim.OptimizerStateDict;
import polyhead.tensor.Tensor;

/**
 * Everything needed to continue a training run exactly where it stopped, as one immutable value; written and read by
 * {@link Checkpoints} (one directory: {@code model.safetensors}, {@code optimizer.safetensors},
 * {@code weighting.safetensors}, {@code extra.safetensors} when there are extra tensors, {@code checkpoint.json})
 * and kept by {@link CheckpointStore}.
 *
 * <p>Position in the run: {@link #epoch()} is the epoch in progress (0-based), {@link #dataPosition()} the steps of
 * that epoch already taken (0 at an epoch boundary, where {@code epoch} is then the number of epochs completed), and
 * {@link #step()} the optimizer steps taken in the whole run. A trainer resumes by starting epoch {@code epoch} with
 * the data order it would have drawn for it and skipping its first {@code dataPosition} steps.
 *
 * <p>The rest is the caller's, stored as given: {@link #rng()} the seeds and stream positions of its random generators,
 * {@link #counters()} and {@link #values()} other scalar state (early-stopping patience, best value), {@link #metrics()}
 * the latest monitored values (a {@link CheckpointStore} picks its best checkpoint by one of them), {@link #history()}
 * the per-epoch rows so far, {@link #spec()} an opaque text (the DSL's JSON spec) describing what was trained, and
 * {@link #description()} the model's description as JSON-ready values ({@code polyhead.experiment.ModelDescription}),
 * from which a model is rebuilt without the DSL.
 * Doubles are stored exactly, NaN and infinities included.
 *
 * @param model     the module's state dict (parameters and buffers), by dotted name; required
 * @param optimizer the optimizer's state, or null for a checkpoint of weights only
 * @param weighting the weighting strategy's state (empty for stateless strategies)
 * @param extra     other tensors of the caller's (e.g. the weights early stopping would restore), may be empty
 * @param description a JSON object (maps, lists, strings, numbers, booleans) describing the model, or null
 */
public record Checkpoint(Map<String, Tensor> model, OptimizerStateDict optimizer, Map<String, Tensor> weighting,
        Map<String, Tensor> extra, long epoch, long step, long dataPosition, Map<String, Long> rng, Map<String, Long> counters,
        Map<String, Double> values, Map<String, Double> metrics, List<Map<String, Double>> history, String spec,
        Map<String, Object> description) {

    public Checkpoint {
        Objects.requireNonNull(model, "a checkpoint needs the model's state dict");
        if (epoch < 0 || step < 0 || dataPosition < 0) {
            throw new IllegalArgumentException("checkpoint epoch, step and data position must be >= 0, got "
                    + epoch + ", " + step + ", " + dataPosition);
        }
        model = copy(model);
        weighting = weighting == null ? Map.of() : copy(weighting);
        extra = extra == null ? Map.of() : copy(extra);
        rng = frozen(rng);
        counters = frozen(counters);
        values = frozen(values);
        metrics = frozen(metrics);
        List<Map<String, Double>> rows = new ArrayList<>();
        if (history != null) {
            history.forEach(r -> rows.add(frozen(r)));
        }
        history = Collections.unmodifiableList(rows);
        description = description == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(description));
    }

    /** Copies the tensors, so that training on after a save does not change the saved values. */
    private static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(Objects.requireNonNull(k, "tensor name"),
                Objects.requireNonNull(v, () -> "tensor '" + k + "' is null").copy()));
        return Collections.unmodifiableMap(out);
    }

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        if (m == null) {
            return Map.of();
        }
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v,
                () -> "value of '" + k + "' is null")));
        return Collections.unmodifiableMap(out);
    }

    public static Builder builder(Map<String, Tensor> model) {
        return new Builder(model);
    }

    /** Collects a checkpoint; everything but the model is optional. */
    public static final class Builder {
        private final Map<String, Tensor> model;
        private OptimizerStateDict optimizer;
        private Map<String, Tensor> weighting = Map.of();
        private Map<String, Tensor> extra = Map.of();
        private long epoch;
        private long step;
        private long dataPosition;
        private final Map<String, Long> rng = new LinkedHashMap<>();
        private final Map<String, Long> counters = new LinkedHashMap<>();
        private final Map<String, Double> values = new LinkedHashMap<>();
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private final List<Map<String, Double>> history = new ArrayList<>();
        private String spec;
        private Map<String, Object> description;

        private Builder(Map<String, Tensor> model) {
            this.model = model;
        }

        public Builder optimizer(OptimizerStateDict state) {
            this.optimizer = state;
            return this;
        }

        public Builder weighting(Map<String, Tensor> state) {
            this.weighting = state;
            return this;
        }

        public Builder extra(Map<String, Tensor> tensors) {
            this.extra = tensors;
            return this;
        }

        /** Epoch in progress, optimizer steps taken, steps of this epoch taken. */
        public Builder position(long epoch, long step, long dataPosition) {
            this.epoch = epoch;
            this.step = step;
            this.dataPosition = dataPosition;
            return this;
        }

        public Builder rng(String name, long state) {
            rng.put(name, state);
            return this;
        }

        public Builder counter(String name, long value) {
            counters.put(name, value);
            return this;
        }

        public Builder value(String name, double value) {
            values.put(name, value);
            return this;
        }

        public Builder metrics(Map<String, Double> m) {
            metrics.putAll(m);
            return this;
        }

        public Builder history(List<Map<String, Double>> rows) {
            history.addAll(rows);
            return this;
        }

        public Builder spec(String text) {
            this.spec = text;
            return this;
        }

        /** The model's description (JSON-ready values), from which it can be rebuilt; see {@link #description()}. */
        public Builder description(Map<String, Object> json) {
            this.description = json;
            return this;
        }

        public Checkpoint build() {
            return new Checkpoint(model, optimizer, weighting, extra, epoch, step, dataPosition, rng, counters, values,
                    metrics, history, spec, description);
        }
    }
}
