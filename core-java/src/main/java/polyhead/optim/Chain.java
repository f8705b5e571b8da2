package polyhead.optim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Transforms#chain}: its parts in order, each transforming the updates the previous one left. Nested chains
 * are flattened, so a chain's state has no level of its own: its parts are saved under their names, made unique by
 * a suffix ({@code trace}, {@code trace_2}) when a name repeats.
 */
final class Chain implements GradientTransformation {
    private final GradientTransformation[] parts;
    private final String[] names;

    Chain(GradientTransformation... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("chain: needs at least one transformation");
        }
        List<GradientTransformation> flat = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) {
                throw new IllegalArgumentException("chain: transformation " + i + " is null");
            }
            if (parts[i] instanceof Chain c) {
                flat.addAll(List.of(c.parts));
            } else {
                flat.add(parts[i]);
            }
        }
        this.parts = flat.toArray(new GradientTransformation[0]);
        this.names = new String[this.parts.length];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            String n = this.parts[i].name();
            int k = seen.merge(n, 1, Integer::sum);
            names[i] = k == 1 ? n : n + "_" + k;
        }
    }

    @Override
    public String name() {
        return "";
    }

    /** The flattened parts, in order. */
    List<GradientTransformation> parts() {
        return List.of(parts);
    }

    @Override
    public OptState init(Params params) {
        OptState[] states = new OptState[parts.length];
        for (int i = 0; i < parts.length; i++) {
            states[i] = parts[i].init(params);
        }
        return new State(this, params, states);
    }

    @Override
    public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
        State s = OwnedState.of(State.class, state, this, params);
        for (int i = 0; i < parts.length; i++) {
            s.states[i] = parts[i].update(updates, s.states[i], params, ctx);
        }
        return s;
    }

    @Override
    public String toString() {
        return "chain" + List.of(names);
    }

    private static final class State extends CompositeState<Chain> {
        State(Chain owner, Params params, OptState[] states) {
            super(owner, params, states);
        }

        @Override
        String partPath(String path, int i) {
            return OptState.join(path, owner.names[i]);
        }

        @Override
        String partGroup(String group, int i) {
            return group;
        }

        @Override
        public String toString() {
            return "chain state over " + params;
        }
    }
}
