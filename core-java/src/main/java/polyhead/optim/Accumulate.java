package polyhead.optim;

import java.util.Arrays;
import java.util.Map;

/**
 * {@link Transforms#accumulate}: sums the gradients of {@code k} calls and, on every k-th, passes their mean to the
 * inner transformation; in between, every parameter is inactive (no update). Saved as {@code accumulate.sum/<param>},
 * {@code accumulate.received/<param>} (1 if the parameter got a gradient in the current window),
 * {@code accumulate.calls} and {@code accumulate.innerSteps}, with the inner state under
 * {@code accumulate.<inner name>}.
 */
final class Accumulate implements GradientTransformation {
    private final int k;
    private final GradientTransformation inner;

    Accumulate(int k, GradientTransformation inner) {
        this.k = Check.atLeast("accumulate", "k", k, 1);
        this.inner = Check.notNull("accumulate", "inner transformation", inner);
    }

    @Override
    public String name() {
        return "accumulate";
    }

    @Override
    public OptState init(Params params) {
        return new State(this, params, inner.init(params));
    }

    @Override
    public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
        State s = OwnedState.of(State.class, state, this, params);
        for (int i = 0, n = params.count(); i < n; i++) {
            int index = params.index(i);
            if (updates.isActive(index)) {
                float[] u = updates.buffer();
                float[] sum = s.sum;
                int o = params.offset(i);
                for (int j = 0, len = params.size(i); j < len; j++) {
                    sum[o + j] += u[o + j];
                }
                s.received[i] = true;
                updates.deactivate(index);
            }
        }
        if (++s.calls < k) {
            return s;
        }
        s.calls = 0;
        float fk = k;
        for (int i = 0, n = params.count(); i < n; i++) {
            if (s.received[i]) {
                int index = params.index(i);
                float[] u = updates.buffer();
                float[] sum = s.sum;
                int o = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    u[o + j] = sum[o + j] / fk;
                }
                Arrays.fill(sum, o, o + len, 0f);
                s.received[i] = false;
                updates.activate(index);
            }
        }
        s.innerCtx.copyFrom(ctx).setStep(s.innerSteps++);
        s.inner = inner.update(updates, s.inner, params, s.innerCtx);
        return s;
    }

    private static final class State extends OwnedState<Accumulate> {
        final float[] sum;
        final boolean[] received;
        final StepContext innerCtx = new StepContext();
        long calls;
        long innerSteps;
        OptState inner;

        State(Accumulate owner, Params params, OptState inner) {
            super(owner, params);
            this.sum = params.newFlatSlot();
            this.received = new boolean[params.count()];
            this.inner = inner;
        }

        @Override
        public void save(String path, StateWriter out) {
            for (int i = 0; i < params.count(); i++) {
                out.tensor(path + ".sum/" + params.name(i), sum, params.offset(i), params.shape(i));
                out.counter(path + ".received/" + params.name(i), received[i] ? 1 : 0);
            }
            out.counter(path + ".calls", calls);
            out.counter(path + ".innerSteps", innerSteps);
            inner.save(OptState.join(path, owner.inner.name()), out);
        }

        @Override
        public void load(String path, StateReader in) {
            for (int i = 0; i < params.count(); i++) {
                in.tensor(path + ".sum/" + params.name(i), sum, params.offset(i), params.shape(i));
                received[i] = in.counter(path + ".received/" + params.name(i)) != 0;
            }
            calls = in.counter(path + ".calls");
            if (calls < 0 || calls >= owner.k) {
                throw new IllegalArgumentException("optimizer state entry '" + path + ".calls' is " + calls
                        + ", outside [0, " + owner.k + ") for accumulate over " + owner.k + " calls");
            }
            innerSteps = in.counter(path + ".innerSteps");
            inner.load(OptState.join(path, owner.inner.name()), in);
        }

        @Override
        public void learningRates(String group, Map<String, Double> out) {
            inner.learningRates(group, out);
        }

        @Override
        public long skippedSteps() {
            return inner.skippedSteps();
        }
    }
}
