package polyhead.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * One batch of a multi-task dataset: inputs [B, ...], and per task its targets [B, ...], mask [B] (1 where the
 * sample has a label for the task, 0 where it is missing) and, for tasks whose samples are weighted, sample weights
 * [B] (a task absent from {@code sampleWeights} weighs every sample 1).
 */
public record Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks,
                    Map<String, Tensor> sampleWeights) {
    public Batch {
        // copies that keep the task order
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        sampleWeights = Collections.unmodifiableMap(new LinkedHashMap<>(sampleWeights));
    }

    /** A batch whose samples all weigh 1. */
    public Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks) {
        this(inputs, targets, masks, Map.of());
    }

    /** The sample weights [B] of {@code task}, or null if its samples all weigh 1. */
    public Tensor sampleWeights(String task) {
        return sampleWeights.get(task);
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
