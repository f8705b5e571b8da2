package polyhead.optim;

import java.util.Map;

/**
 * {@link Transforms#skipNonFinite}: if any active gradient it receives is NaN or infinite, the inner transformation
 * is not called, every parameter of the view is made inactive (nothing moves, no state advances) and the skip is
 * counted; saved as {@code skipNonFinite.skipped}, {@code skipNonFinite.consecutive}, inner under
 * {@code skipNonFinite.<inner name>}.
 */
final class SkipNonFinite implements GradientTransformation {
    private final GradientTransformation inner;
    private final long maxConsecutive;

    SkipNonFinite(GradientTransformation inner, long maxConsecutive) {
        this.inner = Check.notNull("skipNonFinite", "inner transformation", inner);
        if (maxConsecutive < 0) {
            throw new IllegalArgumentException("skipNonFinite: maxConsecutive must be >= 0, got " + maxConsecutive);
        }
        this.maxConsecutive = maxConsecutive;
    }

    @Override
    public String name() {
        return "skipNonFinite";
    }

    @Override
    public OptState init(Params params) {
        return new State(this, params, inner.init(params));
    }

    @Override
    public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
        State s = OwnedState.of(State.class, state, this, params);
        int bad = firstNonFinite(updates, params);
        if (bad < 0) {
            s.consecutive = 0;
            s.inner = inner.update(updates, s.inner, params, ctx);
            return s;
        }
        s.skipped++;
        s.consecutive++;
        if (s.consecutive > maxConsecutive) {
            throw new ArithmeticException("skipNonFinite: non-finite gradients in " + s.consecutive
                    + " consecutive steps (more than maxConsecutive = " + maxConsecutive + "), this time in '"
                    + params.name(bad) + "' at step " + ctx.step());
        }
        for (int i = 0, n = params.count(); i < n; i++) {
            if (updates.isActive(params.index(i))) {
                updates.deactivate(params.index(i));
            }
        }
        return s;
    }

    private static int firstNonFinite(Updates updates, Params params) {
        for (int i = 0, n = params.count(); i < n; i++) {
            int index = params.index(i);
            if (updates.isActive(index)) {
                float[] u = updates.buffer();
                int o = params.offset(i);
                // x - x is 0 for finite x and NaN for NaN and ±Inf: one branch-free sum per segment
                float acc = 0;
                for (int j = 0, len = updates.size(index); j < len; j++) {
                    acc += u[o + j] - u[o + j];
                }
                if (acc != 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static final class State extends OwnedState<SkipNonFinite> {
        long skipped;
        long consecutive;
        OptState inner;

        State(SkipNonFinite owner, Params params, OptState inner) {
            super(owner, params);
            this.inner = inner;
        }

        @Override
        public void save(String path, StateWriter out) {
            out.counter(path + ".skipped", skipped);
            out.counter(path + ".consecutive", consecutive);
            inner.save(OptState.join(path, owner.inner.name()), out);
        }

        @Override
        public void load(String path, StateReader in) {
            skipped = in.counter(path + ".skipped");
            consecutive = in.counter(path + ".consecutive");
            inner.load(OptState.join(path, owner.inner.name()), in);
        }

        @Override
        public void learningRates(String group, Map<String, Double> out) {
            inner.learningRates(group, out);
        }

        @Override
        public long skippedSteps() {
            return skipped + inner.skippedSteps();
        }
    }
}
