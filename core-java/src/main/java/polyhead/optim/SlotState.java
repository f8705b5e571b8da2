package polyhead.optim;

import java.util.Arrays;

/**
 * The state of a block that keeps flat float arrays in its view's layout ("slots", e.g. Adam's {@code m} and
 * {@code v}: {@code slots[k]} is slot k, parameter i's part from {@code params.offset(i)}), optionally one step count
 * per parameter and named double values per parameter. Updated in place (donation); saved as
 * {@code <path>.<slot>/<param>}, {@code <path>.count/<param>} and {@code <path>.<value>/<param>}.
 */
final class SlotState extends OwnedState<GradientTransformation> {
    private final String[] slotNames;
    final float[][] slots;
    /** Steps this block took for each parameter (it counts only steps in which the parameter was active); or null. */
    final long[] counts;
    private final String[] valueNames;
    final double[][] values;

    SlotState(GradientTransformation owner, Params params, boolean counted, String[] slotNames, String... valueNames) {
        super(owner, params);
        this.slotNames = slotNames;
        this.slots = new float[slotNames.length][];
        for (int k = 0; k < slots.length; k++) {
            slots[k] = params.newFlatSlot();
        }
        this.counts = counted ? new long[params.count()] : null;
        this.valueNames = valueNames;
        this.values = new double[valueNames.length][params.count()];
    }

    /** {@code state} as the SlotState {@code owner} made for {@code params}; fails clearly on a foreign state. */
    static SlotState of(OptState state, GradientTransformation owner, Params params) {
        return of(SlotState.class, state, owner, params);
    }

    /**
     * Advances the counts of positions {@code start} to {@code end} (a run, all with the same count) by one step
     * and returns the new count.
     */
    long advance(int start, int end) {
        long t = counts[start] + 1;
        for (int i = start; i < end; i++) {
            counts[i] = t;
        }
        return t;
    }

    @Override
    public void save(String path, StateWriter out) {
        for (int k = 0; k < slots.length; k++) {
            for (int i = 0; i < params.count(); i++) {
                out.tensor(path + "." + slotNames[k] + "/" + params.name(i), slots[k], params.offset(i), params.shape(i));
            }
        }
        if (counts != null) {
            for (int i = 0; i < params.count(); i++) {
                out.counter(path + ".count/" + params.name(i), counts[i]);
            }
        }
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < params.count(); i++) {
                out.value(path + "." + valueNames[k] + "/" + params.name(i), values[k][i]);
            }
        }
    }

    @Override
    public void load(String path, StateReader in) {
        for (int k = 0; k < slots.length; k++) {
            for (int i = 0; i < params.count(); i++) {
                in.tensor(path + "." + slotNames[k] + "/" + params.name(i), slots[k], params.offset(i), params.shape(i));
            }
        }
        if (counts != null) {
            for (int i = 0; i < params.count(); i++) {
                long c = in.counter(path + ".count/" + params.name(i));
                if (c < 0) {
                    throw new IllegalArgumentException("optimizer state entry '" + path + ".count/" + params.name(i)
                            + "' is negative: " + c);
                }
                counts[i] = c;
            }
        }
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < params.count(); i++) {
                values[k][i] = in.value(path + "." + valueNames[k] + "/" + params.name(i));
            }
        }
    }

    @Override
    public String toString() {
        return owner.name() + " state " + Arrays.toString(slotNames) + " over " + params;
    }
}
