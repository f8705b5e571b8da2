package polyhead.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * One batch of a multi-task dataset: inputs [B, ...], and per task its targets [B, ...], mask [B] (1 where the
 * sample has a label for the task, 0 where it is missing) and, for tasks whose samples are weighted, sample weights
 * [B] (a task absent from {@code sampleWeights} weighs every sample 1).
 *
 * <p>A batch of padded sequences ({@link SequenceDataset#batch}) also carries {@code lengths}: B values in [1, T],
 * sequence i's valid steps of inputs [B, T] (the rest is padding), in the form the sequence layers take them
 * ({@code polyhead.nn.Lstm#run}, {@code SequencePool#pool}). A per-token task then has targets [B, T] and mask
 * [B, T] (0 at padding), a per-sequence task targets [B] and mask [B]. Fixed-size data has no lengths (null).
 */
public record Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks,
                    Map<String, Tensor> sampleWeights, int[] lengths) {
    public Batch {
        // copies that keep the task order
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        sampleWeights = Collections.unmodifiableMap(new LinkedHashMap<>(sampleWeights));
        if (lengths != null) {
            lengths = checkLengths(inputs, lengths);
        }
    }

    /** A batch whose samples all weigh 1. */
    public Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks) {
        this(inputs, targets, masks, Map.of());
    }

    /** A batch of fixed-size samples (no lengths). */
    public Batch(Tensor inputs, Map<String, Tensor> targets, Map<String, Tensor> masks,
                 Map<String, Tensor> sampleWeights) {
        this(inputs, targets, masks, sampleWeights, null);
    }

    /** A copy of {@code lengths}, checked against inputs [B, T, ...]. */
    private static int[] checkLengths(Tensor inputs, int[] lengths) {
        if (inputs.rank() < 2) {
            throw new DataException("batch: lengths given for inputs " + inputs.shape()
                    + " (sequences need inputs [B, T, ...])");
        }
        int b = inputs.shape().dim(0);
        int t = inputs.shape().dim(1);
        if (lengths.length != b) {
            throw new DataException("batch: " + lengths.length + " lengths for inputs " + inputs.shape()
                    + " (one per sequence: " + b + ")");
        }
        for (int i = 0; i < b; i++) {
            if (lengths[i] < 1 || lengths[i] > t) {
                throw new DataException("batch: length " + lengths[i] + " of sequence " + i + " is outside [1, " + t
                        + "] for inputs " + inputs.shape());
            }
        }
        return lengths.clone();
    }

    /** Each sequence's valid steps (a copy), or null for fixed-size samples. */
    @Override
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
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

    /**
     * This batch with the targets, mask and sample weights of {@code task} only: what one source contributes to a
     * step under multi-source sampling ({@link Batching#multiSource}).
     */
    public Batch onlyTask(String task) {
        Tensor w = sampleWeights(task);
        return new Batch(inputs, Map.of(task, target(task)), Map.of(task, mask(task)),
                w == null ? Map.of() : Map.of(task, w), lengths);
    }
}
