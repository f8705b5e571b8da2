package polyhead.optim;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Reads the entries of an {@link OptimizerStateDict} back into a state, checking that each exists with the expected
 * kind and shape, and (by {@link #finish}) that none was left over. Errors name the entry.
 */
public final class StateReader {
    private final OptimizerStateDict dict;
    private final Set<String> read = new HashSet<>();

    public StateReader(OptimizerStateDict dict) {
        this.dict = dict;
    }

    /** Copies tensor entry {@code name}, which must have {@code shape}, into {@code dst} (of its size). */
    public void tensor(String name, float[] dst, Shape shape) {
        tensor(name, dst, 0, shape);
    }

    /** Copies tensor entry {@code name}, which must have {@code shape}, into {@code dst} from {@code offset}. */
    public void tensor(String name, float[] dst, int offset, Shape shape) {
        Tensor t = dict.tensors().get(name);
        if (t == null) {
            throw missing(name, "tensor");
        }
        if (!t.shape().equals(shape)) {
            throw new IllegalArgumentException("optimizer state entry '" + name + "' has shape " + t.shape()
                    + ", but this optimizer's parameter has shape " + shape);
        }
        System.arraycopy(t.data(), 0, dst, offset, shape.size());
        read.add(name);
    }

    public long counter(String name) {
        Long v = dict.counters().get(name);
        if (v == null) {
            throw missing(name, "counter");
        }
        read.add(name);
        return v;
    }

    public double value(String name) {
        Double v = dict.values().get(name);
        if (v == null) {
            throw missing(name, "value");
        }
        read.add(name);
        return v;
    }

    private IllegalArgumentException missing(String name, String kind) {
        String other = dict.tensors().containsKey(name) ? "tensor" : dict.counters().containsKey(name) ? "counter"
                : dict.values().containsKey(name) ? "value" : null;
        if (other != null) {
            return new IllegalArgumentException("optimizer state entry '" + name + "' is a " + other + ", expected a "
                    + kind);
        }
        return new IllegalArgumentException("optimizer state dict has no " + kind + " entry '" + name
                + "' (it has " + dict.size() + " entries; was it saved from another optimizer or model?)");
    }

    /** Fails listing the entries no state read (a different optimizer or model wrote them). */
    public void finish() {
        TreeSet<String> left = new TreeSet<>();
        left.addAll(dict.tensors().keySet());
        left.addAll(dict.counters().keySet());
        left.addAll(dict.values().keySet());
        left.removeAll(read);
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("optimizer state dict has entries this optimizer does not use: " + left
                    + " (was it saved from another optimizer or model?)");
        }
    }
}
