package polyhead.optim;

import java.util.Arrays;

/**
 * Preconditioners built on an accumulated or averaged square of the gradient: RMSprop, Adagrad, Adadelta; and
 * {@code trace}, the momentum of SGD. The math, papers and PyTorch deviations are documented on their factories in
 * {@link Transforms}. Only active parameters are touched.
 */
final class SquareBlocks {
    private SquareBlocks() {
    }

    /** {@link Transforms#scaleByRms}. Slots v (and g, the mean gradient, when centered). */
    static final class Rms implements GradientTransformation {
        private final double alpha;
        private final float eps;
        private final boolean centered;

        Rms(double alpha, double eps, boolean centered) {
            this.alpha = Check.beta("scaleByRms", "alpha", alpha);
            this.eps = (float) Check.positive("scaleByRms", "eps", eps);
            this.centered = centered;
        }

        @Override
        public String name() {
            return "rms";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, false, centered ? new String[] {"v", "g"} : new String[] {"v"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float[] u = updates.data();
            float[] v = s.slot(0);
            float[] mean = centered ? s.slot(1) : null;
            float a = (float) alpha;
            float c = (float) (1 - alpha);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float vj = a * v[so + j] + c * g * g;
                    v[so + j] = vj;
                    if (mean != null) {
                        float gj = a * mean[so + j] + c * g;
                        mean[so + j] = gj;
                        vj -= gj * gj;
                    }
                    u[uo + j] = g / ((float) Math.sqrt(vj) + eps);
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByAdagrad}. Slot sum; per-parameter counts (for the lr decay). */
    static final class Adagrad implements GradientTransformation {
        private final float initialAccumulator;
        private final float eps;
        private final double lrDecay;

        Adagrad(double initialAccumulator, double eps, double lrDecay) {
            this.initialAccumulator = (float) Check.nonNegative("scaleByAdagrad", "initialAccumulator",
                    initialAccumulator);
            this.eps = (float) Check.positive("scaleByAdagrad", "eps", eps);
            this.lrDecay = Check.nonNegative("scaleByAdagrad", "lrDecay", lrDecay);
        }

        @Override
        public String name() {
            return "adagrad";
        }

        @Override
        public OptState init(Params params) {
            SlotState s = new SlotState(this, params, true, new String[] {"sum"});
            Arrays.fill(s.slot(0), initialAccumulator);
            return s;
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float[] u = updates.data();
            float[] sum = s.slot(0);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                long t = ++s.counts[i];
                float decay = (float) (1 / (1 + (t - 1) * lrDecay));
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float sj = sum[so + j] + g * g;
                    sum[so + j] = sj;
                    u[uo + j] = g / ((float) Math.sqrt(sj) + eps) * decay;
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByAdadelta}. Slots v (squared gradients) and delta (squared updates). */
    static final class Adadelta implements GradientTransformation {
        private final double rho;
        private final float eps;

        Adadelta(double rho, double eps) {
            this.rho = Check.beta("scaleByAdadelta", "rho", rho);
            this.eps = (float) Check.positive("scaleByAdadelta", "eps", eps);
        }

        @Override
        public String name() {
            return "adadelta";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, false, new String[] {"v", "delta"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float[] u = updates.data();
            float[] v = s.slot(0);
            float[] acc = s.slot(1);
            float r = (float) rho;
            float c = (float) (1 - rho);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float vj = r * v[so + j] + c * g * g;
                    v[so + j] = vj;
                    float d = (float) Math.sqrt(acc[so + j] + eps) / (float) Math.sqrt(vj + eps) * g;
                    acc[so + j] = r * acc[so + j] + c * d * d;
                    u[uo + j] = d;
                }
            }
            return s;
        }
    }

    /** {@link Transforms#trace}. Slot momentum; per-parameter counts (the first step starts the buffer). */
    static final class Trace implements GradientTransformation {
        private final double momentum;
        private final double dampening;
        private final boolean nesterov;

        Trace(double momentum, double dampening, boolean nesterov) {
            this.momentum = Check.nonNegative("trace", "momentum", momentum);
            this.dampening = Check.nonNegative("trace", "dampening", dampening);
            if (dampening > 1) {
                throw new IllegalArgumentException("trace: dampening must be in [0, 1], got " + dampening);
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("trace: nesterov needs momentum > 0 and dampening = 0, got momentum "
                        + momentum + ", dampening " + dampening);
            }
            this.nesterov = nesterov;
        }

        @Override
        public String name() {
            return "trace";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, true, new String[] {"momentum"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float[] u = updates.data();
            float[] buf = s.slot(0);
            float mu = (float) momentum;
            float keep = (float) (1 - dampening);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                // as PyTorch: the first step (of this parameter) sets the buffer to the gradient, undampened
                boolean first = s.counts[i]++ == 0;
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float b = first ? g : mu * buf[so + j] + keep * g;
                    buf[so + j] = b;
                    u[uo + j] = nesterov ? g + mu * b : b;
                }
            }
            return s;
        }
    }
}
