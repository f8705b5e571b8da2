package polyhead.optim;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The parameters a {@link GradientTransformation} works on: an ordered list of named parameters, each with its
 * own {@code float[]} (its tensor's backing array, updated in place by {@link Updates#applyTo}), laid out one after
 * another in one flat index space, the root's: parameter {@code i} takes positions {@link #offset(int) offset(i)} to
 * {@code offset(i) + size(i)}.
 *
 * <p>A {@code Params} made by {@link #of} is a <em>root</em>; its layout is the layout of the one flat
 * {@link Updates} buffer. A {@link #subset} (a parameter group of {@code partition}) lists some of the root's
 * parameters; its parameter {@code i} is root parameter {@link #index(int) index(i)}, at the same offset. A
 * transformation keeps each per-parameter state slot (Adam's {@code m}, say) as one flat {@code float[]} in the
 * same layout ({@link #newFlatSlot()}), so that an update runs as one element loop per run of parameters that are
 * adjacent ({@link Updates#runEnd}) — for the common optimizer over all of a model's parameters, one loop over the
 * whole buffer — and indexes the updates and every slot by the same {@code offset + j}. That last point is what lets
 * C2 vectorize the loop on JDK 17: with a different offset per array it cannot rule out overlap and runs the loop one
 * element at a time, several times slower (BENCHMARKS.md, implementation notes). The price is memory for parameter
 * groups: a group's slots are as long as the root's buffer, the other groups' stretches unused.
 *
 * <p>Immutable; the values it points to are the live parameters.
 */
public final class Params {
    private final Params root;
    private final String[] names;
    private final Shape[] shapes;
    private final float[][] values;
    private final int[] index;
    private final int[] offsets;
    private final long totalSize;

    private Params(Params root, String[] names, Shape[] shapes, float[][] values, int[] index) {
        this.root = root == null ? this : root;
        this.names = names;
        this.shapes = shapes;
        this.values = values;
        this.index = index;
        this.offsets = new int[values.length];
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            offsets[i] = root == null ? (int) total : root.offsets[index[i]];
            total += values[i].length;
            if (total > MAX_FLAT_SIZE) {
                throw new IllegalArgumentException("parameters hold more than " + MAX_FLAT_SIZE + " values in all (at '"
                        + names[i] + "'); an optimizer's flat buffers cannot hold them");
            }
        }
        this.totalSize = total;
    }

    /** The most values a view may hold: the longest Java array. */
    static final int MAX_FLAT_SIZE = Integer.MAX_VALUE - 8;

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

    /** Where parameter {@code i} starts in the root's flat layout: in the {@link Updates} buffer and in every slot. */
    public int offset(int i) {
        return offsets[i];
    }

    /**
     * The number of values of parameters {@code start} to {@code end} (exclusive), which must be adjacent in the
     * root (a run, see {@link Updates#runEnd}): the length of the stretch they take from {@code offset(start)}.
     */
    public int extent(int start, int end) {
        return offsets[end - 1] + values[end - 1].length - offsets[start];
    }

    /** Parameter {@code i}'s index in the root: what {@link Updates#isActive} and {@link Updates#offset} take. */
    public int index(int i) {
        return index[i];
    }

    /** Number of values in this view. */
    public long totalSize() {
        return totalSize;
    }

    /** The length of the flat layout: the number of values of the root. */
    public int flatSize() {
        return (int) root.totalSize;
    }

    /**
     * A new zeroed array in the flat layout, {@link #flatSize()} long: a state slot ({@code m} of Adam, say); this
     * view's parameters use their stretches of it.
     */
    public float[] newFlatSlot() {
        return new float[flatSize()];
    }

    /** A new zeroed array per parameter of this view (state that mirrors the parameters one by one, as an EMA). */
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
