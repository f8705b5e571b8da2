package polyhead.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Collects the entries of an {@link OptimizerStateDict}, copying values; a name may be written only once. */
public final class StateWriter {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final Map<String, Double> values = new LinkedHashMap<>();

    /** Writes a copy of {@code values} (of {@code shape.size()} elements) as a tensor of {@code shape}. */
    public void tensor(String name, float[] values, Shape shape) {
        tensor(name, values, 0, shape);
    }

    /** Writes a copy of {@code shape.size()} elements of {@code values} from {@code offset} as a tensor of {@code shape}. */
    public void tensor(String name, float[] values, int offset, Shape shape) {
        checkNew(name);
        tensors.put(name, Tensor.wrap(shape, Arrays.copyOfRange(values, offset, offset + shape.size())));
    }

    public void counter(String name, long value) {
        checkNew(name);
        counters.put(name, value);
    }

    public void value(String name, double value) {
        checkNew(name);
        values.put(name, value);
    }

    private void checkNew(String name) {
        if (tensors.containsKey(name) || counters.containsKey(name) || values.containsKey(name)) {
            throw new IllegalStateException("two optimizer state entries are named '" + name
                    + "'; give the transformations distinct names");
        }
    }

    /** The dict of everything written, in the given format version. */
    public OptimizerStateDict toStateDict(int version) {
        return new OptimizerStateDict(version, tensors, counters, values);
    }
}
