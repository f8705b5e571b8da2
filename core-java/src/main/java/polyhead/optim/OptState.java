package polyhead.optim;

import java.util.Map;

/**
 * The state of a {@link GradientTransformation}: what it carries from step to step (moments, per-parameter step
 * counts, counters). Made by {@code init}, passed to {@code update}, which returns the next state.
 *
 * <p><b>Donation.</b> From the caller's view a state is a value: {@code update} returns the new state and does not
 * change anything else the caller can see. To run without allocating, the new state may reuse — and so overwrite —
 * the buffers of the state passed in (as JAX's donated buffers): once passed to {@code update}, a state must not be
 * used again; keep only the returned one. To keep a snapshot, save it ({@link #save}) or take
 * {@link Optimizer#stateDict()}.
 *
 * <p>Saving writes named entries through a {@link StateWriter}: per-parameter tensors as
 * {@code <path>.<slot>/<parameter>} (e.g. {@code adam.m/trunk.0.weight}), per-parameter counts as
 * {@code <path>.count/<parameter>}, scalars as {@code <path>.<name>}. Loading reads the same entries back into this
 * state's buffers.
 */
public interface OptState {
    /** The state of a transformation that keeps none. */
    OptState NONE = new OptState() {
        @Override
        public void save(String path, StateWriter out) {
        }

        @Override
        public void load(String path, StateReader in) {
        }

        @Override
        public String toString() {
            return "OptState.NONE";
        }
    };

    /** Writes this state's entries under {@code path}, the dotted path of its transformation. */
    void save(String path, StateWriter out);

    /** Overwrites this state with the entries under {@code path}; fails naming any missing or misshapen entry. */
    void load(String path, StateReader in);

    /**
     * Multiplies into {@code out.get(group)} the factor this state scales updates by as a learning rate (learning
     * rate blocks, schedules, plateau reductions), as of the latest step; composite states pass it on to their
     * parts, {@code partition} with its labels as groups. For logging.
     */
    default void learningRates(String group, Map<String, Double> out) {
    }

    /** Steps skipped because of non-finite gradients, summed over this state and its parts. */
    default long skippedSteps() {
        return 0;
    }

    /** {@code a.b}, or whichever is non-empty: the path of a part named {@code b} of the state at {@code a}. */
    static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "." + b;
    }
}
