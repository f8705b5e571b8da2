package polyhead.optim;

import java.util.Map;

import polyhead.optim.schedule.Schedule;
import polyhead.tensor.ArrayMath;

/**
 * Stateless (or nearly) element-wise blocks: learning rate and schedule scaling, {@code maximize}, weight decay
 * terms and clipping. Documented on their factories in {@link Transforms}. Only active parameters are touched.
 */
final class ScaleBlocks {
    private ScaleBlocks() {
    }

    /**
     * {@link Transforms#scaleByLearningRate} (sign −1) and {@link Transforms#scaleBySchedule} (sign +1): multiplies
     * by {@code sign · schedule(ctx.step())}. Keeps the latest value for logging.
     */
    static final class BySchedule implements GradientTransformation {
        private final String name;
        private final Schedule schedule;
        private final boolean learningRate;

        BySchedule(String name, Schedule schedule, boolean learningRate) {
            this.name = name;
            this.schedule = learningRate ? Check.lr("scaleByLearningRate", schedule)
                    : Check.notNull("scaleBySchedule", "schedule", schedule);
            this.learningRate = learningRate;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public OptState init(Params params) {
            return new Latest(this, schedule.valueAt(0));
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            if (!(state instanceof Latest s) || s.owner != this) {
                throw OwnedState.foreign(this, state);
            }
            double value = learningRate && !Double.isNaN(ctx.learningRateOverride()) ? ctx.learningRateOverride()
                    : schedule.valueAt(ctx.step());
            if (learningRate && (!(value >= 0) || Double.isInfinite(value))) {
                throw new IllegalStateException("scaleByLearningRate: the lr schedule gave " + value + " at step "
                        + ctx.step() + "; a learning rate must be a finite number >= 0");
            }
            s.value = value;
            scale(updates, params, (float) (learningRate ? -value : value));
            return s;
        }
    }

    /** The latest value a schedule gave; saved as {@code <path>.latest} so that logging survives a restore. */
    static final class Latest implements OptState {
        final GradientTransformation owner;
        double value;

        Latest(GradientTransformation owner, double value) {
            this.owner = owner;
            this.value = value;
        }

        @Override
        public void save(String path, StateWriter out) {
            out.value(path + ".latest", value);
        }

        @Override
        public void load(String path, StateReader in) {
            value = in.value(path + ".latest");
        }

        @Override
        public void learningRates(String group, Map<String, Double> out) {
            out.merge(group, value, (a, b) -> a * b);
        }

        @Override
        public String toString() {
            return owner.name() + " state (latest " + value + ")";
        }
    }

    /**
     * Multiplies every active segment of the view by {@code f}: {@link Updates#scaleLater}, done when the buffer is
     * next read or in the pass that applies the updates.
     */
    static void scale(Updates updates, Params params, float f) {
        updates.scaleLater(params, f);
    }

    /** Multiplies {@code len} values of {@code u} from {@code from} by {@code f}. */
    static void scale(float[] u, int from, int len, float f) {
        for (int j = 0; j < len; j++) {
            u[from + j] *= f;
        }
    }

    /** Base of the blocks that keep no state. */
    abstract static class Stateless implements GradientTransformation {
        @Override
        public final OptState init(Params params) {
            return OptState.NONE;
        }

        @Override
        public final OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            apply(updates, params);
            return OptState.NONE;
        }

        abstract void apply(Updates updates, Params params);
    }

    /** {@link Transforms#maximize}: u ← −u. */
    static final class Maximize extends Stateless {
        @Override
        public String name() {
            return "maximize";
        }

        @Override
        void apply(Updates updates, Params params) {
            scale(updates, params, -1f);
        }
    }

    /** {@link Transforms#addL2} and {@link Transforms#addDecayedWeights}: u ← u + λ·p. */
    static final class AddWeights extends Stateless {
        private final String name;
        private final float weightDecay;

        AddWeights(String name, double weightDecay) {
            this.name = name;
            this.weightDecay = (float) Check.nonNegative(name, "weightDecay", weightDecay);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        void apply(Updates updates, Params params) {
            float wd = weightDecay;
            if (params.totalSize() >= Updates.PARALLEL_MIN) {
                float[] u = updates.buffer();
                updates.forEachActivePart(params, (i, from, to) ->
                        ArrayMath.addScaled(u, params.offset(i) + from, params.values(i), from, to - from, wd));
                return;
            }
            for (int i = 0, n = params.count(); i < n; i++) {
                int index = params.index(i);
                if (updates.isActive(index)) {
                    // the parameter is its own array, at offset 0: a loop with two offsets, which C2 runs one
                    // element at a time on JDK 17, so it goes through ArrayMath's vector loop
                    ArrayMath.addScaled(updates.buffer(), params.offset(i), params.values(i), 0, params.size(i), wd);
                }
            }
        }
    }

    /** {@link Transforms#clipByValue}: u ← clamp(u, −c, c). */
    static final class ClipByValue extends Stateless {
        private final float max;

        ClipByValue(double max) {
            this.max = (float) Check.positive("clipByValue", "maxValue", max);
        }

        @Override
        public String name() {
            return "clipByValue";
        }

        @Override
        void apply(Updates updates, Params params) {
            float hi = max;
            float lo = -max;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, null);
                int o = params.offset(i);
                int len = params.extent(i, end);
                for (int j = 0; j < len; j++) {
                    u[o + j] = Math.min(hi, Math.max(lo, u[o + j]));
                }
            }
        }
    }

    /**
     * {@link Transforms#clipByNorm} (each parameter on its own) and {@link Transforms#clipByGlobalNorm} (all active
     * parameters of the view together): u ← u · min(1, c / (‖u‖₂ + 1e-6)).
     */
    static final class ClipByNorm extends Stateless {
        /** PyTorch's {@code clip_grad_norm_} adds this to the norm before dividing. */
        static final double NORM_EPS = 1e-6;
        private final double maxNorm;
        private final boolean global;

        ClipByNorm(double maxNorm, boolean global) {
            this.maxNorm = Check.positive(global ? "clipByGlobalNorm" : "clipByNorm", "maxNorm", maxNorm);
            this.global = global;
        }

        @Override
        public String name() {
            return global ? "clipByGlobalNorm" : "clipByNorm";
        }

        @Override
        void apply(Updates updates, Params params) {
            if (global) {
                double sq = 0;
                for (int i = 0, n = params.count(); i < n; i++) {
                    int index = params.index(i);
                    if (updates.isActive(index)) {
                        sq += squares(updates.buffer(), updates.offset(index), updates.size(index));
                    }
                }
                double coef = maxNorm / (Math.sqrt(sq) + NORM_EPS);
                if (coef < 1) {
                    scale(updates, params, (float) coef);
                }
            } else {
                for (int i = 0, n = params.count(); i < n; i++) {
                    int index = params.index(i);
                    if (updates.isActive(index)) {
                        int uo = updates.offset(index);
                        int len = updates.size(index);
                        double coef = maxNorm / (Math.sqrt(squares(updates.buffer(), uo, len)) + NORM_EPS);
                        if (coef < 1) {
                            scale(updates.buffer(), uo, len, (float) coef);
                        }
                    }
                }
            }
        }

        /** The sum of squares of one parameter's segment (summed per segment, in order, whatever the runs). */
        private static double squares(float[] u, int from, int len) {
            double s = 0;
            for (int j = 0; j < len; j++) {
                double x = u[from + j];
                s += x * x;
            }
            return s;
        }
    }
}
