package polyhead.optim;

import java.util.Map;

/**
 * The state of a block made of parts ({@code chain}'s links, {@code partition}'s groups): one state per part, each
 * saved under its own path and reporting its learning rates under its own group; skipped steps add up.
 *
 * @param <T> the owner's type, whose part names and labels the paths are made of
 */
abstract class CompositeState<T extends GradientTransformation> extends OwnedState<T> {
    final OptState[] states;

    CompositeState(T owner, Params params, OptState[] states) {
        super(owner, params);
        this.states = states;
    }

    /** Where part {@code i} saves its entries, under the block's {@code path}. */
    abstract String partPath(String path, int i);

    /** The learning-rate group of part {@code i}, within the block's {@code group}. */
    abstract String partGroup(String group, int i);

    @Override
    public void save(String path, StateWriter out) {
        for (int i = 0; i < states.length; i++) {
            states[i].save(partPath(path, i), out);
        }
    }

    @Override
    public void load(String path, StateReader in) {
        for (int i = 0; i < states.length; i++) {
            states[i].load(partPath(path, i), in);
        }
    }

    @Override
    public void learningRates(String group, Map<String, Double> out) {
        for (int i = 0; i < states.length; i++) {
            states[i].learningRates(partGroup(group, i), out);
        }
    }

    @Override
    public long skippedSteps() {
        long n = 0;
        for (OptState s : states) {
            n += s.skippedSteps();
        }
        return n;
    }
}
