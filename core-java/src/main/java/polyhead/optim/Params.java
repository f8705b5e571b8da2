package polyhead.optim;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The parameters a {@link GradientTransformation} works on: an ordered list of named segments, each a parameter's
 * own {@code float[]} (its tensor's backing array, updated in place by {@link Updates#applyTo}).
 *
 * <p>A {@code Params} made by {@link #of} is a <em>root</em>: it fixes the order of the {@link Updates} segments and
 * flags (root parameter {@code k} is {@code updates.segment(k)}). A {@link #subset} (a parameter group of
 * {@code partition}) lists some of the root's parameters; its parameter {@code i} is root parameter
 * {@link #index(int) index(i)}. A transformation keeps its per-parameter state in arrays indexed like its view: one
 * {@code float[]} of {@code size(i)} per parameter and slot, so that every element loop runs over one index from 0
 * for all its arrays, which is the form the JIT vectorizes.
 *
 * <p>Immutable; the values it points to are the live parameters.
 */
public final class Params {
    private final Params root;
    private final String[] names;
    private final Shape[] shapes;
    private final float[][] values;
    private final int[] index;
    private final long totalSize;

    private Params(Params root, String[] names, Shape[] shapes, float[][] values, int[] index) {
        this.root = root == null ? this : root;
        this.names = names;
        this.shapes = shapes;
        this.values = values;
        this.index = index;
        long total = 0;
        for (float[] v : values) {
            total += v.length;
        }
        this.totalSize = total;
    }

    /**
     * A root over {@code params} in the map's iteration order (a {@code LinkedHashMap}, such as
     * {@code Module.namedParameters()} gives, keeps it deterministic). The tensors' arrays are referenced, not
     * copied. Fails if the map is empty or one tensor appears under two names (it would be updated twice).
     */
    public static Params of(Map<String, Tensor> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter, got an empty parameter map");
        }
        int n = params.size();
        String[] names = new String[n];
        Shape[] shapes = new Shape[n];
        float[][] values = new float[n][];
        int[] index = new int[n];
        Map<float[], String> seen = new IdentityHashMap<>();
        int i = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            names[i] = e.getKey();
            shapes[i] = e.getValue().shape();
            values[i] = e.getValue().data();
            String other = seen.put(values[i], names[i]);
            if (other != null) {
                throw new IllegalArgumentException("parameters '" + other + "' and '" + names[i]
                        + "' are the same tensor; each parameter must be listed once");
            }
            index[i] = i;
            i++;
        }
        return new Params(null, names, shapes, values, index);
    }

    /** The view of this view's parameters at {@code positions} (indices into this view, strictly increasing). */
    public Params subset(int... positions) {
        int n = positions.length;
        String[] nm = new String[n];
        Shape[] sh = new Shape[n];
        float[][] va = new float[n][];
        int[] ix = new int[n];
        for (int k = 0; k < n; k++) {
            int p = positions[k];
            if (p < 0 || p >= names.length || (k > 0 && p <= positions[k - 1])) {
                throw new IllegalArgumentException("subset positions must be increasing indices below " + names.length
                        + ", got " + Arrays.toString(positions));
            }
            nm[k] = names[p];
            sh[k] = shapes[p];
            va[k] = values[p];
            ix[k] = index[p];
        }
        return new Params(root, nm, sh, va, ix);
    }

    /** The root view this one was cut from (itself for a root). */
    public Params root() {
        return root;
    }

    public boolean isRoot() {
        return root == this;
    }

    /** Number of parameters in this view. */
    public int count() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public Shape shape(int i) {
        return shapes[i];
    }

    public int size(int i) {
        return values[i].length;
    }

    /** The live values of parameter {@code i}: its tensor's backing array (not a copy). */
    public float[] values(int i) {
        return values[i];
    }

    /** Parameter {@code i}'s index in the root: what {@link Updates#isActive} and {@link Updates#segment} take. */
    public int index(int i) {
        return index[i];
    }

    /** Number of values in this view. */
    public long totalSize() {
        return totalSize;
    }

    /** A new zeroed array per parameter of this view: a state slot. */
    public float[][] newSlot() {
        float[][] slot = new float[names.length][];
        for (int i = 0; i < slot.length; i++) {
            slot[i] = new float[values[i].length];
        }
        return slot;
    }

    /** The position of {@code name} in this view, or -1. */
    public int find(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Params[");
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append(shapes[i]);
        }
        return sb.append(']').toString();
    }
}
