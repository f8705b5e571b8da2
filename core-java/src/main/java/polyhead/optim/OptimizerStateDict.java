package polyhead.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Tensor;

/**
 * A saved optimizer state: named float tensors (moments and other per-parameter buffers), named integer counters
 * (step counts, evaluation counters) and named double values (plateau learning rate, best metric), with the format
 * version that wrote them. Names are dotted paths of the transformations followed by {@code /} and the parameter's
 * dotted name for per-parameter entries, e.g. {@code adam.m/trunk.0.weight}, {@code adam.count/trunk.0.weight},
 * {@code optimizer.step}. Values are copies: later steps do not change a saved dict.
 *
 * <p>Format versions: 1 is the first. {@link Optimizer#loadStateDict} refuses a newer version than
 * {@link #FORMAT_VERSION}.
 */
public record OptimizerStateDict(int version, Map<String, Tensor> tensors, Map<String, Long> counters,
        Map<String, Double> values) {

    /** The format version this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    public OptimizerStateDict {
        if (version < 1) {
            throw new IllegalArgumentException("optimizer state format version must be >= 1, got " + version);
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Number of entries of all three kinds. */
    public int size() {
        return tensors.size() + counters.size() + values.size();
    }
}
