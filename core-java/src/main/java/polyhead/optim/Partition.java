package polyhead.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Transforms#partition}: parameter groups, each with its own transformation, initialised for the subset of
 * parameters whose label names it. Saved as {@code partition.<label>.<part path>}.
 */
final class Partition implements GradientTransformation {
    private final Labeler labeler;
    private final String[] labels;
    private final GradientTransformation[] parts;

    Partition(Labeler labeler, Map<String, GradientTransformation> transformations) {
        if (labeler == null) {
            throw new IllegalArgumentException("partition: labeler is null");
        }
        if (transformations == null || transformations.isEmpty()) {
            throw new IllegalArgumentException("partition: needs at least one label with its transformation");
        }
        this.labeler = labeler;
        this.labels = new String[transformations.size()];
        this.parts = new GradientTransformation[labels.length];
        int k = 0;
        for (Map.Entry<String, GradientTransformation> e : transformations.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().contains(".") || e.getKey().contains("/")) {
                throw new IllegalArgumentException("partition: a label must be non-empty, without '.' or '/', got '"
                        + e.getKey() + "'");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("partition: label '" + e.getKey() + "' has no transformation (null)");
            }
            labels[k] = e.getKey();
            parts[k++] = e.getValue();
        }
    }

    @Override
    public String name() {
        return "partition";
    }

    @Override
    public OptState init(Params params) {
        Map<String, List<Integer>> members = new LinkedHashMap<>();
        for (String l : labels) {
            members.put(l, new ArrayList<>());
        }
        for (int i = 0; i < params.count(); i++) {
            String l = labeler.label(params.name(i), params.shape(i));
            List<Integer> group = members.get(l);
            if (group == null) {
                throw new IllegalArgumentException("partition: parameter '" + params.name(i) + "' got label '" + l
                        + "', which has no transformation (labels: " + members.keySet() + ")");
            }
            group.add(i);
        }
        Params[] groups = new Params[labels.length];
        OptState[] states = new OptState[labels.length];
        for (int g = 0; g < labels.length; g++) {
            List<Integer> m = members.get(labels[g]);
            if (m.isEmpty()) {
                throw new IllegalArgumentException("partition: no parameter got label '" + labels[g]
                        + "' (an empty parameter group); parameters: " + params);
            }
            groups[g] = params.subset(m.stream().mapToInt(Integer::intValue).toArray());
            states[g] = parts[g].init(groups[g]);
        }
        return new State(this, params, groups, states);
    }

    @Override
    public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
        State s = OwnedState.of(State.class, state, this, params);
        for (int g = 0; g < parts.length; g++) {
            s.states[g] = parts[g].update(updates, s.states[g], s.groups[g], ctx);
        }
        return s;
    }

    @Override
    public String toString() {
        return "partition" + List.of(labels);
    }

    private static final class State extends CompositeState<Partition> {
        final Params[] groups;

        State(Partition owner, Params params, Params[] groups, OptState[] states) {
            super(owner, params, states);
            this.groups = groups;
        }

        @Override
        String partPath(String path, int g) {
            return OptState.join(OptState.join(path, owner.labels[g]), owner.parts[g].name());
        }

        @Override
        String partGroup(String group, int g) {
            return OptState.join(group, owner.labels[g]);
        }

        @Override
        public String toString() {
            return "partition state over " + params;
        }
    }
}
