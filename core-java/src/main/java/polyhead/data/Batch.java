package polyhead.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * One batch of a multi-task dataset: inputs [B, ...], and per task its targets [B, ...] and mask [B] (1 where the
 * sample has a label for the task, 0 where it is missing).
 */
public record Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks) {
    public Batch {
        // copies that keep the task order
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    }

    public int size() {
        return inputs.shape().dim(0);
    }

    /** Number of samples labelled for {@code task} in this batch. */
    public int labelCount(String task) {
        Tensor m = masks.get(task);
        if (m == null) {
            return 0;
        }
        int n = 0;
        for (float v : m.data()) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }

    public Tensor target(String task) {
        Tensor t = targets.get(task);
        if (t == null) {
            throw new IllegalArgumentException("batch has no task '" + task + "'; tasks: " + targets.keySet());
        }
        return t;
    }

    public Tensor mask(String task) {
        Tensor m = masks.get(task);
        if (m == null) {
            throw new IllegalArgumentException("batch has no task '" + task + "'; tasks: " + masks.keySet());
        }
        return m;
    }
}
